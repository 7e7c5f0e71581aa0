import { authenticateBearer, hasScopes } from '../http/bearer-token.js';
import { BEARER, gatewayError, INVALID_TOKEN } from '../http/gateway-error.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { ServiceAccountRecord } from '../state/state.js';

export const USER_PROFILE_PATH = '/userprofile/v1/users/@me';
export const USER_INFO_PATH = '/userinfo';
const REQUIRED_SCOPE = 'user-profile:read';
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
  const claims = await authenticateBearer(ctx, runtime, header);
  if (!claims) return undefined;
  // A 2-legged token has no user: there is no "@me" to describe (S2: userinfo is 3-legged only).
  if (claims.userid === undefined) return gatewayError(ctx, 401, INVALID_TOKEN, 'a 2-legged token has no user');
  if (!hasScopes(ctx, claims, [REQUIRED_SCOPE])) return undefined;
  return runtime.state.getServiceAccount(claims.userid);
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
