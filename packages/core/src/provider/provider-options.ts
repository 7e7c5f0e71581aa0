import type { Dispatcher } from 'undici';
import { proxiedFetch } from '../http/proxy.js';
import type { KeyObject } from 'node:crypto';
import type { RetryPolicy } from './backoff.js';
import { normalizeClock } from '../clock.js';
import type { Clock, FullClock } from '../clock.js';
import { checkConfigOverrides, normalizeBaseUrl, readConfig } from '../config.js';
import type { SsaConfigOverrides } from '../config.js';
import { SsaOptionError } from '../errors.js';
import { identityKey, normalizeScopes } from '../store/identity-key.js';
import type { TokenIdentity } from '../store/identity-key.js';
import { IDENTITY_OPTIONS, PROVIDER_OPTIONS, describeType, hasMethods, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { EXCHANGE_TIMEOUT } from '../exchange/token-endpoint.js';
import { checkSignerOptions, publicKeyWithoutSigner } from '../assertion/assertion.js';
import { normalizeSigner } from '../assertion/signer.js';
import type { AssertionSigner, CheckedSigner, PublicKeyInput } from '../assertion/signer.js';
import type { TokenStore } from '../store/token-store.js';

/**
 * How long before expiry a token is refreshed, in ms (before the jitter below). Five minutes is
 * the margin the Google and AWS SDKs use: long enough to ride out a short token-endpoint outage on
 * the current token, short enough to use each token for most of its hour (APS allows about 10
 * exchanges a minute per client, and every instance and scope set shares them).
 *
 * @default 300_000 (5 min)
 */
export const REFRESH_AHEAD = 5 * 60_000;

/**
 * The random extra, 0 to this many ms, added to {@link REFRESH_AHEAD}: instances that started
 * together (a deploy) then refresh spread over five minutes, not in the same second, so a fleet
 * stays under the per-client rate limit.
 *
 * @default 300_000 (5 min)
 */
export const REFRESH_JITTER = 5 * 60_000;

/**
 * The least remaining validity, in ms, of a token handed to a caller: a token that would expire
 * in flight (a slow upload, a queued request) is never served; callers wait for a fresh one instead.
 *
 * @default 30_000 (30 s)
 */
export const MIN_VALIDITY = 30_000;

/**
 * Exchanges per refresh, the first included. With the delays below, four attempts span under
 * 4 s of back-off: enough to ride over a blip or a restart of the endpoint, few enough not to eat
 * the shared rate limit.
 *
 * @default 4
 */
export const RETRY_MAX_ATTEMPTS = 4;

/**
 * The first retry's wait, in ms; it doubles each retry (with jitter, never below half).
 *
 * @default 500
 */
export const RETRY_BASE_DELAY = 500;

/**
 * The longest wait between attempts, in ms (`Retry-After` may ask for more, and is obeyed).
 *
 * @default 8_000
 */
export const RETRY_MAX_DELAY = 8_000;

/**
 * The longest one refresh keeps retrying, in ms. A caller with no valid token waits at most about
 * this (plus one exchange timeout): past it, failing fast beats holding the request. A `Retry-After`
 * beyond the budget ends the refresh at once; the next one waits for it.
 *
 * @default 20_000 (20 s)
 */
export const RETRY_BUDGET = 20_000;

/**
 * After a failure that retrying cannot fix (invalid client, invalid assertion, disabled key or
 * account), how long callers get the same error without a new exchange, in ms. One minute is the
 * rate limit's window: a misconfigured instance spends at most one of the ~10 exchanges a minute
 * its client shares with every other instance, and picks up a fix within a minute. Also the longest
 * pause between two failing refreshes (the pause starts at `retry.maxDelay` and doubles).
 *
 * @default 60_000 (1 min)
 */
export const FAILURE_COOL_DOWN = 60_000;

/**
 * Options of {@link createTokenProvider}. The identity fields (`clientId`, `clientSecret`, `serviceAccountId`,
 * `keyId`, `privateKey`, `scopes`, `baseUrl`: {@link SsaConfigOverrides}) not given are read from `env` as
 * `configFromEnv` reads them; durations are in milliseconds.
 *
 * @example
 * ```ts
 * createTokenProvider({
 *   scopes: ['data:read', 'data:write'],
 *   retry: { maxAttempts: 3, budget: 10_000 },
 *   store: new MemoryTokenStore(),
 * });
 * ```
 */
export interface TokenProviderOptions extends SsaConfigOverrides {
  /** Where missing identity fields are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** How long before expiry to refresh, in ms (scaled down for tokens living under 20 min). @default REFRESH_AHEAD (5 min) */
  refreshAhead?: number;
  /** A random 0..refreshJitter ms added to `refreshAhead`, per token. @default REFRESH_JITTER (5 min) */
  refreshJitter?: number;
  /** The least remaining validity of a served token, in ms. @default MIN_VALIDITY (30 s) */
  minValidity?: number;
  /** Retry policy of a refresh; a number sets `maxAttempts`. @default { maxAttempts: 4, baseDelay: 500, maxDelay: 8000, budget: 20000 } */
  retry?: number | Partial<RetryPolicy>;
  /** The timeout of one exchange, in ms. @default EXCHANGE_TIMEOUT (10 s) */
  timeout?: number;
  /** After a failure retrying cannot fix, how long callers get that error without a new exchange, in ms. @default FAILURE_COOL_DOWN (1 min) */
  failureCoolDown?: number;
  /** Where tokens are kept and who refreshes them. @default a new MemoryTokenStore for this provider */
  store?: TokenStore;
  /** The time source and timers. @default systemClock */
  clock?: Clock;
  /** The fetch used for exchanges. @default globalThis.fetch, through the `HTTPS_PROXY`/`HTTP_PROXY` proxy when one is set */
  fetch?: typeof fetch;
  /**
   * The undici dispatcher exchanges go through (a `ProxyAgent`, an `Agent` with its own TLS settings), in place of
   * the environment's proxy settings. Not with `fetch`.
   */
  dispatcher?: Dispatcher;
  /**
   * Signs assertions with a key held elsewhere (an HSM, a cloud KMS), instead of `privateKey`: `APS_SA_PRIVATE_KEY*`
   * and `APS_SA_KEY_ID` are then not read, and the `kid` is `signer.kid`.
   */
  signer?: AssertionSigner;
  /** With `signer`: the key's public half; the signer's first signature must verify against it. */
  publicKey?: PublicKeyInput;
}

/** Token provider options after validation, with every default applied. Internal. */
export interface NormalizedProviderOptions {
  readonly identity: TokenIdentity;
  /** The identity's store key (`identityKey(identity)`), computed once. */
  readonly key: string;
  readonly clientSecret: string;
  readonly privateKey: KeyObject | CheckedSigner;
  readonly refreshAhead: number;
  readonly refreshJitter: number;
  readonly minValidity: number;
  readonly retry: RetryPolicy;
  readonly timeout: number;
  readonly failureCoolDown: number;
  readonly store: TokenStore | undefined;
  readonly clock: FullClock;
  readonly fetch: typeof fetch;
}

const WHERE = 'createTokenProvider()';
type UnnamedOption = Exclude<keyof TokenProviderOptions, (typeof PROVIDER_OPTIONS)[number]>;
// PROVIDER_OPTIONS names every option of TokenProviderOptions and nothing else: an option added to one and not the
// other fails the build here. An SsaConfig passed as the options carries its (ignored) warnings.
const KNOWN_OPTIONS: readonly string[] = [
  ...(PROVIDER_OPTIONS satisfies readonly (keyof TokenProviderOptions)[] & ([UnnamedOption] extends [never] ? unknown : never)),
  'warnings',
];
const RETRY_KEYS = ['maxAttempts', 'baseDelay', 'maxDelay', 'budget'] as const;
// Node's setTimeout fires at once beyond this (2^31 - 1 ms).
const MAX_DELAY = 2_147_483_647;

/**
 * Validates {@link TokenProviderOptions} once, applies the defaults and reads the identity fields
 * not given from the environment. The caller's object is only read, never kept or changed.
 */
export function normalizeProviderOptions(options: TokenProviderOptions = {}): NormalizedProviderOptions {
  checkProviderOptionNames(options);
  return normalizeCheckedOptions(options);
}

/** Throws unless `options` is an object holding only {@link TokenProviderOptions} keys: the public boundary's check. */
export function checkProviderOptionNames(options: unknown): asserts options is TokenProviderOptions {
  requireOptionsObject(options, WHERE);
  rejectUnknownOptions(options, KNOWN_OPTIONS, WHERE);
}

/** {@link normalizeProviderOptions} for options whose names were checked already (by an adapter, or the registry). */
export function normalizeCheckedOptions(options: TokenProviderOptions): NormalizedProviderOptions {
  const env = options.env === undefined ? process.env : options.env;
  requireOptionsObject(env as unknown, `${WHERE} option \`env\``);
  const signer = options.signer === undefined ? undefined : normalizeSigner(options.signer, options.publicKey);
  if (signer !== undefined) checkSignerOptions(options, signer.kid);
  else if (options.publicKey !== undefined) throw publicKeyWithoutSigner();
  const overrides = Object.fromEntries(IDENTITY_OPTIONS.filter((name) => options[name] !== undefined).map((name) => [name, options[name]]));
  if (signer !== undefined) overrides.keyId = signer.kid;
  // Each given value is checked once, here; the environment supplies (checked by readConfig) only what they leave out.
  const given = checkConfigOverrides(overrides);
  const complete = IDENTITY_OPTIONS.every((name) => name === 'baseUrl' || (name === 'privateKey' && signer !== undefined) || given[name] !== undefined);
  const config = complete ? undefined : readConfig(env, given, signer === undefined);

  const identity: TokenIdentity = Object.freeze({
    clientId: given.clientId ?? config!.clientId,
    serviceAccountId: given.serviceAccountId ?? config!.serviceAccountId,
    keyId: given.keyId ?? config!.keyId,
    scopes: Object.freeze(normalizeScopes(given.scopes ?? config!.scopes)),
    baseUrl: given.baseUrl ?? config?.baseUrl ?? normalizeBaseUrl(env.APS_BASE_URL || undefined, 'APS_BASE_URL'),
  });
  const retry = normalizeRetry(options.retry);
  return Object.freeze({
    identity,
    key: identityKey(identity),
    clientSecret: given.clientSecret ?? config!.clientSecret,
    // With no signer, `given` or `config` (configFromEnv) holds the key.
    privateKey: signer ?? given.privateKey ?? config!.privateKey!,
    refreshAhead: duration(options.refreshAhead, 'refreshAhead', REFRESH_AHEAD, 0),
    refreshJitter: duration(options.refreshJitter, 'refreshJitter', REFRESH_JITTER, 0),
    minValidity: duration(options.minValidity, 'minValidity', MIN_VALIDITY, 0),
    retry,
    timeout: Math.ceil(duration(options.timeout, 'timeout', EXCHANGE_TIMEOUT, 1)),
    failureCoolDown: duration(options.failureCoolDown, 'failureCoolDown', FAILURE_COOL_DOWN, 0),
    store: normalizeStore(options.store),
    clock: normalizeClock(options.clock),
    fetch: normalizeFetch(options.fetch, options.dispatcher),
  });
}

/**
 * The identity fields `options` describe, as given or as their `APS_*` variables hold them, unchecked and unparsed:
 * what a registry looks a provider up by before doing any work. `undefined` when they cannot be read as they are.
 */
export function identityLookupKey(options: TokenProviderOptions): string | undefined {
  const env: unknown = options.env === undefined ? process.env : options.env;
  if (typeof env !== 'object' || env === null) return undefined;
  const read = (name: string): unknown => (env as Record<string, unknown>)[name];
  try {
    return JSON.stringify([
      options.clientId ?? read('APS_CLIENT_ID'),
      options.serviceAccountId ?? read('APS_SA_ID'),
      options.keyId ?? read('APS_SA_KEY_ID'),
      options.scopes ?? read('APS_SCOPES'),
      options.baseUrl ?? read('APS_BASE_URL'),
    ]);
  } catch {
    return undefined; // A value JSON cannot hold (a BigInt): the full path reports it.
  }
}

function duration(value: unknown, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_DELAY) {
    throw new SsaOptionError(
      option,
      `\`${option}\` must be a number of milliseconds from ${min} to ${MAX_DELAY}, got ${typeof value === 'number' ? value : describeType(value)}.`,
    );
  }
  return value;
}

const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: RETRY_MAX_ATTEMPTS, baseDelay: RETRY_BASE_DELAY, maxDelay: RETRY_MAX_DELAY, budget: RETRY_BUDGET });

function normalizeRetry(value: TokenProviderOptions['retry']): RetryPolicy {
  if (value === undefined) return DEFAULT_RETRY; // One frozen policy shared by every provider with the defaults.
  const policy = typeof value === 'number' || value === undefined ? { maxAttempts: value } : value;
  requireOptionsObject(policy as unknown, `${WHERE} option \`retry\``);
  rejectUnknownOptions(policy, RETRY_KEYS, `${WHERE} option \`retry\``);
  const maxAttempts = policy.maxAttempts ?? RETRY_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new SsaOptionError(
      'retry.maxAttempts',
      `\`retry.maxAttempts\` must be a whole number from 1 (no retry) to 100, got ${typeof maxAttempts === 'number' ? maxAttempts : describeType(maxAttempts)}.`,
    );
  }
  const baseDelay = duration(policy.baseDelay, 'retry.baseDelay', RETRY_BASE_DELAY, 0);
  const maxDelay = duration(policy.maxDelay, 'retry.maxDelay', Math.max(RETRY_MAX_DELAY, baseDelay), 0);
  if (maxDelay < baseDelay) {
    throw new SsaOptionError('retry.maxDelay', `\`retry.maxDelay\` (${maxDelay}) must not be less than \`retry.baseDelay\` (${baseDelay}).`);
  }
  const budget = duration(policy.budget, 'retry.budget', RETRY_BUDGET, 0);
  return Object.freeze({ maxAttempts, baseDelay, maxDelay, budget });
}

function normalizeStore(store: unknown): TokenStore | undefined {
  if (store === undefined) return undefined;
  if (!hasMethods(store, ['get', 'refresh', 'delete'])) {
    throw new SsaOptionError('store', '`store` must implement TokenStore: `get(key)`, `refresh(key, exchange, options)` and `delete(key)`.');
  }
  return store as TokenStore;
}

// Read at each call (a test or an agent may replace the global), and one function for every provider.

function normalizeFetch(value: unknown, dispatcher: unknown): typeof fetch {
  if (value !== undefined && dispatcher !== undefined) throw new SsaOptionError('dispatcher', 'Pass `fetch` or `dispatcher`, not both.');
  if (value === undefined) return proxiedFetch(dispatcher);
  if (typeof value !== 'function') throw new SsaOptionError('fetch', `\`fetch\` must be a function, got ${describeType(value)}.`);
  return value as typeof fetch;
}
