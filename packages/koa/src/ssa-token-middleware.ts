import type { TokenProvider } from '@aps-ssa/core';
import { logTokenFailure, tokenSource } from '@aps-ssa/core/adapter';
import type { FailureLog, TokenSourceOptions } from '@aps-ssa/core/adapter';
import type { Context, Middleware } from 'koa';

/**
 * Options of {@link ssaToken}: an existing `provider`, or any option of core's `createTokenProvider`
 * (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to the `APS_*` environment;
 * `registry`, `client` (options of `ctx.state.aps.client`) and `log`.
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
export interface SsaTokenMiddleware extends Middleware {
  /** Where the tokens come from (shared by every middleware of the same identity and registry). */
  readonly provider: TokenProvider;
  /** Closes {@link SsaTokenMiddleware.provider}, for every middleware sharing it: call it on shutdown. */
  close(): Promise<void>;
}

const WHERE = 'ssaToken()';

/**
 * Koa middleware that puts a valid token of the APS service account, and an APS client that sends
 * it, on `ctx.state.aps` (`{ token, expiresAt, scopes, client }`). With no options it reads the
 * `APS_*` environment. Middlewares of the same identity and scopes share one provider (one cache, one
 * exchange) and one client.
 *
 * When no valid token can be had, it answers itself, without calling `next`: **503** with
 * `Retry-After` or **502**, with JSON `{ error, message }` (a generic sentence: the reason goes to
 * `log`). Errors of the middlewares after it pass through untouched.
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { ssaToken } from '@aps-ssa/koa';
 *
 * const app = new Koa();
 * app.use(ssaToken({ scopes: ['user-profile:read'] }));
 * app.use(async (ctx) => {
 *   ctx.body = await ctx.state.aps.client.get('userprofile/v1/users/@me').json();
 * });
 * ```
 */
export function ssaToken(options: SsaTokenOptions = {}): SsaTokenMiddleware {
  const { provider, contexts, log } = tokenSource(options, WHERE);
  const ssaToken: Middleware = function ssaToken(ctx, next) {
    // A fresh cached token continues the request in this turn; only a wait for a token costs a promise.
    const ready = contexts.peek();
    if (ready !== undefined) {
      ctx.state.aps = ready;
      return next();
    }
    return contexts.get().then(
      (context) => {
        ctx.state.aps = context;
        return next();
      },
      (error: unknown) => answer(ctx, error, log),
    );
  };
  return Object.assign(ssaToken, { provider, close: () => provider.close() });
}

/** Answers "no token" itself (503 + Retry-After or 502, a generic body), after logging why; rethrows any other error. */
function answer(ctx: Context, error: unknown, log: FailureLog): void {
  const failure = logTokenFailure(error, log);
  if (failure === undefined) throw error;
  ctx.status = failure.status;
  if (failure.retryAfter !== undefined) ctx.set('Retry-After', String(failure.retryAfter));
  ctx.body = { error: failure.code, message: failure.message };
}
