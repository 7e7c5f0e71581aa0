import type { AccessToken } from '@aps-ssa/core';
import type { ApsClient } from '@aps-ssa/core';

/**
 * What {@link ssaTokenMiddleware} puts on `req.aps`. Safe to log: `token.accessToken` is hidden
 * from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * app.get('/hubs', async (req, res) => {
 *   const { client, expiresAt } = req.aps;
 *   res.json({ hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt });
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

// The global `Express.Request` is what both @types/express 4 and 5 merge into their `Request`.
declare global {
  namespace Express {
    interface Request {
      /**
       * The service account's token and APS client, set by `ssaTokenMiddleware()`. Present only on
       * routes behind that middleware (like `req.session` behind express-session).
       */
      aps: ApsRequestContext;
    }
  }
}
