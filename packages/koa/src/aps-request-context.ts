import type { ApsTokenContext } from '@aps-ssa/core/adapter';

/**
 * What {@link ssaToken} puts on `ctx.state.aps`: core's `ApsTokenContext`. Safe to log: `token.accessToken` is hidden
 * from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * app.use(async (ctx) => {
 *   const { client, expiresAt } = ctx.state.aps;
 *   ctx.body = { hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt };
 * });
 * ```
 */
export type ApsRequestContext = ApsTokenContext;

declare module 'koa' {
  interface DefaultState {
    /**
     * The service account's token and APS client, set by `ssaToken()`. Present only behind that
     * middleware.
     */
    aps: ApsRequestContext;
  }
}
