import type { AccessToken, ApsClient } from '@aps-ssa/core';

/**
 * What {@link ssaToken} puts on `c.var.aps`. Safe to log: `token.accessToken` is hidden
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
export interface ApsRequestContext {
  /** The service account's token; read `token.accessToken` to send it yourself. */
  readonly token: AccessToken;
  /** When the token expires, in ms since the epoch. */
  readonly expiresAt: number;
  /** The scopes the token carries. */
  readonly scopes: readonly string[];
  /** A ky instance bound to APS that sends the token (and takes a fresh one after a 401). */
  readonly client: ApsClient;
}

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The service account's token and APS client, set by `ssaToken()`. Present only on routes behind
     * that middleware.
     */
    aps: ApsRequestContext;
  }
}
