import { answerWithFault } from '../http/fault-response.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import { TOKEN_ISSUER } from '../tokens/access-tokens.js';
import { DOCUMENTED_SCOPES } from '../tokens/scopes.js';
import { JWKS_PATH } from './jwks-endpoint.js';
import { INTROSPECT_PATH, REVOKE_PATH } from './introspection-endpoints.js';
import { TOKEN_PATH } from './token-endpoint.js';
import { USER_INFO_PATH } from './userprofile-endpoint.js';

export const OIDC_DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * S2's `get-oidc-spec` example, field for field. The lists are S2's, `grant_types_supported` included (it leaves out
 * jwt-bearer, reference §2), and `authorization_code` is listed although the emulator has no authorize endpoint.
 */
const OIDC_LISTS = {
  scopes_supported: DOCUMENTED_SCOPES,
  response_types_supported: ['code', 'code id_token', 'id_token'],
  response_modes_supported: ['fragment', 'form_post', 'query'],
  grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
} as const;

/** The origin the client reached the emulator at, so that the endpoints it is told about lead back here. */
function originOf(ctx: RequestContext): string {
  const scheme = 'encrypted' in ctx.req.socket && ctx.req.socket.encrypted ? 'https' : 'http';
  return `${scheme}://${ctx.header('host') ?? 'localhost'}`;
}

/**
 * OIDC discovery (S2 `get-oidc-spec`): `issuer` is APS's (S2: "Always `https://developer.api.autodesk.com`", the
 * `iss` of the emulator's tokens), every endpoint the emulator's own. S2's example names the revoke endpoint
 * `revocation_endpoint` (its schema says `revoke_endpoint`): the example, RFC 8414's name, is followed [U].
 */
export function registerOidcDiscoveryRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('GET', OIDC_DISCOVERY_PATH, (ctx) => {
    ctx.endpoint = 'openid-configuration';
    if (answerWithFault(ctx, runtime)) return;
    const origin = originOf(ctx);
    ctx.sendJson(200, {
      issuer: TOKEN_ISSUER,
      authorization_endpoint: `${origin}/authentication/v2/authorize`,
      token_endpoint: `${origin}${TOKEN_PATH}`,
      userinfo_endpoint: `${origin}${USER_INFO_PATH}`,
      jwks_uri: `${origin}${JWKS_PATH}`,
      revocation_endpoint: `${origin}${REVOKE_PATH}`,
      introspection_endpoint: `${origin}${INTROSPECT_PATH}`,
      ...OIDC_LISTS,
    });
  });
}
