import type { TokenProvider } from '@aps-ssa/core';
import type { ApsTokenContext } from '@aps-ssa/core/adapter';

/**
 * What the {@link ssaToken} plugin puts on `request.aps`: core's `ApsTokenContext`. Safe to log: `token.accessToken`
 * is hidden from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * app.get('/hubs', async (request) => {
 *   const { client, expiresAt } = request.aps;
 *   return { hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt };
 * });
 * ```
 */
export type ApsRequestContext = ApsTokenContext;

/**
 * A route's `config.aps`: the scopes of its token, or `false` for a route that needs none.
 *
 * @example
 * ```ts
 * app.post('/buckets', { config: { aps: { scopes: ['bucket:create'] } } }, createBucket);
 * app.get('/healthz', { config: { aps: false } }, healthz);
 * ```
 */
export type ApsRouteConfig = { readonly scopes: readonly string[] } | false;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The service account's token and APS client, set by the `ssaToken` plugin on every route of
     * the scope it is registered in, except those with `config: { aps: false }` (then `null`).
     */
    aps: ApsRequestContext;
  }
  interface FastifyContextConfig {
    /** The scopes of this route's token (`{ scopes }`), or `false` for none. @default the plugin's options */
    aps?: ApsRouteConfig;
  }
  interface FastifyInstance {
    /** The provider of the `ssaToken` plugin's options: for health checks and APS calls outside requests. */
    readonly apsProvider: TokenProvider;
  }
}
