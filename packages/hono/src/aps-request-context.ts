import type { ApsTokenContext } from '@aps-ssa/core/adapter';

/**
 * What {@link ssaToken} puts on `c.var.aps`: core's `ApsTokenContext`. Safe to log: `token.accessToken` is hidden
 * from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * app.get('/hubs', async (c) => {
 *   const { client, expiresAt } = c.var.aps;
 *   return c.json({ hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt });
 * });
 * ```
 */
export type ApsRequestContext = ApsTokenContext;

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The service account's token and APS client, set by `ssaToken()`. Present only on routes behind
     * that middleware.
     */
    aps: ApsRequestContext;
  }
}
