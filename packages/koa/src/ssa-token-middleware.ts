import { SsaOptionError, tokenFailureResponse } from '@aps-ssa/core';
import type { AccessToken, TokenProvider } from '@aps-ssa/core';
import { PROVIDER_SOURCE_OPTIONS, describeType, providerSource, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
import type { Middleware } from 'koa';
import type { ApsRequestContext } from './aps-request-context.js';

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
export interface SsaTokenOptions extends ProviderSourceOptions {
  /**
   * Where the reason goes when no token can be had: `line` is `code: message` (what happened, why,
   * what to fix; never a secret). Callers get only a generic answer.
   *
   * @default `(line) => console.error(line)`
   */
  log?: (line: string, error: Error) => void;
}

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
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, [...PROVIDER_SOURCE_OPTIONS, 'log'], WHERE);
  const { log = logToConsole, ...source } = options;
  if (typeof log !== 'function') throw new SsaOptionError('log', `\`log\` must be a function, got ${describeType(log)}.`);
  const { provider, client } = providerSource(source, WHERE);

  // Requests share one frozen context per token, so a warm request allocates nothing of its own.
  let context: ApsRequestContext | undefined;
  const contextFor = (token: AccessToken): ApsRequestContext => {
    if (context?.token !== token) context = Object.freeze({ token, expiresAt: token.expiresAt, scopes: token.scopes, client });
    return context;
  };
  const ssaToken: Middleware = async function ssaToken(ctx, next) {
    let token: AccessToken;
    try {
      token = await provider.getToken();
    } catch (error) {
      const answer = tokenFailureResponse(error);
      if (answer === undefined) throw error;
      try {
        log(`${answer.code}: ${(error as Error).message}`, error as Error);
      } catch {
        // A failing logger must not turn this answer into a 500.
      }
      ctx.status = answer.status;
      if (answer.retryAfter !== undefined) ctx.set('Retry-After', String(answer.retryAfter));
      ctx.body = { error: answer.code, message: answer.message };
      return;
    }
    ctx.state.aps = contextFor(token);
    await next();
  };
  return Object.assign(ssaToken, { provider, close: () => provider.close() });
}

function logToConsole(line: string): void {
  console.error(line);
}
