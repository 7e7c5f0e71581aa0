import type { VerifiedToken } from '../tokens/access-tokens.js';
import { authenticateClient } from '../http/client-auth.js';
import type { EndpointName } from '../control/endpoints.js';
import { answerWithFault } from '../http/fault-response.js';
import { readForm } from '../http/form-body.js';
import { NO_STORE_HEADERS, sendOAuthError } from '../http/oauth-response.js';
import { INTROSPECT_RATE_LIMIT, REVOKE_RATE_LIMIT, STRICT_INTROSPECT_RATE_LIMIT, takeRateLimit } from '../http/rate-limit.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';

export const INTROSPECT_PATH = '/authentication/v2/introspect';
export const REVOKE_PATH = '/authentication/v2/revoke';

/**
 * The shared front of introspect and revoke: a client-authenticated form with a `token`. Returns the client
 * id and the verified token, or answers the error and returns `undefined`.
 */
async function readTokenRequest(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  endpoint: EndpointName,
  limit: number,
): Promise<{ clientId: string; token: VerifiedToken; form: URLSearchParams } | undefined> {
  ctx.endpoint = endpoint;
  const form = await readForm(ctx);
  if (!form || answerWithFault(ctx, runtime)) return undefined;
  const auth = authenticateClient(ctx.header('authorization'), form, runtime.state);
  const presentedId = auth.ok ? auth.app.clientId : auth.clientId;
  if (presentedId !== undefined) ctx.draft.clientId = presentedId;
  if (!auth.ok) {
    sendOAuthError(ctx, auth.status, auth.error, auth.description);
    return undefined;
  }
  if (!takeRateLimit(ctx, runtime, auth.app.clientId, endpoint, limit)) return undefined;
  const raw = form.get('token');
  if (!raw) {
    sendOAuthError(ctx, 400, 'invalid_request', "The request is missing a required parameter 'token'.");
    return undefined;
  }
  const token = await runtime.tokens.verify(raw);
  ctx.draft.presentedToken = token.ok
    ? { jti: token.claims.jti, clientId: token.claims.client_id, ...(token.claims.userid ? { serviceAccountId: token.claims.userid } : {}) }
    : token.jti === undefined
      ? {}
      : { jti: token.jti };
  return { clientId: auth.app.clientId, token, form };
}

/** "An application can only introspect its own tokens" (S2): another client's token is inactive to it. */
async function handleIntrospect(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  const limit = runtime.settings.strict ? STRICT_INTROSPECT_RATE_LIMIT : INTROSPECT_RATE_LIMIT;
  const request = await readTokenRequest(ctx, runtime, 'introspect', limit);
  if (!request) return;
  const { clientId, token } = request;
  if (!token.ok || token.claims.client_id !== clientId) {
    ctx.sendJson(200, { active: false }, { outcome: 'inactive', headers: NO_STORE_HEADERS });
    return;
  }
  const { scope, client_id, exp, userid } = token.claims;
  ctx.sendJson(
    200,
    { active: true, scope: scope.join(' '), client_id, exp, ...(userid === undefined ? {} : { userid }) },
    { headers: NO_STORE_HEADERS },
  );
}

/** S2's `tokenTypeHint`: revoke requires `token_type_hint`, one of these. */
const TOKEN_TYPE_HINTS = ['access_token', 'refresh_token'];

/**
 * RFC 7009 §2.2: an unknown or foreign token is answered 200 as well, with no body (S2). S2 lists
 * `token_type_hint` as required (RFC 7009 leaves it optional); its refusal texts are not documented [U]: the
 * codes are RFC 6749 §5.2's and RFC 7009 §2.2.1's.
 */
async function handleRevoke(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  const request = await readTokenRequest(ctx, runtime, 'revoke', REVOKE_RATE_LIMIT);
  if (!request) return;
  const { clientId, token, form } = request;
  const hint = form.get('token_type_hint');
  if (!hint) return sendOAuthError(ctx, 400, 'invalid_request', "The request is missing a required parameter 'token_type_hint'.");
  if (!TOKEN_TYPE_HINTS.includes(hint)) {
    return sendOAuthError(ctx, 400, 'unsupported_token_type', "The 'token_type_hint' must be 'access_token' or 'refresh_token'.");
  }
  const revoked = token.ok && token.claims.client_id === clientId;
  if (revoked) runtime.tokens.revoke(token.claims);
  ctx.send(200, '', { outcome: revoked ? 'ok' : 'not_revoked', headers: NO_STORE_HEADERS });
}

export function registerIntrospectionRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('POST', INTROSPECT_PATH, (ctx) => handleIntrospect(ctx, runtime));
  router.add('POST', REVOKE_PATH, (ctx) => handleRevoke(ctx, runtime));
}
