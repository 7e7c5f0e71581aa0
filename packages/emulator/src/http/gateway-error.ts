import type { RequestContext } from './request-context.js';

const ERROR_HANDLING_URL = 'https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/';

/** The `developerMessage` of a missing, malformed, expired, revoked or forged token. */
export const INVALID_TOKEN = 'The access token provided is invalid or has expired.';
/** The `developerMessage` of a valid token that lacks a scope the operation requires. */
export const MISSING_PRIVILEGE = 'Token does not have the privilege for this request.';
/** `Authorization: Bearer <token>`. */
export const BEARER = /^Bearer +(\S+) *$/i;

/**
 * APS's API gateway answers token problems on resource APIs with its legacy body (D-oerr): AUTH-006 for an
 * invalid token, AUTH-010 for a missing privilege (tokenflex error handling). The exact `developerMessage`
 * texts are not documented per API [U]. Always returns `undefined`, so a check can `return gatewayError(…)`.
 */
export function gatewayError(ctx: RequestContext, status: 401 | 403, developerMessage: string, detail: string): undefined {
  const body = {
    developerMessage,
    userMessage: '',
    errorCode: status === 401 ? 'AUTH-006' : 'AUTH-010',
    'more info': ERROR_HANDLING_URL,
  };
  ctx.sendJson(status, body, { outcome: status === 401 ? 'unauthorized' : 'forbidden', message: `${developerMessage} (${detail})` });
  return undefined;
}
