import type { TokenProvider } from '@aps-ssa/core';
import { logTokenFailure, tokenSource } from '@aps-ssa/core/adapter';
import type { FailureLog, TokenSourceOptions } from '@aps-ssa/core/adapter';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ApsRequestContext } from './aps-request-context.js';

/**
 * Options of {@link ssaToken}: an existing `provider`, or any option of core's `createTokenProvider`
 * (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to the `APS_*` environment;
 * `registry`, `client` (options of `c.var.aps.client`) and `log`.
 *
 * @example
 * ```ts
 * ssaToken({ scopes: ['data:read'], retry: { budget: 5_000 }, log: (line) => logger.warn(line) });
 * ```
 */
export interface SsaTokenOptions extends TokenSourceOptions {}

/**
 * The middleware {@link ssaToken} returns, with the provider it takes tokens from.
 *
 * @example
 * ```ts
 * const aps = ssaToken();
 * process.once('SIGTERM', () => server.close(() => void aps.close()));
 * ```
 */
export interface SsaTokenMiddleware extends MiddlewareHandler<{ Variables: { aps: ApsRequestContext } }> {
  /** Where the tokens come from (shared by every middleware of the same identity and registry). */
  readonly provider: TokenProvider;
  /** Closes {@link SsaTokenMiddleware.provider}, for every middleware sharing it: call it on shutdown. */
  close(): Promise<void>;
}

const WHERE = 'ssaToken()';

/**
 * Hono middleware (Node.js runtime) that puts a valid token of the APS service account, and an APS
 * client that sends it, on `c.var.aps` (`{ token, expiresAt, scopes, client }`). With no options it
 * reads the `APS_*` environment. Middlewares of the same identity and scopes share one provider (one
 * cache, one exchange) and one client.
 *
 * When no valid token can be had, it throws Hono's `HTTPException` (the `cause` is core's
 * `SsaTokenUnavailableError`), so the failure goes through `app.onError`; its response, which Hono's
 * default handler sends, is **503** with `Retry-After` or **502**, with JSON `{ error, message }` (a
 * generic sentence: the reason goes to `log`).
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { ssaToken } from '@aps-ssa/hono';
 *
 * const app = new Hono();
 * app.use('/files/*', ssaToken({ scopes: ['data:read'] }));
 * app.get('/files/hubs', async (c) => c.json(await c.var.aps.client.get('project/v1/hubs').json()));
 * ```
 */
export function ssaToken(options: SsaTokenOptions = {}): SsaTokenMiddleware {
  const { provider, contexts, log } = tokenSource(options, WHERE);
  const middleware = createMiddleware<{ Variables: { aps: ApsRequestContext } }>(function ssaToken(c, next) {
    // A fresh cached token continues the request in this turn; only a wait for a token costs a promise.
    const ready = contexts.peek();
    if (ready !== undefined) {
      c.set('aps', ready);
      return next();
    }
    return contexts.get().then(
      (context) => {
        c.set('aps', context);
        return next();
      },
      (error: unknown) => {
        throw failure(error, log);
      },
    );
  });
  return Object.assign(middleware, { provider, close: () => provider.close() });
}

/** An `HTTPException` carrying the generic answer to "no token", after logging why; any other error as it is. */
function failure(error: unknown, log: FailureLog): unknown {
  const answer = logTokenFailure(error, log);
  if (answer === undefined) return error;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  const res = new Response(JSON.stringify({ error: answer.code, message: answer.message }), { status: answer.status, headers });
  return new HTTPException(answer.status, { res, message: answer.message, cause: error });
}
