import { createHash } from 'node:crypto';
import type { EntryKeys } from './entry-keys.js';
import type { RedisClient } from './redis-client.js';

// Every script touches only the keys of one entry (one hash tag, so one cluster slot). PUBLISH names
// a channel, not a key, so it is allowed in a script on a cluster too.

// In order: a token written since the caller's read (fence > ARGV[1]) is returned; a failure of the
// holder the caller waits for (fence >= ARGV[4], when > 0) is returned with its fence; a held lock is reported with
// the holder's fence (the counter's value: only acquiring increments it); else the lock is taken.
// The new fence comes from INCR, raised above the stored token's in case the counter was lost.
const ACQUIRE = `
local stored = redis.call('HMGET', KEYS[1], 'fence', 'data')
local storedFence = tonumber(stored[1]) or 0
if storedFence > tonumber(ARGV[1]) then
  return {'changed', storedFence, stored[2]}
end
local waitingFor = tonumber(ARGV[4])
if waitingFor > 0 then
  local failure = redis.call('HMGET', KEYS[4], 'fence', 'error')
  if (tonumber(failure[1]) or 0) >= waitingFor then
    return {'failed', tonumber(failure[1]), failure[2]}
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'locked', tonumber(redis.call('GET', KEYS[3])) or 0, false}
end
local fence = redis.call('INCR', KEYS[3])
if fence <= storedFence then
  fence = storedFence + 1
  redis.call('SET', KEYS[3], fence)
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return {'acquired', fence, false}
`;

// Writes the token unless a holder with a newer fence already did: a holder whose lock expired
// cannot overwrite the token of the holder that took over. Releases the lock if still held.
const WRITE = `
if redis.call('GET', KEYS[2]) == ARGV[4] then
  redis.call('DEL', KEYS[2])
end
local storedFence = tonumber(redis.call('HGET', KEYS[1], 'fence')) or 0
if storedFence >= tonumber(ARGV[1]) then
  redis.call('PUBLISH', ARGV[5], 'released')
  return 0
end
redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[5], 'written')
return 1
`;

// The holder's exchange failed: release the lock and leave the reason for the instances waiting on it.
const FAIL = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'fence', ARGV[2], 'error', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], 'failed')
return 1
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return 1
end
return 0
`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** What an acquire attempt found. */
export type AcquireResult =
  /** The lock is ours, with fencing token `fence`. */
  | { readonly outcome: 'acquired'; readonly fence: number }
  /** Another instance holds the lock, with fencing token `holderFence`. */
  | { readonly outcome: 'locked'; readonly holderFence: number }
  /** A token was written since the caller's read; `data` is the sealed entry. */
  | { readonly outcome: 'changed'; readonly storedFence: number; readonly data: string | undefined }
  /** The holder the caller waited for failed; `error` is its sealed failure record, written with fence `fence`. */
  | { readonly outcome: 'failed'; readonly fence: number; readonly error: string };

/** The entry's atomic operations, as Lua scripts run by EVALSHA (EVAL once if the server lacks the script). */
export class EntryScripts {
  readonly #client: RedisClient;

  constructor(client: RedisClient) {
    this.#client = client;
  }

  /**
   * Takes the lock as `owner` for `ttl` ms, unless the token's fence moved past `seenFence`, the
   * holder with fence `waitingFor` (0: none) failed, or the lock is held.
   */
  async acquire(keys: EntryKeys, seenFence: number, waitingFor: number, owner: string, ttl: number): Promise<AcquireResult> {
    const reply = await this.#run(ACQUIRE, [keys.token, keys.lock, keys.fence, keys.failure], [seenFence, owner, ttl, waitingFor]);
    const [outcome, fence, data] = reply as [string, number, string | null];
    switch (outcome) {
      case 'acquired':
        return { outcome, fence: Number(fence) };
      case 'locked':
        return { outcome, holderFence: Number(fence) };
      case 'failed':
        return { outcome, fence: Number(fence), error: data ?? '' };
      default:
        return { outcome: 'changed', storedFence: Number(fence), data: data ?? undefined };
    }
  }

  /** Writes the sealed token with fence `fence`, expiring in `ttl` ms; `false` when a newer fence was already written. */
  async write(keys: EntryKeys, fence: number, data: string, ttl: number, owner: string): Promise<boolean> {
    return Number(await this.#run(WRITE, [keys.token, keys.lock], [fence, data, ttl, owner, keys.channel])) === 1;
  }

  /** Releases `owner`'s lock and records `error` for the waiters, for `ttl` ms. */
  async fail(keys: EntryKeys, fence: number, owner: string, error: string, ttl: number): Promise<void> {
    await this.#run(FAIL, [keys.lock, keys.failure], [owner, fence, error, ttl, keys.channel]);
  }

  async release(keys: EntryKeys, owner: string): Promise<void> {
    await this.#run(RELEASE, [keys.lock], [owner, keys.channel]);
  }

  /** `false` when the lock is no longer `owner`'s. */
  async renew(keys: EntryKeys, owner: string, ttl: number): Promise<boolean> {
    return Number(await this.#run(RENEW, [keys.lock], [owner, ttl])) === 1;
  }

  async #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const sha = scriptSha(script);
    try {
      return await this.#client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.#client.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();

function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}
