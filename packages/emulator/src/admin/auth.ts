import { sendSsaError, SSA_DETAILS } from './errors.js';
import type { EndpointName } from '../control/endpoints.js';
import { showRateLimit, takeRateLimit } from '../http/rate-limit.js';
import type { RequestContext } from '../http/request-context.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { AppRecord } from '../state/state.js';

/** The S1 `security` scopes of the SSA admin operations. */
export type AdminScope =
  | 'application:service_account:read'
  | 'application:service_account:write'
  | 'application:service_account_key:read'
  | 'application:service_account_key:write';

/**
 * Checks the bearer token of an admin request, in this order: a valid emulator token (401 "expired or
 * invalid"), 2-legged (401 "should be a two-legged token", S3), the rate limit (10/min per client per endpoint,
 * counted once the client is known, as for the exchange), then the operation's scope (403). Returns the calling
 * app, or answers and returns `undefined`.
 */
export async function authorizeAdmin(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  endpoint: EndpointName,
  scope: AdminScope,
): Promise<AppRecord | undefined> {
  // A 401 comes before the request counts: it shows the presented client's budget, untouched (as the token
  // endpoint's refusals do), so that every admin answer carries the `ratelimit-*` headers.
  const unauthorized = (detail: string, clientId?: string): undefined => {
    showRateLimit(ctx, runtime, clientId, endpoint, runtime.settings.rateLimit);
    return refuse(ctx, 401, 'unauthorized', detail);
  };
  const match = /^Bearer +(\S+) *$/i.exec(ctx.header('authorization') ?? '');
  if (!match) return unauthorized(SSA_DETAILS.tokenInvalid);
  const token = await runtime.tokens.verify(match[1]!);
  if (!token.ok) {
    if (token.jti !== undefined) ctx.draft.presentedToken = { jti: token.jti };
    return unauthorized(SSA_DETAILS.tokenInvalid);
  }
  const { jti, userid, client_id: clientId, scope: scopes } = token.claims;
  ctx.draft.clientId = clientId;
  ctx.draft.presentedToken = { jti, clientId, ...(userid === undefined ? {} : { serviceAccountId: userid }) };
  if (userid !== undefined) return unauthorized(SSA_DETAILS.notTwoLegged, clientId);
  const app = runtime.state.getApp(clientId);
  if (!app) return unauthorized(SSA_DETAILS.tokenInvalid, clientId);
  if (!takeRateLimit(ctx, runtime, clientId, endpoint, runtime.settings.rateLimit)) return undefined;
  if (!scopes.includes(scope)) return refuse(ctx, 403, 'forbidden', SSA_DETAILS.missingScope);
  return app;
}

function refuse(ctx: RequestContext, status: 401 | 403, title: 'unauthorized' | 'forbidden', detail: string): undefined {
  sendSsaError(ctx, status, title, detail);
  return undefined;
}
