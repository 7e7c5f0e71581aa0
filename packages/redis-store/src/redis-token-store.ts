import { randomUUID } from 'node:crypto';
import { isStoredToken, SsaClosedError, type SsaTokenEndpointError, type StoredToken, type TokenStore, type TokenStoreRefreshOptions } from '@aps-ssa/core';
import { abortable } from '@aps-ssa/core/adapter';
import { type EntryKeys, entryKeys } from './entry-keys.js';
import { MAX_SEALED_BYTES } from './entry-limits.js';
import { RedisUnavailable, withTimeout } from './redis-client.js';
import { type RedisConnection, toConnection } from './redis-connection.js';
import { RedisHealth } from './redis-health.js';
import { EntryScripts } from './redis-scripts.js';
import type { RedisTokenStoreEvent } from './redis-token-store-event.js';
import { normalizeOptions, type RedisTokenStoreOptions, type RedisTokenStoreSettings } from './redis-token-store-options.js';
import { failureBinding, reviveFailure, serializeFailure } from './shared-failure.js';
import { createTokenCipher, type TokenCipher } from './token-cipher.js';
import { type ChannelWatch, UpdateListener } from './update-listener.js';

// A token whose expiry (by this machine's clock) has passed is still written for this long: the
// provider, not the store, judges expiry (its clock may be injected or skew-corrected).
const MIN_ENTRY_TTL_MS = 1000;

// Tokens kept in memory for when Redis is unreachable, one per identity: an app has a handful
// (one per scope set); past this many, the oldest is dropped, so memory stays bounded regardless.
const LOCAL_MAX_ENTRIES = 1000;

const UNAVAILABLE: unique symbol = Symbol('redis unavailable');
type Unavailable = typeof UNAVAILABLE;

/**
 * A {@link TokenStore} shared by every instance of a fleet through Redis: one token per identity
 * for the whole fleet, one exchange per refresh (a lock with a fencing token), tokens encrypted at
 * rest (AES-256-GCM), and no request failing because Redis did (each instance falls back to its own
 * memory and exchanges while Redis is unreachable). Create it with {@link createRedisTokenStore}.
 *
 * @example
 * ```ts
 * const store = createRedisTokenStore({ redis: new Redis(process.env.REDIS_URL!) });
 * const provider = createTokenProvider({ store });
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #settings: RedisTokenStoreSettings;
  readonly #redis: RedisConnection;
  readonly #cipher: TokenCipher;
  readonly #scripts: EntryScripts;
  readonly #listener: UpdateListener;
  readonly #health: RedisHealth;
  // The last token this instance saw or obtained per key: served while Redis is unreachable.
  readonly #local = new Map<string, StoredToken>();
  readonly #flights = new Map<string, Promise<StoredToken>>();
  #closed = false;

  constructor(options: RedisTokenStoreOptions) {
    this.#settings = normalizeOptions(options);
    this.#redis = toConnection(this.#settings.redis);
    this.#cipher = createTokenCipher(this.#settings.encryptionKey);
    this.#scripts = new EntryScripts(this.#redis);
    this.#listener = new UpdateListener(this.#redis, this.#settings.commandTimeout);
    this.#health = new RedisHealth((event) => this.#emit(event));
    // Known at once, not at the next refresh: providers spread their refreshes while the store works alone.
    this.#redis.onLost(() => {
      if (!this.#closed) this.#health.failed(new RedisUnavailable('the connection to Redis was lost'));
    });
  }

  /**
   * Whether the store shares tokens through Redis: `false` from a lost connection or a failed command until Redis
   * answers again (the store then works on its own, and providers spread their refreshes).
   */
  get sharing(): boolean {
    return this.#health.available;
  }

  /** The shared token; this instance's last known one when Redis is unreachable or holds none. */
  async get(key: string): Promise<StoredToken | undefined> {
    this.#assertOpen();
    const entry = await this.#read(key, this.#keys(key));
    const token = entry === UNAVAILABLE ? undefined : entry.token;
    return token === undefined ? this.#local.get(key) : this.#remember(key, token);
  }

  async refresh(key: string, exchange: () => Promise<StoredToken>, options: TokenStoreRefreshOptions = {}): Promise<StoredToken> {
    this.#assertOpen();
    options.signal?.throwIfAborted();
    // Callers of this process that want the same token replaced share one flight; the lock in Redis
    // coordinates the flights of different processes (and of different `stale` tokens).
    const flightKey = `${key}\n${options.stale?.accessToken ?? ''}`;
    let flight = this.#flights.get(flightKey);
    if (flight === undefined) {
      flight = this.#refresh(key, exchange, options.stale).finally(() => this.#flights.delete(flightKey));
      this.#flights.set(flightKey, flight);
    }
    return options.signal === undefined ? flight : abortable(flight, options.signal);
  }

  async delete(key: string): Promise<void> {
    this.#assertOpen();
    const keys = this.#keys(key);
    this.#local.delete(key);
    await this.#command('DEL', () => this.#redis.del(keys.token), undefined, key);
  }

  /**
   * Stops waiting and closes the pub/sub connection, and the client the store created from `url`. A client
   * passed in as `redis` stays open: it is the caller's.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.close();
    this.#local.clear();
    if (this.#settings.ownsClient) await this.#redis.close();
  }

  async #refresh(key: string, exchange: () => Promise<StoredToken>, stale: StoredToken | undefined): Promise<StoredToken> {
    const keys = this.#keys(key);
    const entry = await this.#read(key, keys);
    if (entry === UNAVAILABLE) return this.#refreshAlone(key, exchange, stale);
    if (entry.token !== undefined && entry.token.accessToken !== stale?.accessToken) return this.#remember(key, entry.token);

    const { waitTimeout, pollInterval, lockTtl } = this.#settings;
    const deadline = performance.now() + waitTimeout;
    let seenFence = entry.fence;
    let waitingFor = 0;
    let watch: ChannelWatch | undefined;
    try {
      for (;;) {
        this.#assertOpen();
        const owner = randomUUID();
        const attempt = await this.#command(
          'acquire',
          () => this.#scripts.acquire(keys, seenFence, waitingFor, owner, lockTtl),
          // The script may still run once Redis answers again (a queued or slow command): free the lock it would take.
          () => void this.#scripts.release(keys, owner).catch(() => undefined),
          key,
        );
        if (attempt === UNAVAILABLE) return await this.#refreshAlone(key, exchange, stale);
        if ('rebuilt' in attempt) this.#emit({ type: 'entry-rejected', key, reason: attempt.rebuilt! });
        switch (attempt.outcome) {
          case 'acquired':
            return await this.#exchangeHoldingLock(key, keys, attempt.fence, owner, exchange);
          case 'failed': {
            const failure = this.#openFailure(key, keys, attempt.fence, attempt.error);
            if (failure !== undefined) throw failure;
            // Unreadable, forged or replayed: ignore it and compete for the lock like a newcomer.
            waitingFor = 0;
            continue;
          }
          case 'changed': {
            const token = this.#open(key, keys, attempt.data);
            if (token !== undefined && token.accessToken !== stale?.accessToken) return this.#remember(key, token);
            seenFence = attempt.storedFence;
            continue;
          }
          case 'locked': {
            if (waitingFor === 0) waitingFor = attempt.holderFence;
            const remaining = deadline - performance.now();
            if (remaining <= 0) {
              this.#emit({ type: 'wait-timeout', key, waited: waitTimeout });
              return await this.#refreshAlone(key, exchange, stale);
            }
            if (watch === undefined) {
              // Subscribed from now on: read again at once, as a notice may have gone out before.
              watch = await this.#listener.watch(keys.channel);
              continue;
            }
            await watch.wait(Math.min(pollInterval, remaining));
          }
        }
      }
    } finally {
      watch?.close();
    }
  }

  async #exchangeHoldingLock(
    key: string,
    keys: EntryKeys,
    fence: number,
    owner: string,
    exchange: () => Promise<StoredToken>,
  ): Promise<StoredToken> {
    const { lockTtl, commandTimeout } = this.#settings;
    this.#emit({ type: 'lock-acquired', key, fence });
    // An exchange may outlast the lock (APS slow, retries after a 429): renew it while this process
    // lives, so that only a holder that died or froze is taken over.
    const renewal = setInterval(() => {
      withTimeout(this.#scripts.renew(keys, owner, lockTtl), commandTimeout, 'renew').then(
        (ours) => {
          if (!ours) clearInterval(renewal); // taken over: the write's fence check settles the rest
        },
        () => undefined,
      );
    }, Math.floor(lockTtl / 3));
    renewal.unref();
    let token: StoredToken;
    try {
      token = await exchange();
    } catch (error) {
      clearInterval(renewal);
      const failure = serializeFailure(error);
      const record = failure === undefined ? undefined : this.#cipher.seal(failure, failureBinding(keys, fence));
      await this.#command(
        'release',
        () =>
          // A record over the limit would be refused by the waiters: they take over instead, as after any other failure.
          record === undefined || record.length > MAX_SEALED_BYTES
            ? this.#scripts.release(keys, owner)
            : this.#scripts.fail(keys, fence, owner, record, lockTtl),
        undefined,
        key,
      );
      throw error;
    }
    clearInterval(renewal);
    this.#remember(key, token);
    const ttl = Math.max(MIN_ENTRY_TTL_MS, Math.ceil(token.expiresAt - Date.now()));
    const sealed = this.#seal(keys, token);
    if (sealed.length > MAX_SEALED_BYTES) {
      // Every reader would refuse it: keep it to this instance, and let the next holder try.
      this.#emit({ type: 'entry-rejected', key, reason: 'too-large' });
      await this.#command('release', () => this.#scripts.release(keys, owner), undefined, key);
      return token;
    }
    const written = await this.#command('write', () => this.#scripts.write(keys, fence, sealed, ttl, owner), undefined, key);
    if (written !== false) return token;
    // Our lock had expired and a newer holder wrote first: keep the fleet on the newer token.
    this.#emit({ type: 'write-rejected', key, fence });
    const newer = await this.#read(key, keys);
    return newer !== UNAVAILABLE && newer.token !== undefined ? this.#remember(key, newer.token) : token;
  }

  /** Without Redis (unreachable, or the holder never delivered): this process's memory and its own exchange. */
  async #refreshAlone(key: string, exchange: () => Promise<StoredToken>, stale: StoredToken | undefined): Promise<StoredToken> {
    const known = this.#local.get(key);
    if (known !== undefined && known.accessToken !== stale?.accessToken) return known;
    return this.#remember(key, await exchange());
  }

  /**
   * The entry's fence (0 when empty) and token (`undefined` when empty or rejected). An entry that is not the
   * store's (another type, over the size limit, a fence that is no integer) is this identity's problem only:
   * it is reported and read as empty, and the next holder replaces it.
   */
  async #read(key: string, keys: EntryKeys): Promise<{ fence: number; token: StoredToken | undefined } | Unavailable> {
    const entry = await this.#command('read', () => this.#scripts.read(keys), undefined, key);
    if (entry === UNAVAILABLE) return UNAVAILABLE;
    if (entry.outcome === 'unusable') {
      this.#emit({ type: 'entry-rejected', key, reason: entry.reason });
      return { fence: 0, token: undefined };
    }
    return { fence: entry.fence, token: this.#open(key, keys, entry.data) };
  }

  /**
   * Runs a Redis command within `commandTimeout`; {@link UNAVAILABLE} if Redis cannot answer, and
   * `undo` once the command was sent but failed or timed out (it may still run later). An error that
   * comes from the entry of `key` (a key of another type) is that identity's alone: it is reported,
   * and Redis stays in use for the others.
   */
  async #command<T>(what: string, run: () => Promise<T>, undo?: () => void, key?: string): Promise<T | Unavailable> {
    if (!this.#health.shouldTry()) return UNAVAILABLE;
    const { commandTimeout } = this.#settings;
    let sent = false;
    try {
      await this.#redis.whenReady(commandTimeout);
      sent = true;
      const result = await withTimeout(run(), commandTimeout, what);
      this.#health.succeeded();
      return result;
    } catch (error) {
      if (sent) undo?.();
      if (key !== undefined && isEntryError(error)) this.#emit({ type: 'entry-rejected', key, reason: 'wrong-type' });
      else this.#health.failed(error);
      return UNAVAILABLE;
    }
  }

  #open(key: string, keys: EntryKeys, data: string | null | undefined): StoredToken | undefined {
    if (data === null || data === undefined) return undefined;
    const plaintext = this.#cipher.open(data, keys.token);
    if (plaintext === undefined) {
      this.#emit({ type: 'entry-rejected', key, reason: 'undecryptable' });
      return undefined;
    }
    let token: unknown;
    try {
      token = JSON.parse(plaintext);
    } catch {
      token = undefined;
    }
    if (isStoredToken(token)) return token;
    this.#emit({ type: 'entry-rejected', key, reason: 'malformed' });
    return undefined;
  }

  /** The holder's failure, or `undefined` (reported) when the record does not open under this key and fence, or is invalid. */
  #openFailure(key: string, keys: EntryKeys, fence: number, data: string): SsaTokenEndpointError | undefined {
    const plaintext = this.#cipher.open(data, failureBinding(keys, fence));
    const failure = plaintext === undefined ? undefined : reviveFailure(plaintext);
    if (failure === undefined) this.#emit({ type: 'failure-rejected', key, reason: plaintext === undefined ? 'undecryptable' : 'malformed' });
    return failure;
  }

  #seal(keys: EntryKeys, token: StoredToken): string {
    // Named fields: a token object with extra (or hidden) properties is stored as plain data.
    const { accessToken, tokenType, scopes, obtainedAt, expiresAt } = token;
    return this.#cipher.seal(JSON.stringify({ accessToken, tokenType, scopes, obtainedAt, expiresAt }), keys.token);
  }

  #remember(key: string, token: StoredToken): StoredToken {
    // Re-inserting moves the key to the end of the Map's order: the first key is the least recently used.
    this.#local.delete(key);
    this.#local.set(key, token);
    if (this.#local.size > LOCAL_MAX_ENTRIES) this.#local.delete(this.#local.keys().next().value!);
    return token;
  }

  #keys(key: string): EntryKeys {
    if (typeof key !== 'string' || key === '') throw new TypeError('A token store key must be a non-empty string.');
    return entryKeys(this.#settings.prefix, key);
  }

  #emit(event: RedisTokenStoreEvent): void {
    try {
      this.#settings.onEvent?.(event);
    } catch {
      // A failing listener must not fail token delivery.
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SsaClosedError('The Redis token store is closed. Create a new store (and provider) to get tokens again.');
  }

  /** No key material, token or connection detail: only the shape. */
  toJSON(): { prefix: string; sharing: boolean; closed: boolean } {
    return { prefix: this.#settings.prefix, sharing: this.sharing, closed: this.#closed };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RedisTokenStore ${JSON.stringify(this.toJSON())}`;
  }
}

// Redis refuses a command on a key of another type (WRONGTYPE): a fault of that key, not of Redis.
function isEntryError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('WRONGTYPE');
}

/**
 * Creates a {@link RedisTokenStore}: pass it to a token provider as its `store` on every instance
 * of the fleet. All instances must use the same Redis, `prefix` and `secret` (or `encryptionKey`).
 *
 * @throws {SsaOptionError} for a missing client, an unknown option or an invalid value.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createTokenProvider } from '@aps-ssa/core';
 * import { createRedisTokenStore } from '@aps-ssa/redis-store';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const store = createRedisTokenStore({ redis, onEvent: (event) => console.info('token store:', event.type) });
 * const provider = createTokenProvider({ store }); // APS_* variables; the secret also keys the encryption
 * ```
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  return new RedisTokenStore(options);
}
