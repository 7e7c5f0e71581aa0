import { MAX_ACCESS_TOKEN_LENGTH } from '../access-token.js';
/**
 * A token as a {@link TokenStore} keeps it: plain JSON-safe data, so that a store can serialise it
 * (`JSON.stringify`) and share it between processes. Times are milliseconds since the epoch on the
 * token endpoint's clock (the provider corrects for this machine's skew), so that machines whose
 * clocks disagree still agree on when a shared token expires.
 *
 * Holds the access token itself: a store must keep it as confidential as the tokens it serves
 * (never log it, keep a shared store on a private network with authentication).
 *
 * @example
 * ```ts
 * const stored: StoredToken = { accessToken, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt, expiresAt };
 * await redis.set(key, JSON.stringify(stored)); // plain JSON: it survives the round trip
 * ```
 */
export interface StoredToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** The scopes the token was granted. */
  readonly scopes: readonly string[];
  /** When the exchange that produced the token was sent (ms, server clock). */
  readonly obtainedAt: number;
  /** When the token expires (ms, server clock). */
  readonly expiresAt: number;
}

/** Options of {@link TokenStore.refresh}. */
export interface TokenStoreRefreshOptions {
  /**
   * The token the caller wants replaced (expired, about to expire, or rejected by APS). Leave it out
   * when the caller found the slot empty.
   */
  readonly stale?: StoredToken | undefined;
  /** Aborts the wait (not necessarily an exchange another sharer is running). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Where token providers keep tokens, and how sharers of one identity agree on who refreshes. The
 * default is an in-memory store per provider ({@link MemoryTokenStore}); `@aps-ssa/redis-store`
 * shares tokens and the single flight across a fleet.
 *
 * Contract for implementers:
 * - `get(key)` returns the slot's token, or `undefined`. It does not judge expiry: the provider does.
 * - `refresh(key, exchange, { stale })`: if the slot holds a token whose `accessToken` differs from
 *   `stale?.accessToken` (someone already replaced it, or filled the empty slot), return that token
 *   without calling `exchange`. Otherwise call `exchange` **at most once across every sharer of the
 *   store** (concurrent callers wait for the one running, e.g. behind a lock with a fencing token),
 *   put its result in the slot, and return it. If `exchange` throws, every waiter gets that error
 *   and the slot is left unchanged.
 * - Keys come from {@link identityKey}: opaque, safe to show.
 *
 * @example
 * ```ts
 * const store = new MemoryTokenStore();
 * const a = createTokenProvider({ store });
 * const b = createTokenProvider({ store }); // same identity: b uses the token a obtained
 * ```
 */
export interface TokenStore {
  /**
   * `false` while the store cannot share tokens (its backend is unreachable) and each sharer exchanges on its own:
   * providers then spread their refreshes over the second half of a token's life instead of the few minutes
   * before expiry (`refreshAhead` plus `refreshJitter`), so that a fleet working alone stays under the rate limit. Leave it out if the store
   * always shares.
   */
  readonly sharing?: boolean;
  get(key: string): Promise<StoredToken | undefined>;
  refresh(key: string, exchange: () => Promise<StoredToken>, options: TokenStoreRefreshOptions): Promise<StoredToken>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Whether `value` has the shape of a {@link StoredToken}: for stores that read tokens back from
 * JSON, so that a corrupted or foreign entry is treated as an empty slot rather than served.
 *
 * @example
 * ```ts
 * const parsed: unknown = JSON.parse(await redis.get(key));
 * return isStoredToken(parsed) ? parsed : undefined;
 * ```
 */
export function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== 'object' || value === null) return false;
  const token = value as Record<string, unknown>;
  return (
    typeof token.accessToken === 'string' &&
    token.accessToken !== '' &&
    token.accessToken.length <= MAX_ACCESS_TOKEN_LENGTH &&
    token.tokenType === 'Bearer' &&
    Array.isArray(token.scopes) &&
    token.scopes.every((scope) => typeof scope === 'string') &&
    Number.isFinite(token.obtainedAt) &&
    Number.isFinite(token.expiresAt)
  );
}
