import type { AccessTokenClaims } from '../tokens/access-tokens.js';
import type { EmulatorRuntime } from '../runtime.js';
import { answerWithFault } from './fault-response.js';
import { BEARER, gatewayError, INVALID_TOKEN, MISSING_PRIVILEGE } from './gateway-error.js';
import type { RequestContext } from './request-context.js';

/**
 * The gateway's token check on a protected APS resource: a pending fault first, then a valid, unexpired, unrevoked
 * emulator token in `Authorization` (`header` captures it), whose service account (3-legged tokens) still exists.
 * Returns its claims, or answers 401 (D-oerr's AUTH-006) and returns `undefined`.
 */
export async function authenticateBearer(ctx: RequestContext, runtime: EmulatorRuntime, header: RegExp = BEARER): Promise<AccessTokenClaims | undefined> {
  if (answerWithFault(ctx, runtime)) return undefined;
  const match = header.exec(ctx.header('authorization') ?? '');
  if (!match) return gatewayError(ctx, 401, INVALID_TOKEN, 'no Bearer token');
  const token = await runtime.tokens.verify(match[1]!);
  if (!token.ok) {
    if (token.jti !== undefined) ctx.draft.presentedToken = { jti: token.jti };
    return gatewayError(ctx, 401, INVALID_TOKEN, token.reason);
  }
  const { jti, userid, client_id: clientId } = token.claims;
  ctx.draft.clientId = clientId;
  ctx.draft.presentedToken = { jti, clientId, ...(userid === undefined ? {} : { serviceAccountId: userid }) };
  if (userid !== undefined && !runtime.state.getServiceAccount(userid)) {
    return gatewayError(ctx, 401, INVALID_TOKEN, 'the service account no longer exists');
  }
  return token.claims;
}

/**
 * Whether the token carries every scope of `required` (an OpenAPI security requirement lists scopes that are all
 * needed); if not, answers 403 (D-oerr's AUTH-010) naming the missing ones in the log only.
 */
export function hasScopes(ctx: RequestContext, claims: AccessTokenClaims, required: readonly string[]): boolean {
  const missing = required.filter((scope) => !claims.scope.includes(scope));
  if (missing.length === 0) return true;
  gatewayError(ctx, 403, MISSING_PRIVILEGE, `scope ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  return false;
}
