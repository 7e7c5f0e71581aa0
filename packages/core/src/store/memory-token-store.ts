import { SsaOptionError } from '../errors.js';
import { abortable } from '../http/abortable.js';
import { SingleSlot } from './single-slot.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import type { StoredToken, TokenStore, TokenStoreRefreshOptions } from './token-store.js';

/**
 * How many identities a {@link MemoryTokenStore} keeps before dropping the least recently used. An
 * app has a handful of identities (one per scope set); a thousand means scopes are being built per
 * request, and memory stays bounded anyway.
 *
 * @default 1000
 */
export const MEMORY_STORE_MAX_ENTRIES = 1000;

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /**
   * The most identities kept; the least recently used is dropped beyond it.
   *
   * @default MEMORY_STORE_MAX_ENTRIES (1000)
   */
  maxEntries?: number;
}

/**
 * A {@link TokenStore} in this process's memory: the default store of a token provider. Share one
 * between providers to share their tokens and single flight within the process. It holds no timer
 * and never judges expiry (providers do), so it needs no clock and keeps nothing alive.
 *
 * @example
 * ```ts
 * const store = new MemoryTokenStore({ maxEntries: 50 });
 * const provider = createTokenProvider({ store });
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #maxEntries: number;
  readonly #tokens: Map<string, StoredToken> | SingleSlot<StoredToken>;
  // Made on the first refresh, and dropped when none runs: a provider's own store holds one token and is idle for an hour.
  #flights: Map<string, Promise<StoredToken>> | undefined;

  constructor(options: MemoryTokenStoreOptions = {}) {
    requireOptionsObject(options as unknown, 'new MemoryTokenStore()');
    rejectUnknownOptions(options, ['maxEntries'], 'new MemoryTokenStore()');
    const { maxEntries = MEMORY_STORE_MAX_ENTRIES } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new SsaOptionError('maxEntries', `\`maxEntries\` must be a whole number of at least 1, got ${typeof maxEntries === 'number' ? maxEntries : describeType(maxEntries)}.`);
    }
    this.#maxEntries = maxEntries;
    this.#tokens = maxEntries === 1 ? new SingleSlot() : new Map();
  }

  /** How many identities hold a token. */
  get size(): number {
    return this.#tokens.size;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const token = this.#tokens.get(key);
    if (token !== undefined) this.#touch(key, token);
    return token;
  }

  async refresh(key: string, exchange: () => Promise<StoredToken>, options: TokenStoreRefreshOptions = {}): Promise<StoredToken> {
    options.signal?.throwIfAborted();
    const current = this.#tokens.get(key);
    if (current !== undefined && current.accessToken !== options.stale?.accessToken) return current;
    this.#flights ??= new Map();
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      flight = this.#run(key, exchange);
      this.#flights.set(key, flight);
    }
    return options.signal === undefined ? flight : abortable(flight, options.signal);
  }

  async delete(key: string): Promise<void> {
    this.#tokens.delete(key);
  }

  async close(): Promise<void> {
    this.#tokens.clear();
  }

  async #run(key: string, exchange: () => Promise<StoredToken>): Promise<StoredToken> {
    try {
      const token = await exchange();
      this.#touch(key, token);
      return token;
    } finally {
      this.#flights?.delete(key);
      if (this.#flights?.size === 0) this.#flights = undefined;
    }
  }

  #touch(key: string, token: StoredToken): void {
    // Re-inserting moves the key to the end of the Map's order, which makes the first key the least recently used.
    this.#tokens.delete(key);
    this.#tokens.set(key, token);
    for (const oldest of this.#tokens.keys()) {
      if (this.#tokens.size <= this.#maxEntries) break;
      this.#tokens.delete(oldest);
    }
  }

  /** No token, secret or size of the store's content: only its shape. */
  toJSON(): { size: number; maxEntries: number } {
    return { size: this.size, maxEntries: this.#maxEntries };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MemoryTokenStore { size: ${this.size}, maxEntries: ${this.#maxEntries} }`;
  }
}
