import { accessTokenOf } from '../access-token.js';
import type { AccessToken } from '../access-token.js';
import { backoffDelay } from './backoff.js';
import { basicCredentials } from '../http/basic-credentials.js';
import { NOTABLE_CLOCK_SKEW, describeSkew } from '../clock-skew.js';
import { SsaAssertionInvalidError, SsaClosedError, SsaError, SsaOptionError, SsaTokenEndpointError, SsaTokenUnavailableError } from '../errors.js';
import { describeType, hasMethods } from '../options.js';
import type { TokenIdentity } from '../store/identity-key.js';
import { MemoryTokenStore } from '../store/memory-token-store.js';
import { normalizeProviderOptions } from './provider-options.js';
import type { NormalizedProviderOptions, TokenProviderOptions } from './provider-options.js';
import { ProviderEvents } from './provider-events.js';
import type { TokenProviderEvent, TokenProviderListener } from './provider-events.js';
import type { RateLimit } from '../http/rate-limit.js';
import { clampRetryAfter } from '../http/retry-after.js';
import { exchangeWithRetry } from './retrying-exchange.js';
import { safeCause } from '../http/safe-cause.js';
import { ServerTime } from './server-time.js';
import type { StoredToken, TokenStore } from '../store/token-store.js';
import { keptAlive } from './keep-alive.js';
import { getTokenChannel } from '../tracing/tracing-channels.js';
import { isTraced, traceGetToken } from '../tracing/trace-call.js';
import { checkSigningKey } from './signing-key.js';
import type { SigningKey } from './signing-key.js';

/**
 * A token handed out by `invalidate(token)` is only dropped once it is this old, in ms: a 401 on a
 * token minutes old may mean APS revoked it, but a 401 on one just issued will not be cured by
 * another exchange, and a request loop answering 401 must not burn the shared rate limit.
 */
const MIN_AGE_TO_INVALIDATE = 30_000;

/**
 * Counters and state of a token provider (a frozen snapshot). Holds no secret. Times are ms since the
 * epoch on this machine's wall clock (converted from the monotonic clock the provider counts on).
 *
 * @example
 * ```ts
 * const { exchanges, cacheHits, cacheMisses } = provider.stats;
 * metrics.gauge('aps.token.hit_ratio', cacheHits / Math.max(1, cacheHits + cacheMisses));
 * ```
 */
export interface TokenProviderStats {
  /** Exchange requests sent to the token endpoint. */
  readonly exchanges: number;
  /** Exchange requests that failed. */
  readonly exchangeFailures: number;
  /** Refreshes that produced a token (by an exchange or from the store). */
  readonly refreshes: number;
  /** Refreshes that failed after their retries. */
  readonly refreshFailures: number;
  /** `getToken()` and `peek()` calls served from the cache without waiting. */
  readonly cacheHits: number;
  /** `getToken()` calls that waited for a token. */
  readonly cacheMisses: number;
  /** Cache hits on a token past its refresh point whose refresh had failed. */
  readonly servedStale: number;
  /** Tokens dropped by `invalidate()`. */
  readonly invalidations: number;
  /** Whether a refresh is running. */
  readonly refreshing: boolean;
  /** The estimated offset of the token endpoint's clock from this machine's, in ms (server − local). */
  readonly clockSkew: number;
  /** When the current token expires (local clock, ms), if there is one. */
  readonly expiresAt?: number;
  /** When the current token is due for refresh (local clock, ms), if there is one. */
  readonly refreshAt?: number;
  /** After a failed refresh: no exchange before this time (local clock, ms). */
  readonly nextAttemptAt?: number;
  /**
   * The token endpoint's rate limit as its last response reported it (`ratelimit-value`,
   * `ratelimit-remaining`), if it did: how close this client is to being refused with 429.
   */
  readonly rateLimit?: RateLimit;
}

/**
 * Hands out valid APS access tokens for one identity (client, service account, key, scope set),
 * exchanging an assertion only when the cache cannot serve. Safe to log: `JSON.stringify` and
 * `util.inspect` show the identity and counters, never a secret.
 *
 * @example
 * ```ts
 * const provider: TokenProvider = createTokenProvider();
 * const { accessToken } = await provider.getToken();
 * ```
 */
export interface TokenProvider {
  /**
   * A token with at least `minValidity` left. Served from the cache without waiting while one is
   * valid (past its refresh point, a background refresh starts); waits only when none is.
   *
   * @throws {SsaTokenUnavailableError} when no valid token is left and the exchange failed (`cause`).
   * @throws {SsaClosedError} after `close()`.
   */
  getToken(): Promise<AccessToken>;
  /**
   * The cached token when it has at least `minValidity` left, else `undefined`: what `getToken()` would resolve to at
   * once, without a promise. It never waits and never exchanges; past the token's refresh point it starts the same
   * background refresh a cache hit does. For adapters that continue a request in the same turn when the token is
   * fresh, and call `getToken()` otherwise.
   *
   * @example
   * ```ts
   * const token = provider.peek() ?? (await provider.getToken());
   * ```
   */
  peek(): AccessToken | undefined;
  /** `'Bearer <token>'`, from {@link TokenProvider.getToken}. */
  getAuthorizationHeader(): Promise<string>;
  /**
   * Drops a token APS rejected (a 401), so that the next caller gets a new one. With a token (or
   * its string), only that token is dropped, and only when it is over 30 s old (a fresh one being
   * refused is not cured by another exchange); without, the current token is dropped.
   */
  invalidate(token?: AccessToken | string): void;
  /** Stops every wait and timer, and refuses further calls. Closes the store only if the provider created it. */
  close(): Promise<void>;
  /**
   * Signs the next exchanges with another key of the same service account (a key rotation), without a restart. The
   * cached token is kept and served until its refresh; `identity.keyId` names the new key. The store slot stays the
   * one of the configured identity, so instances still on the old key keep sharing tokens with this one.
   *
   * @throws {SsaOptionError} for a missing key id, or a key of another service account; `SsaKeyError` for a bad key.
   * @throws {SsaClosedError} after `close()`.
   */
  rotateKey(key: SigningKey): void;
  /** Adds a listener; returns a function that removes it. Listeners must not throw (exceptions are ignored). */
  on<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): () => void;
  off<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): void;
  /** Who the tokens are for (no secret). */
  readonly identity: TokenIdentity;
  /** A snapshot of the counters and state. */
  readonly stats: TokenProviderStats;
  /** Whether `close()` was called. */
  readonly closed: boolean;
}

/**
 * Creates a token provider for one identity. Options not given are read from the `APS_*`
 * environment (see `configFromEnv`); pass an `SsaConfig` itself to use one you already read.
 *
 * @throws {SsaOptionError} for an invalid or unknown option ("Did you mean …?").
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import { createTokenProvider } from '@aps-ssa/core';
 *
 * const provider = createTokenProvider({ scopes: ['data:read'] }); // the rest from APS_* variables
 * const response = await fetch('https://developer.api.autodesk.com/oss/v2/buckets', {
 *   headers: { authorization: await provider.getAuthorizationHeader() },
 * });
 * provider.on('refresh-failed', (e) => console.warn('APS token refresh failed', e.error.code));
 * ```
 */
export function createTokenProvider(options?: TokenProviderOptions): TokenProvider {
  return new CachingTokenProvider(normalizeProviderOptions(options));
}

/**
 * `value` as a {@link TokenProvider}, or an `SsaOptionError` naming `option`: the one check of every place that takes a
 * provider from a caller (`createApsClient`, the framework adapters). Internal.
 */
export function requireTokenProvider(value: unknown, option = 'provider'): TokenProvider {
  if (!hasMethods(value, ['getToken', 'peek', 'invalidate', 'close'])) {
    throw new SsaOptionError(option, `\`${option}\` must be a TokenProvider (from createTokenProvider()), got ${describeType(value)}.`);
  }
  return value as TokenProvider;
}

/** A token in the cache, with what the provider derived from it. */
interface CacheEntry {
  readonly stored: StoredToken;
  readonly token: AccessToken;
  /** `token`, resolved: what every cache hit returns (no promise allocated per hit). */
  readonly served: Promise<AccessToken>;
  /** Server clock, ms: when the provider next looks at the token (the earlier of the two points below, then the one that applies). */
  refreshAt: number;
  /** Server clock, ms: the refresh point while the store shares (`refreshAhead` before expiry, plus jitter). */
  readonly sharedRefreshAt: number;
  /**
   * Server clock, ms: the refresh point while the store cannot share, spread over the second half of the token's
   * life (half an hour for APS's hour), so that a fleet exchanging alone does not meet at one refresh point (and
   * at the rate limit), whatever `refreshJitter` says.
   */
  readonly aloneRefreshAt: number;
  /** The least remaining validity for this token, scaled to its lifetime. */
  readonly minValidity: number;
}

interface Flight {
  promise?: Promise<CacheEntry>;
  /** The token for every caller waiting on this refresh: one promise per refresh, however many wait. */
  waiters?: Promise<AccessToken>;
  readonly background: boolean;
  /** Stops this refresh's waits and exchange when the provider closes. */
  readonly abort: AbortController;
  exchanges: number;
}

interface Failure {
  readonly error: SsaError;
  readonly retryable: boolean;
  /** No exchange before this time (monotonic clock, ms). */
  readonly retryAt: number;
  /** The same, as reported (wall clock, ms since the epoch, when the failure happened). */
  readonly nextAttemptAt: number;
  staleReported: boolean;
}

/** Tokens remembered as secrets to scrub from foreign errors (the current one and the last few obtained). */
const REMEMBERED_TOKENS = 4;

/** Creates providers from already normalised options (for the registry). Internal. */
export function providerFromNormalized(options: NormalizedProviderOptions): TokenProvider {
  return new CachingTokenProvider(options);
}

class CachingTokenProvider implements TokenProvider {
  identity: TokenIdentity;
  // The options exchanges sign with: the configured ones, or after rotateKey() the same with the new key.
  #options: NormalizedProviderOptions;
  readonly #store: TokenStore;
  readonly #ownsStore: boolean;
  readonly #key: string;
  // Made on the first `on()`: most providers never get a listener, and an app may hold many providers.
  #events: ProviderEvents | undefined;
  readonly #time: ServerTime;
  #closed = false;
  // The counters of `stats`, as fields of the provider rather than an object of their own (one less per identity).
  #exchanges = 0;
  #exchangeFailures = 0;
  #refreshes = 0;
  #refreshFailures = 0;
  #cacheHits = 0;
  #cacheMisses = 0;
  #servedStale = 0;
  #invalidations = 0;
  #entry: CacheEntry | undefined;
  #rejected: string | undefined;
  #flight: Flight | undefined;
  #failure: Failure | undefined;
  #consecutiveFailures = 0;
  #rateLimit: RateLimit | undefined;
  /** Recently obtained tokens: a store error might quote one (ioredis puts a command's arguments in its errors). */
  // Replaced, never grown in place: an array grown by unshift() keeps spare capacity, held for as long as the provider.
  #recentTokens: readonly string[] = [];

  constructor(options: NormalizedProviderOptions) {
    this.#options = options;
    this.identity = options.identity;
    this.#key = options.key;
    this.#ownsStore = options.store === undefined;
    this.#store = options.store ?? new MemoryTokenStore({ maxEntries: 1 });
    this.#time = new ServerTime(options.clock);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stats(): TokenProviderStats {
    const offset = this.#time.offset;
    const entry = this.#entry;
    return Object.freeze({
      exchanges: this.#exchanges,
      exchangeFailures: this.#exchangeFailures,
      refreshes: this.#refreshes,
      refreshFailures: this.#refreshFailures,
      cacheHits: this.#cacheHits,
      cacheMisses: this.#cacheMisses,
      servedStale: this.#servedStale,
      invalidations: this.#invalidations,
      refreshing: this.#flight !== undefined,
      clockSkew: offset,
      ...(entry && { expiresAt: entry.token.expiresAt, refreshAt: this.#refreshPoint(entry) - offset }),
      ...(this.#failure && { nextAttemptAt: this.#failure.nextAttemptAt }),
      ...(this.#rateLimit && { rateLimit: this.#rateLimit }),
    });
  }

  getToken(): Promise<AccessToken> {
    if (isTraced(getTokenChannel)) {
      return traceGetToken(this.identity, this.#key, () => ({ hits: this.#cacheHits, stale: this.#servedStale }), () => this.#getToken());
    }
    return this.#getToken();
  }

  // Not `async`: a cache hit returns the entry's resolved promise instead of allocating one per call.
  #getToken(): Promise<AccessToken> {
    return this.#hit()?.served ?? this.#miss();
  }

  peek(): AccessToken | undefined {
    return this.#hit()?.token;
  }

  async getAuthorizationHeader(): Promise<string> {
    return `Bearer ${(await this.getToken()).accessToken}`;
  }

  invalidate(token?: AccessToken | string): void {
    const entry = this.#entry;
    if (entry === undefined || this.closed) return;
    if (token !== undefined) {
      const value = typeof token === 'string' ? token : token.accessToken;
      if (value !== entry.stored.accessToken) return; // Already replaced.
      if (this.#serverNow() - entry.stored.obtainedAt < MIN_AGE_TO_INVALIDATE) return;
    }
    if (this.#rejected === entry.stored.accessToken) return;
    this.#rejected = entry.stored.accessToken;
    this.#invalidations++;
    this.#events?.emit('invalidated', { identity: this.identity, expiresAt: entry.token.expiresAt });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#flight?.abort.abort(new SsaClosedError());
    this.#events = undefined;
    this.#entry = undefined;
    this.#rejected = undefined;
    if (this.#ownsStore) await this.#store.close?.();
  }

  rotateKey(key: SigningKey): void {
    if (this.#closed) throw new SsaClosedError();
    const next = checkSigningKey(key, 'rotateKey()');
    const { serviceAccountId } = this.identity;
    if (next.serviceAccountId !== undefined && next.serviceAccountId !== serviceAccountId) {
      throw new SsaOptionError(
        'serviceAccountId',
        `The key is one of service account ${next.serviceAccountId}, but this provider serves ${serviceAccountId}: a key cannot move a provider to another account.`,
      );
    }
    this.identity = Object.freeze({ ...this.identity, keyId: next.keyId });
    this.#options = Object.freeze({ ...this.#options, identity: this.identity, privateKey: next.privateKey });
  }

  on<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): () => void {
    return (this.#events ??= new ProviderEvents()).on(event, listener);
  }

  off<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): void {
    this.#events?.off(event, listener);
  }

  toJSON(): { identity: TokenIdentity; stats: TokenProviderStats; closed: boolean } {
    return { identity: this.identity, stats: this.stats, closed: this.closed };
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options?: object) => string): string {
    return `TokenProvider ${inspect(this.toJSON(), options)}`;
  }

  /** The cache entry when it can be served now (counted as a hit, refreshed in the background past its refresh point). */
  #hit(): CacheEntry | undefined {
    const entry = this.#entry;
    if (entry === undefined || this.#closed) return undefined;
    const now = this.#serverNow();
    if (!this.#usable(entry.stored, entry.minValidity, now)) return undefined;
    this.#cacheHits++;
    if (now >= entry.refreshAt) this.#refreshInBackground(entry);
    return entry;
  }

  #serverNow(): number {
    return this.#time.now();
  }

  /** Whether a failure's cool-down is still running. */
  #coolingDown(failure: Failure | undefined): failure is Failure {
    return failure !== undefined && this.#options.clock.monotonic() < failure.retryAt;
  }

  /** What a foreign error (a store's) must not show. */
  #secrets(): string[] {
    const { identity, clientSecret } = this.#options;
    const current = this.#entry?.stored.accessToken;
    return [clientSecret, basicCredentials(identity.clientId, clientSecret), ...(current === undefined ? [] : [current]), ...this.#recentTokens];
  }

  #usable(token: StoredToken, minValidity: number, now: number): boolean {
    return token.accessToken !== this.#rejected && token.expiresAt - now >= minValidity;
  }

  /** The refresh point that applies now: the shared one, or the spread one while the store works alone. */
  #refreshPoint(entry: CacheEntry): number {
    return this.#store.sharing === false ? entry.aloneRefreshAt : entry.sharedRefreshAt;
  }

  #refreshInBackground(entry: CacheEntry): void {
    const due = this.#refreshPoint(entry);
    if (this.#serverNow() < due) {
      entry.refreshAt = due;
      return;
    }
    const failure = this.#failure;
    if (this.#coolingDown(failure)) {
      this.#servedStale++;
      if (!failure.staleReported) {
        failure.staleReported = true;
        this.#events?.emit('served-stale', { identity: this.identity, expiresAt: entry.token.expiresAt, error: failure.error });
      }
      return;
    }
    if (this.#flight !== undefined) return;
    // Nobody awaits a background refresh: its failure is reported by event and kept for callers.
    this.#startFlight(true).promise!.catch(() => undefined);
  }

  /** No usable token in the cache: wait for the running refresh, or start one. */
  #miss(): Promise<AccessToken> {
    if (this.#closed) return Promise.reject(new SsaClosedError());
    this.#cacheMisses++;
    let flight = this.#flight;
    if (flight === undefined) {
      const failure = this.#failure;
      if (this.#coolingDown(failure)) return Promise.reject(this.#unavailable(failure));
      flight = this.#startFlight(false);
    }
    // Held open while someone waits: a background refresh alone never keeps the process alive.
    flight.waiters ??= keptAlive(
      flight.promise!.then(
        (entry) => entry.token,
        (error: unknown) => {
          if (this.#closed) throw new SsaClosedError();
          throw this.#failure === undefined ? error : this.#unavailable(this.#failure);
        },
      ),
    );
    return flight.waiters;
  }

  #startFlight(background: boolean): Flight {
    const flight: Flight = { background, abort: new AbortController(), exchanges: 0 };
    this.#flight = flight;
    flight.promise = this.#refresh(flight);
    return flight;
  }

  /** One refresh: take a newer token from the store if a sharer put one there, else exchange (once across sharers). */
  async #refresh(flight: Flight): Promise<CacheEntry> {
    const signal = flight.abort.signal;
    try {
      let candidate = await this.#store.get(this.#key);
      for (let round = 0; ; round++) {
        if (candidate !== undefined && this.#isNewer(candidate)) return this.#adopt(candidate, flight);
        if (round === 2) throw new SsaError('ERR_SSA_BAD_RESPONSE', 'The token store keeps returning an expired or rejected token. Check the store.');
        try {
          candidate = await this.#store.refresh(this.#key, () => this.#exchange(flight), { stale: candidate, signal });
        } catch (error) {
          // Another provider sharing the store closed while running the exchange we waited for: run our own.
          if (!(error instanceof SsaClosedError) || this.closed) throw error;
          candidate = await this.#store.get(this.#key);
        }
      }
    } catch (error) {
      if (this.closed) throw new SsaClosedError();
      throw this.#fail(error, flight);
    } finally {
      // Before the outcome is seen, so that no caller finds a finished flight still "running".
      if (this.#flight === flight) this.#flight = undefined;
    }
  }

  /** A token in the store that this provider should serve rather than replace. */
  #isNewer(candidate: StoredToken): boolean {
    if (candidate.accessToken === this.#rejected) return false;
    if (candidate.expiresAt - this.#serverNow() < Math.min(this.#options.minValidity, quarterLife(candidate))) return false;
    // The very token being refreshed is not newer; a different one with enough validity left is.
    return candidate.accessToken !== this.#entry?.stored.accessToken;
  }

  #adopt(stored: StoredToken, flight: Flight): CacheEntry {
    const { refreshAhead, refreshJitter, minValidity } = this.#options;
    // Scaled to the token's life, so a short-lived token (e.g. 60 s from an emulator) is still used for half of it.
    const quarter = quarterLife(stored);
    const offset = this.#time.offset;
    // The identity's frozen scopes when the token has the same (the usual case): the token then holds no copy of its own.
    const scopes = sameList(stored.scopes, this.identity.scopes) ? this.identity.scopes : Object.freeze([...stored.scopes]);
    const token = accessTokenOf(stored.accessToken, stored.expiresAt - offset, scopes);
    const entry: CacheEntry = {
      stored,
      token,
      served: Promise.resolve(token),
      refreshAt: 0,
      sharedRefreshAt: Math.round(stored.expiresAt - Math.min(refreshAhead, quarter) - Math.random() * Math.min(refreshJitter, quarter)),
      aloneRefreshAt: aloneRefreshPoint(stored, 2 * Math.min(minValidity, quarter)),
      minValidity: Math.min(minValidity, quarter),
    };
    entry.refreshAt = Math.min(entry.sharedRefreshAt, entry.aloneRefreshAt);
    this.#entry = entry;
    this.#failure = undefined;
    this.#consecutiveFailures = 0;
    this.#refreshes++;
    this.#events?.emit('refreshed', {
      identity: this.identity,
      expiresAt: entry.token.expiresAt,
      scopes: entry.token.scopes,
      exchanged: flight.exchanges > 0,
      attempts: flight.exchanges,
      background: flight.background,
      ...(flight.exchanges > 0 && this.#rateLimit && { rateLimit: this.#rateLimit }),
    });
    return entry;
  }

  /** Records a failed refresh: when the next exchange may run, and who to tell. */
  #fail(error: unknown, flight: Flight): SsaError {
    // Anything but our own errors (a shared store losing its connection, say) may well pass: retry it.
    // Such an error may quote what it was handling (ioredis: the command's arguments, a token among them),
    // so only a scrubbed summary of it is kept.
    const cause =
      error instanceof SsaTokenEndpointError
        ? withRetryAfterClamped(error)
        : error instanceof SsaError
          ? error
          : new SsaError('ERR_SSA_NETWORK', 'The token store or the exchange failed unexpectedly (see `cause`).', {
              cause: safeCause(error, this.#secrets()),
            });
    const retryable = error instanceof SsaTokenEndpointError ? error.retryable : !(error instanceof SsaError);
    this.#consecutiveFailures++;
    const { retry, failureCoolDown, clock } = this.#options;
    const retryAfter = cause instanceof SsaTokenEndpointError ? cause.retryAfter : undefined;
    // Between failed refreshes the pause grows from retry.maxDelay to failureCoolDown, so that a long
    // outage costs a few exchanges a minute, not a refresh's worth of attempts every few seconds.
    const wait = !retryable
      ? failureCoolDown
      : retryAfter !== undefined
        ? retryAfter * 1000
        : backoffDelay(this.#consecutiveFailures, { baseDelay: retry.maxDelay, maxDelay: Math.max(retry.maxDelay, failureCoolDown) });
    const retryAt = clock.monotonic() + wait;
    const nextAttemptAt = clock.now() + wait;
    this.#failure = { error: cause, retryable, retryAt, nextAttemptAt, staleReported: false };
    this.#refreshFailures++;
    const entry = this.#entry;
    this.#events?.emit('refresh-failed', {
      identity: this.identity,
      error: cause,
      attempts: flight.exchanges,
      background: flight.background,
      retryable,
      nextAttemptAt,
      ...(entry && { tokenExpiresAt: entry.token.expiresAt }),
    });
    return cause;
  }

  #exchange(flight: Flight): Promise<StoredToken> {
    return exchangeWithRetry({
      options: this.#options,
      time: this.#time,
      signal: flight.abort.signal,
      onAttempt: () => {
        flight.exchanges++;
        this.#exchanges++;
      },
      onAttemptFailed: () => void this.#exchangeFailures++,
      onRateLimit: (rateLimit) => void (this.#rateLimit = rateLimit),
      onToken: (accessToken) => {
        this.#recentTokens = [accessToken, ...this.#recentTokens.slice(0, REMEMBERED_TOKENS - 1)];
      },
    });
  }

  #unavailable(failure: Failure): SsaTokenUnavailableError {
    const { serviceAccountId, clientId } = this.identity;
    const seconds = Math.max(0, Math.ceil((failure.retryAt - this.#options.clock.monotonic()) / 1000));
    const next = failure.retryable
      ? `The token endpoint may recover: the next exchange is allowed in ${seconds} s.`
      : `Retrying cannot fix this, so no exchange is attempted for the next ${seconds} s; fix the configuration (or the service account / key state) meanwhile.`;
    const offset = this.#time.offset;
    const skew =
      Math.abs(offset) >= NOTABLE_CLOCK_SKEW && isRefusal(failure.error)
        ? ` This machine's clock is ${describeSkew(offset)} the token endpoint's; the assertion's times were corrected for it, but fix the system clock (NTP) if refusals persist.`
        : '';
    return new SsaTokenUnavailableError(
      `No valid APS access token for service account ${serviceAccountId} (client ${clientId}): ${failure.error.message} ${next}${skew}`,
      failure.retryable,
      { cause: failure.error, retryAfter: seconds },
    );
  }
}

/**
 * `error` with its `retryAfter` at most `MAX_RETRY_AFTER`. Clamped here too, not only where a `Retry-After` header
 * is read: a failure shared through the store (another instance's, or a forged record) is not trusted further, whatever
 * its class (a subclass is rebuilt as the class of ours it extends, which holds no field we would not copy).
 */
function withRetryAfterClamped(error: SsaTokenEndpointError): SsaTokenEndpointError {
  const retryAfter = clampRetryAfter(error.retryAfter);
  if (retryAfter === error.retryAfter) return error;
  const { status, error: apsError, errorDescription, requestId, retryable, serverDate } = error;
  const details = { status, error: apsError, errorDescription, requestId, retryAfter, retryable, serverDate };
  return error instanceof SsaAssertionInvalidError
    ? new SsaAssertionInvalidError(error.message, details, error.issues)
    : new SsaTokenEndpointError(error.code, error.message, details);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** A random point between the middle of the token's life and `margin` before its expiry (server clock, ms). */
function aloneRefreshPoint(token: StoredToken, margin: number): number {
  const from = token.obtainedAt + 2 * quarterLife(token);
  return Math.round(from + Math.random() * Math.max(0, token.expiresAt - margin - from));
}

function quarterLife(token: StoredToken): number {
  return Math.max(0, token.expiresAt - token.obtainedAt) / 4;
}

function isRefusal(error: SsaError): boolean {
  return error instanceof SsaTokenEndpointError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
}
