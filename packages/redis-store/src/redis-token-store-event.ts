/**
 * Why a stored entry was ignored: it did not decrypt (`undecryptable`), held no token (`malformed`), was a key
 * of another type (`wrong-type`), a value over `MAX_SEALED_BYTES` (`too-large`), or had a fence that is no
 * integer below `MAX_FENCE` (`invalid-fence`).
 */
export type EntryRejectedReason = 'undecryptable' | 'malformed' | 'wrong-type' | 'too-large' | 'invalid-fence';

/**
 * What the Redis token store reports through `onEvent`. No event carries a token, a secret or an
 * entry's content; `key` is the (hashed) identity key the provider passed.
 *
 * - `redis-unavailable`: Redis could not be reached or did not answer in time. Until it is back,
 *   this instance keeps tokens in its own memory and exchanges on its own (`reason` says why).
 * - `redis-available`: Redis answers again; the instance shares tokens with the fleet again.
 * - `entry-rejected`: a stored entry did not decrypt or did not hold a token (tampered with,
 *   written with another secret or by an incompatible version), or was not the store's at all: a key
 *   of another type, a value over `MAX_SEALED_BYTES`, a fence that is no safe integer. It is
 *   treated as missing and replaced by the next holder; only this identity is affected: Redis stays
 *   in use (no `redis-unavailable`) for every other one.
 * - `failure-rejected`: the failure record left by the lock holder this instance waited for did not
 *   decrypt under its key and fence, or held an invalid field (forged, replayed or tampered with).
 *   It is ignored: this instance competes for the lock and exchanges itself.
 * - `lock-acquired`: this instance holds the lock of `key` with fencing token `fence` and is about
 *   to exchange; every other instance waits for its token.
 * - `write-rejected`: this instance's lock had expired and a newer holder already wrote a token;
 *   the newer one is kept and returned.
 * - `wait-timeout`: the lock holder did not deliver within `waitTimeout`; this instance exchanged
 *   on its own.
 *
 * @example
 * ```ts
 * createRedisTokenStore({
 *   redis,
 *   onEvent: (event) => {
 *     if (event.type === 'redis-unavailable') logger.warn(`Token sharing paused: ${event.reason}`);
 *   },
 * });
 * ```
 */
export type RedisTokenStoreEvent =
  | { readonly type: 'redis-unavailable'; readonly reason: string }
  | { readonly type: 'redis-available' }
  | { readonly type: 'entry-rejected'; readonly key: string; readonly reason: EntryRejectedReason }
  | { readonly type: 'failure-rejected'; readonly key: string; readonly reason: 'undecryptable' | 'malformed' }
  | { readonly type: 'lock-acquired'; readonly key: string; readonly fence: number }
  | { readonly type: 'write-rejected'; readonly key: string; readonly fence: number }
  | { readonly type: 'wait-timeout'; readonly key: string; readonly waited: number };
