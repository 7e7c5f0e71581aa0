import { judgeAssertion, type RequestedScopeProblem } from '../tokens/assertion-judge.js';
import { authenticateClient } from '../http/client-auth.js';
import type { EndpointName } from '../control/endpoints.js';
import { answerWithFault } from '../http/fault-response.js';
import { formScope, readForm } from '../http/form-body.js';
import { NO_STORE_HEADERS, sendOAuthError } from '../http/oauth-response.js';
import { CLIENT_CREDENTIALS_RATE_LIMIT, showRateLimit, takeRateLimit } from '../http/rate-limit.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import { isKnownScope, MAX_SCOPE_CHARS, MAX_SCOPES, splitScope } from '../tokens/scopes.js';

export const TOKEN_PATH = '/authentication/v2/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

// A Map, not an object: `grant_type=constructor` must not find Object.prototype members.
const GRANT_ENDPOINTS: ReadonlyMap<string, EndpointName> = new Map([
  [JWT_BEARER_GRANT, 'token:jwt-bearer'],
  ['client_credentials', 'token:client_credentials'],
]);

/** The exact texts of reference §2 (S3, D-tok). */
const INVALID_GRANT_TYPE = "The token request must specify a valid 'grant_type'.";
const MISSING_ASSERTION = "The request is missing a required parameter 'assertion'.";
const INVALID_ASSERTION = "The 'assertion' is invalid.";
const ACCOUNT_NOT_ENABLED = 'The service account is not currently in an enabled state.';
/**
 * A form `scope` that APS refuses is not a fault of the assertion, so it is not answered "The 'assertion' is
 * invalid.". APS documents no text for it [U]: `invalid_scope` is RFC 6749 §5.2's code, the words are ours.
 */
const REQUESTED_SCOPE_ERRORS: Readonly<Record<RequestedScopeProblem, string>> = {
  empty: "The 'scope' parameter is empty. Omit it to get the assertion's scope, or list a subset of that scope.",
  wider: "The requested 'scope' is wider than the assertion's scope. Request only scopes that the assertion's scope claim lists.",
};

async function issue(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  input: { clientId: string; scopes: readonly string[]; serviceAccountId?: string },
): Promise<void> {
  const lifetime = runtime.settings.tokenLifetime;
  const { accessToken, claims } = await runtime.tokens.issue({ ...input, lifetimeSeconds: lifetime });
  ctx.draft.issued = {
    jti: claims.jti,
    ...(input.serviceAccountId === undefined ? {} : { serviceAccountId: input.serviceAccountId }),
    scopes: claims.scope,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  };
  ctx.sendJson(200, { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime }, { headers: NO_STORE_HEADERS });
}

async function jwtBearer(ctx: RequestContext, runtime: EmulatorRuntime, form: URLSearchParams, clientId: string): Promise<void> {
  const assertion = form.get('assertion');
  if (!assertion) return sendOAuthError(ctx, 400, 'invalid_request', MISSING_ASSERTION);
  const judgement = await judgeAssertion({
    assertion,
    clientId,
    requestedScope: formScope(form),
    state: runtime.state,
    clock: runtime.clock,
  });
  if (judgement.decoded) ctx.draft.assertion = judgement.decoded;
  ctx.draft.rules = judgement.verdicts;
  if (!judgement.grant) {
    ctx.draft.failedRule = judgement.failed!;
    if (judgement.requestedScopeProblem !== undefined) {
      return sendOAuthError(ctx, 400, 'invalid_scope', REQUESTED_SCOPE_ERRORS[judgement.requestedScopeProblem]);
    }
    // Every assertion failure gets the same answer except a non-enabled account (reference §4, S3).
    return sendOAuthError(ctx, 400, 'invalid_grant', judgement.failed === 'account state' ? ACCOUNT_NOT_ENABLED : INVALID_ASSERTION);
  }
  const { serviceAccountId, kid, scopes } = judgement.grant;
  runtime.state.markUsed(serviceAccountId, kid);
  await issue(ctx, runtime, { clientId, scopes, serviceAccountId });
}

/** The 2-legged grant. Its error texts are not documented [U]; the codes follow RFC 6749 §5.2. */
async function clientCredentials(ctx: RequestContext, runtime: EmulatorRuntime, form: URLSearchParams, clientId: string): Promise<void> {
  const scope = formScope(form);
  if (!scope) return sendOAuthError(ctx, 400, 'invalid_request', "The request is missing a required parameter 'scope'.");
  const scopes = splitScope(scope);
  if (scopes.length > MAX_SCOPES || scope.length > MAX_SCOPE_CHARS) {
    return sendOAuthError(ctx, 400, 'invalid_scope', `The scope may list at most ${MAX_SCOPES} scopes and ${MAX_SCOPE_CHARS} characters.`);
  }
  if (scopes.length === 0 || !scopes.every(isKnownScope)) {
    return sendOAuthError(ctx, 400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
  }
  await issue(ctx, runtime, { clientId, scopes: [...new Set(scopes)] });
}

/** The budget a token request counts against: the SSA one for the exchange, the token endpoint's for the rest. */
function budgetOf(endpoint: EndpointName, runtime: EmulatorRuntime): number {
  return endpoint === 'token:jwt-bearer' ? runtime.settings.rateLimit : CLIENT_CREDENTIALS_RATE_LIMIT;
}

async function handleToken(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'token';
  // Every answer carries the ratelimit-* headers, even one to a body that cannot be read.
  showRateLimit(ctx, runtime, undefined, 'token', CLIENT_CREDENTIALS_RATE_LIMIT);
  const form = await readForm(ctx);
  if (!form) return;
  const grant = form.get('grant_type') ?? undefined;
  if (grant !== undefined) ctx.draft.grant = grant;
  const endpoint = grant === undefined ? undefined : GRANT_ENDPOINTS.get(grant);
  if (endpoint) ctx.endpoint = endpoint;

  const auth = authenticateClient(ctx.header('authorization'), form, runtime.state);
  const presentedId = auth.ok ? auth.app.clientId : auth.clientId;
  showRateLimit(ctx, runtime, presentedId, ctx.endpoint, budgetOf(ctx.endpoint, runtime));
  if (answerWithFault(ctx, runtime)) return;
  if (presentedId !== undefined) ctx.draft.clientId = presentedId;
  // A body/header conflict is a malformed request, reported before the grant (D-tok).
  if (!auth.ok && auth.status === 400) return sendOAuthError(ctx, auth.status, auth.error, auth.description);
  if (!endpoint) return sendOAuthError(ctx, 400, 'invalid_request', INVALID_GRANT_TYPE);
  if (!auth.ok) return sendOAuthError(ctx, auth.status, auth.error, auth.description);

  const clientId = auth.app.clientId;
  if (!takeRateLimit(ctx, runtime, clientId, endpoint, budgetOf(endpoint, runtime))) return;
  return endpoint === 'token:jwt-bearer' ? jwtBearer(ctx, runtime, form, clientId) : clientCredentials(ctx, runtime, form, clientId);
}

export function registerTokenRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('POST', TOKEN_PATH, (ctx) => handleToken(ctx, runtime));
}
