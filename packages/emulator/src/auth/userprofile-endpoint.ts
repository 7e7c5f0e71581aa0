import { answerWithFault } from '../http/fault-response.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { ServiceAccountRecord } from '../state/state.js';

export const USER_PROFILE_PATH = '/userprofile/v1/users/@me';
export const USER_INFO_PATH = '/userinfo';
const REQUIRED_SCOPE = 'user-profile:read';
const ERROR_HANDLING_URL = 'https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/';

/**
 * APS's API gateway answers token problems on resource APIs with its legacy body (D-oerr): AUTH-006 for an
 * invalid token, AUTH-010 for a missing privilege (tokenflex error handling). The exact `developerMessage`
 * texts are not documented for the user-profile API [U].
 */
function gatewayError(ctx: RequestContext, status: 401 | 403, developerMessage: string, detail: string): undefined {
  const body = {
    developerMessage,
    userMessage: '',
    errorCode: status === 401 ? 'AUTH-006' : 'AUTH-010',
    'more info': ERROR_HANDLING_URL,
  };
  ctx.sendJson(status, body, { outcome: status === 401 ? 'unauthorized' : 'forbidden', message: `${developerMessage} (${detail})` });
}

const INVALID_TOKEN = 'The access token provided is invalid or has expired.';
const BEARER = /^Bearer +(\S+) *$/i;
/**
 * `@aps_sdk/authentication` 1.0.1's `getUserInfo(token)` sends the token as the whole `Authorization` header, with
 * no scheme; APS presumably answers its own SDK [U], so `/userinfo` takes a bare token as well as a Bearer one.
 */
const BEARER_OR_BARE = /^(?:Bearer +)?(\S+) *$/i;

/**
 * The checks both user endpoints make: a valid, unrevoked SSA (3-legged) token of an existing account with
 * `user-profile:read`. Returns the account, or answers the gateway's error and returns `undefined`.
 */
async function authorizeUser(ctx: RequestContext, runtime: EmulatorRuntime, header: RegExp): Promise<ServiceAccountRecord | undefined> {
  if (answerWithFault(ctx, runtime)) return undefined;
  const match = header.exec(ctx.header('authorization') ?? '');
  if (!match) return gatewayError(ctx, 401, INVALID_TOKEN, 'no Bearer token');
  const token = await runtime.tokens.verify(match[1]!);
  if (!token.ok) {
    if (token.jti !== undefined) ctx.draft.presentedToken = { jti: token.jti };
    return gatewayError(ctx, 401, INVALID_TOKEN, token.reason);
  }
  const { jti, userid, client_id: clientId, scope } = token.claims;
  ctx.draft.clientId = clientId;
  ctx.draft.presentedToken = { jti, clientId, ...(userid === undefined ? {} : { serviceAccountId: userid }) };
  // A 2-legged token has no user: there is no "@me" to describe (S2: userinfo is 3-legged only).
  if (userid === undefined) return gatewayError(ctx, 401, INVALID_TOKEN, 'a 2-legged token has no user');
  const account = runtime.state.getServiceAccount(userid);
  if (!account) return gatewayError(ctx, 401, INVALID_TOKEN, 'the service account no longer exists');
  if (!scope.includes(REQUIRED_SCOPE)) {
    return gatewayError(ctx, 403, 'Token does not have the privilege for this request.', `scope ${REQUIRED_SCOPE} is missing`);
  }
  return account;
}

async function handleMe(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'userprofile';
  const account = await authorizeUser(ctx, runtime, BEARER);
  if (!account) return;
  // Shaped like APS's user profile (userprofile/v1 users/@me); the SSA's values are inferred [U].
  ctx.sendJson(200, {
    userId: account.serviceAccountId,
    userName: account.name,
    emailId: account.email,
    firstName: account.firstName,
    lastName: account.lastName,
    emailVerified: true,
    '2FaEnabled': false,
    countryCode: 'US',
    language: 'en',
    optin: false,
    lastModified: new Date(account.createdAt).toISOString(),
    profileImages: {},
  });
}

/**
 * S2's `get-user-info` (`GET https://api.userprofile.autodesk.com/userinfo`, served here on the emulator's own
 * host): the `UserInfo` fields an SSA has a value for; the others are left out rather than invented [U].
 */
async function handleUserInfo(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'userinfo';
  const account = await authorizeUser(ctx, runtime, BEARER_OR_BARE);
  if (!account) return;
  ctx.sendJson(200, {
    sub: account.serviceAccountId,
    name: `${account.firstName} ${account.lastName}`,
    given_name: account.firstName,
    family_name: account.lastName,
    preferred_username: account.name,
    email: account.email,
    email_verified: true,
  });
}

export function registerUserProfileRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('GET', USER_PROFILE_PATH, (ctx) => handleMe(ctx, runtime));
  router.add('GET', USER_INFO_PATH, (ctx) => handleUserInfo(ctx, runtime));
}
