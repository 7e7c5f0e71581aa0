import { createHash } from 'node:crypto';
import type { EntryKeys } from './entry-keys.js';
import { FENCE_TTL, MAX_FENCE, MAX_SEALED_BYTES } from './entry-limits.js';
import type { RedisConnection } from './redis-connection.js';
import type { EntryRejectedReason } from './redis-token-store-event.js';

// Every script touches only the keys of one entry (one hash tag, so one cluster slot). PUBLISH names
// a channel, not a key, so it is allowed in a script on a cluster too.
//
// Nothing a script finds in Redis makes it fail: whoever can write to Redis could plant a key of another
// type, a fence that is no integer or a value of any size, and an error reply would look like a broken
// Redis and stop the sharing of every identity. Each script checks a key's type and a value's size
// before reading it, and reports (READ) or replaces (the others) what is not the store's.
const PRELUDE = `
local function kind(key)
  return redis.call('TYPE', key)['ok']
end
-- A stored fence: 0 when absent, nil when it is not a decimal integer up to ${MAX_FENCE}.
local function fenceOf(value)
  if not value then return 0 end
  if string.len(value) > 15 or not string.match(value, '^%d+$') then return nil end
  local fence = tonumber(value)
  if fence > ${MAX_FENCE} then return nil end
  return fence
end
-- The hash's fence and sealed field, or nil and why they are unusable.
local function entryOf(key, field)
  local found = kind(key)
  if found == 'none' then return 0, false end
  if found ~= 'hash' then return nil, 'wrong-type' end
  if redis.call('HSTRLEN', key, field) > ${MAX_SEALED_BYTES} or redis.call('HSTRLEN', key, 'fence') > 15 then return nil, 'too-large' end
  local stored = redis.call('HMGET', key, 'fence', field)
  local fence = fenceOf(stored[1])
  if fence == nil then return nil, 'invalid-fence' end
  return fence, stored[2]
end
-- The lock holder's id, or false when the lock is free or is not one of the store's.
local function ownerOf(key)
  if kind(key) ~= 'string' or redis.call('STRLEN', key) > 64 then return false end
  return redis.call('GET', key)
end
local function counterOf(key)
  if kind(key) ~= 'string' or redis.call('STRLEN', key) > 15 then return nil end
  return fenceOf(redis.call('GET', key))
end
`;

// The entry as stored: {'entry', fence, data} ({'entry', 0, false} when there is none), or
// {'unusable', reason} when the key is not a hash, a value is over the size limit or the fence is no integer.
// Flagged read-only (Redis 7): it runs on a replica, and while writes are paused (a failover).
const READ = `#!lua flags=no-writes
${PRELUDE}
local fence, data = entryOf(KEYS[1], 'data')
if fence == nil then return {'unusable', data} end
return {'entry', fence, data}
`;

// In order: a token written since the caller's read (fence > ARGV[1]) is returned; a failure of the
// holder the caller waits for (fence >= ARGV[4], when > 0) is returned with its fence (an unusable
// record is ignored: the holder's own are never over the limit); a held lock is reported with the holder's fence (the counter's
// value: only acquiring raises it); else the lock is taken. An unusable entry is deleted (it would
// be replaced anyway), and so is a lock the store did not take (another type, or no expiry); the new
// fence is the counter's or the stored token's, plus one; the counter then lives FENCE_TTL. A counter
// that is no fence is rebuilt, and reported ('invalid-fence' in 4th place).
const ACQUIRE = `${PRELUDE}
local storedFence, data = entryOf(KEYS[1], 'data')
if storedFence == nil then
  redis.call('DEL', KEYS[1])
  storedFence, data = 0, false
end
if storedFence > tonumber(ARGV[1]) then
  return {'changed', storedFence, data}
end
local waitingFor = tonumber(ARGV[4])
if waitingFor > 0 then
  local failureFence, record = entryOf(KEYS[4], 'error')
  if failureFence ~= nil and failureFence >= waitingFor then
    return {'failed', failureFence, record}
  end
end
local counter = counterOf(KEYS[3])
local rebuilt = false
if counter == nil and kind(KEYS[3]) ~= 'none' then rebuilt = 'invalid-fence' end
if redis.call('EXISTS', KEYS[2]) == 1 and (kind(KEYS[2]) ~= 'string' or redis.call('PTTL', KEYS[2]) < 0) then
  redis.call('DEL', KEYS[2])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'locked', counter or 0, false, rebuilt}
end
local fence = math.max(counter or 0, storedFence) + 1
if fence > ${MAX_FENCE} then
  redis.call('DEL', KEYS[1])
  fence = 1
end
redis.call('SET', KEYS[3], fence, 'PX', ${FENCE_TTL})
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return {'acquired', fence, false, rebuilt}
`;

// Writes the token unless a holder with a newer fence already did: a holder whose lock expired
// cannot overwrite the token of the holder that took over. Releases the lock if still held. The
// counter is kept at least as long as the token it fenced.
const WRITE = `${PRELUDE}
if ownerOf(KEYS[2]) == ARGV[4] then
  redis.call('DEL', KEYS[2])
end
local storedFence = entryOf(KEYS[1], 'data') or 0
if storedFence >= tonumber(ARGV[1]) then
  redis.call('PUBLISH', ARGV[5], 'released')
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if kind(KEYS[3]) == 'string' and redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
redis.call('PUBLISH', ARGV[5], 'written')
return 1
`;

// The holder's exchange failed: release the lock and leave the reason for the instances waiting on it.
const FAIL = `${PRELUDE}
if ownerOf(KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], 'fence', ARGV[2], 'error', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], 'failed')
return 1
`;

const RELEASE = `${PRELUDE}
if ownerOf(KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'released')
  return 1
end
return 0
`;

const RENEW = `${PRELUDE}
if ownerOf(KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** Why an entry in Redis is not the store's: it is reported, then replaced by the next holder's write. */
export type UnusableReason = Extract<EntryRejectedReason, 'wrong-type' | 'too-large' | 'invalid-fence'>;

/** What a read found. */
export type ReadResult =
  /** The entry's fence (0 when there is none) and its sealed token, if any. */
  | { readonly outcome: 'entry'; readonly fence: number; readonly data: string | undefined }
  | { readonly outcome: 'unusable'; readonly reason: UnusableReason };

/** What an acquire attempt found. */
export type AcquireResult =
  /** The lock is ours, with fencing token `fence`; `rebuilt` when the counter was unusable and was replaced. */
  | { readonly outcome: 'acquired'; readonly fence: number; readonly rebuilt?: UnusableReason }
  /** Another instance holds the lock, with fencing token `holderFence`. */
  | { readonly outcome: 'locked'; readonly holderFence: number; readonly rebuilt?: UnusableReason }
  /** A token was written since the caller's read; `data` is the sealed entry. */
  | { readonly outcome: 'changed'; readonly storedFence: number; readonly data: string | undefined }
  /** The holder the caller waited for failed; `error` is its sealed failure record, written with fence `fence`. */
  | { readonly outcome: 'failed'; readonly fence: number; readonly error: string };

/** The entry's atomic operations, as Lua scripts run by EVALSHA (EVAL once if the server lacks the script). */
export class EntryScripts {
  readonly #redis: RedisConnection;

  constructor(redis: RedisConnection) {
    this.#redis = redis;
  }

  /** The entry's fence and sealed token, measured in Redis before they are sent: never a value over the limits. */
  async read(keys: EntryKeys): Promise<ReadResult> {
    const [outcome, fence, data] = (await this.#run(READ, [keys.token], [])) as [string, number | string, string | null];
    if (outcome === 'unusable') return { outcome, reason: fence as UnusableReason };
    return { outcome: 'entry', fence: Number(fence), data: data ?? undefined };
  }

  /**
   * Takes the lock as `owner` for `ttl` ms, unless the token's fence moved past `seenFence`, the
   * holder with fence `waitingFor` (0: none) failed, or the lock is held.
   */
  async acquire(keys: EntryKeys, seenFence: number, waitingFor: number, owner: string, ttl: number): Promise<AcquireResult> {
    const reply = await this.#run(ACQUIRE, [keys.token, keys.lock, keys.fence, keys.failure], [seenFence, owner, ttl, waitingFor]);
    const [outcome, fence, data, rebuilt] = reply as [string, number, string | null, UnusableReason | null | undefined];
    const repair = rebuilt ? { rebuilt } : {};
    switch (outcome) {
      case 'acquired':
        return { outcome, fence: Number(fence), ...repair };
      case 'locked':
        return { outcome, holderFence: Number(fence), ...repair };
      case 'failed':
        return { outcome, fence: Number(fence), error: data ?? '' };
      default:
        return { outcome: 'changed', storedFence: Number(fence), data: data ?? undefined };
    }
  }

  /** Writes the sealed token with fence `fence`, expiring in `ttl` ms; `false` when a newer fence was already written. */
  async write(keys: EntryKeys, fence: number, data: string, ttl: number, owner: string): Promise<boolean> {
    return Number(await this.#run(WRITE, [keys.token, keys.lock, keys.fence], [fence, data, ttl, owner, keys.channel])) === 1;
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
    const texts = args.map(String);
    try {
      return await this.#redis.evalsha(sha, keys, texts);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.#redis.eval(script, keys, texts);
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
