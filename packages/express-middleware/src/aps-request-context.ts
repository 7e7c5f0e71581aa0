import type { ApsTokenContext } from '@aps-ssa/core/adapter';

/**
 * What {@link ssaTokenMiddleware} puts on `req.aps`: core's `ApsTokenContext`. Safe to log: `token.accessToken` is
 * hidden from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * app.get('/hubs', async (req, res) => {
 *   const { client, expiresAt } = req.aps;
 *   res.json({ hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt });
 * });
 * ```
 */
export type ApsRequestContext = ApsTokenContext;

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
