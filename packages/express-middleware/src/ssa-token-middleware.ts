import { PROVIDER_SOURCE_OPTIONS, providerSource, rejectUnknownOptions, requireOptionsObject, tokenContexts } from '@aps-ssa/core/adapter';
import type { TokenProvider } from '@aps-ssa/core';
import type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
import type { RequestHandler } from 'express';

/**
 * Options of {@link ssaTokenMiddleware}: an existing `provider`, or any option of core's
 * `createTokenProvider` (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to
 * the `APS_*` environment; `registry` and `client` (options of `req.aps.client`).
 *
 * @example
 * ```ts
 * ssaTokenMiddleware({ scopes: ['data:read'], retry: { budget: 5_000 }, client: { ky: { timeout: 30_000 } } });
 * ```
 */
export interface SsaTokenMiddlewareOptions extends ProviderSourceOptions {}

/**
 * The middleware {@link ssaTokenMiddleware} returns, with the provider it takes tokens from.
 *
 * @example
 * ```ts
 * const aps = ssaTokenMiddleware();
 * process.on('SIGTERM', () => server.close(() => void aps.close()));
 * ```
 */
export interface SsaTokenMiddleware extends RequestHandler {
  /** Where the tokens come from (shared by every middleware of the same identity and registry). */
  readonly provider: TokenProvider;
  /** Closes {@link SsaTokenMiddleware.provider}, for every middleware sharing it: call it on shutdown. */
  close(): Promise<void>;
}

const WHERE = 'ssaTokenMiddleware()';

/**
 * Express middleware (4 and 5) that puts a valid token of the APS service account, and an APS
 * client that sends it, on `req.aps` (`{ token, expiresAt, scopes, client }`). With no options it
 * reads the `APS_*` environment. Middlewares of the same identity and scopes share one provider
 * (one cache, one exchange) and one client. On a warm cache a request costs one `peek()` and continues at once.
 *
 * When no valid token can be had, the request goes to `next(err)` with core's
 * `SsaTokenUnavailableError` (`retryable`, no secret in it): {@link ssaErrorHandler} answers 503/502.
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { ssaErrorHandler, ssaTokenMiddleware } from '@aps-ssa/express-middleware';
 *
 * const app = express();
 * app.use('/files', ssaTokenMiddleware({ scopes: ['data:read'] }));
 * app.get('/files/hubs', async (req, res) => {
 *   res.json(await req.aps.client.get('project/v1/hubs').json());
 * });
 * app.use(ssaErrorHandler());
 * ```
 */
export function ssaTokenMiddleware(options: SsaTokenMiddlewareOptions = {}): SsaTokenMiddleware {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, PROVIDER_SOURCE_OPTIONS, WHERE);
  const source = providerSource(options, WHERE);
  const { provider } = source;
  const contexts = tokenContexts(source);
  const ssaToken: RequestHandler = function ssaToken(req, _res, next) {
    // A fresh cached token continues the request in this turn; only a wait for a token costs a promise.
    const ready = contexts.peek();
    if (ready !== undefined) {
      req.aps = ready;
      next();
      return;
    }
    contexts.get().then((context) => {
      req.aps = context;
      next();
    }, next);
  };
  return Object.assign(ssaToken, { provider, close: () => provider.close() });
}
