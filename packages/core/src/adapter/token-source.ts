import type { TokenProvider } from '../provider/token-provider.js';
import { PROVIDER_SOURCE_OPTIONS, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { failureLog } from './failure-log.js';
import type { FailureLog } from './failure-log.js';
import { providerSource } from './provider-source.js';
import type { ProviderSourceOptions } from './provider-source.js';
import { tokenContexts } from './token-context.js';
import type { TokenContexts } from './token-context.js';

/**
 * Options of an adapter that answers "no token" itself (Hono, Koa, Fastify): those of {@link providerSource} and
 * `log`.
 *
 * @example
 * ```ts
 * const options: TokenSourceOptions = { scopes: ['data:read'], retry: { budget: 5_000 }, log: (line) => logger.warn(line) };
 * ```
 */
export interface TokenSourceOptions extends ProviderSourceOptions {
  /**
   * Where the reason goes when no token can be had: `line` is `code: message` (what happened, why, what to fix;
   * never a secret). Callers get only a generic answer.
   *
   * @default `(line) => console.error(line)`
   */
  log?: FailureLog;
}

/** What {@link tokenSource} makes of an adapter's options. */
export interface TokenSource {
  /** Where the tokens come from (shared by every adapter of the same identity and registry). */
  readonly provider: TokenProvider;
  /** The contexts to put on requests: `peek()` first, `get()` when it gives nothing. */
  readonly contexts: TokenContexts;
  /** The checked `log` option. */
  readonly log: FailureLog;
}

/** The option names {@link tokenSource} accepts. */
export const TOKEN_SOURCE_OPTIONS: readonly string[] = [...PROVIDER_SOURCE_OPTIONS, 'log'];

/**
 * An adapter's options checked once (an object; no unknown key, with "Did you mean"; a `log` function) and what they
 * describe: the shared provider, its request contexts and the log. `where` names the adapter in error messages.
 *
 * @throws {SsaOptionError} for an unknown option or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * const { provider, contexts, log } = tokenSource(options, 'ssaToken()');
 * ```
 */
export function tokenSource(options: unknown, where: string): TokenSource {
  requireOptionsObject(options, where);
  rejectUnknownOptions(options, TOKEN_SOURCE_OPTIONS, where);
  const { log, ...sourceOptions } = options as TokenSourceOptions;
  const checkedLog = failureLog(log);
  const source = providerSource(sourceOptions, where);
  return { provider: source.provider, contexts: tokenContexts(source), log: checkedLog };
}
