import { randomBytes } from 'node:crypto';
import type { StoredToken } from '@aps-ssa/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { entryKeys } from '../../src/entry-keys.js';
import { FENCE_TTL, MAX_SEALED_BYTES } from '../../src/entry-limits.js';
import { createRedisTokenStore, type RedisTokenStore } from '../../src/redis-token-store.js';
import type { RedisTokenStoreEvent } from '../../src/redis-token-store-event.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from '../redis-server.js';

const { available } = redisServerAvailability();
const SECRET = 'client-secret-of-the-fleet';
const A = 'aps-ssa:token:v1:identity-with-a-bad-key';
const B = 'aps-ssa:token:v1:identity-next-door';
const keysA = entryKeys('aps-ssa:', A);
const keysB = entryKeys('aps-ssa:', B);
const MB = 1024 * 1024;
// Sets field ARGV[1] of hash KEYS[1] (fence 1) to ARGV[2] bytes, built inside Redis by doubling (string.rep of
// 200 MB takes Redis's Lua 15 s; this takes 2), so that neither the test nor the store ever sends or holds it.
const HSET_HUGE = `local s = 'x' for _ = 1, 27 do s = s .. s end
s = s .. string.sub(s, 1, tonumber(ARGV[2]) - #s)
redis.call('HSET', KEYS[1], 'fence', '1', ARGV[1], s)
return #s`;

function newToken(): StoredToken {
  const obtainedAt = Date.now();
  return { accessToken: `token-${randomBytes(8).toString('hex')}`, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt, expiresAt: obtainedAt + 3_600_000 };
}

// Whoever can write to Redis can plant anything under one identity's keys. What they break must be that
// identity's sharing for one refresh, never Redis for every identity (no `redis-unavailable`), never a caller.
const PLANTED: readonly { what: string; reason: string | undefined; plant: (admin: Redis) => Promise<unknown> }[] = [
  { what: 'a token key of another type (WRONGTYPE)', reason: 'wrong-type', plant: (admin) => admin.lpush(keysA.token, 'x') },
  { what: 'a fence counter that is no integer', reason: 'invalid-fence', plant: (admin) => admin.set(keysA.fence, 'not-a-number') },
  { what: 'a fence counter of 1e300', reason: 'invalid-fence', plant: (admin) => admin.set(keysA.fence, '1e300') },
  { what: 'a fence counter above the safe integers', reason: 'invalid-fence', plant: (admin) => admin.set(keysA.fence, '9007199254740993') },
  { what: 'a stored fence that is no integer', reason: 'invalid-fence', plant: (admin) => admin.hset(keysA.token, 'fence', 'NaN', 'data', 'v1.x.y') },
  { what: 'a stored fence of 1e300', reason: 'invalid-fence', plant: (admin) => admin.hset(keysA.token, 'fence', '1e300', 'data', 'v1.x.y') },
  { what: 'a lock key of another type', reason: undefined, plant: (admin) => admin.hset(keysA.lock, 'owner', 'x') },
  { what: 'a lock that never expires', reason: undefined, plant: (admin) => admin.set(keysA.lock, 'squatter') },
];

describe.skipIf(!available)('one identity’s bad keys stay that identity’s (real Redis)', { timeout: 60_000 }, () => {
  let server: RedisServer;
  let admin: Redis;
  const clients: Redis[] = [];
  const stores: RedisTokenStore[] = [];

  const newStore = () => {
    const redis = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    clients.push(redis);
    const events: RedisTokenStoreEvent[] = [];
    // A generous command timeout: on a busy machine a slow answer must not pass for a broken Redis here.
    const store = createRedisTokenStore({ redis, secret: SECRET, commandTimeout: 5_000, waitTimeout: 1_000, onEvent: (e) => events.push(e) });
    stores.push(store);
    return { store, events };
  };
  const exchanges = () => {
    const counted = { calls: 0, exchange: async () => (counted.calls++, newToken()) };
    return counted;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.port, '127.0.0.1');
    admin.on('error', () => undefined);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    for (const client of clients.splice(0)) client.disconnect();
    await admin.flushall();
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it.each(PLANTED)('$what: identity A exchanges on its own, identity B still shares', async ({ plant, reason }) => {
    await plant(admin);
    const one = newStore();
    const other = newStore();
    const exchangeA = exchanges();
    const exchangeB = exchanges();

    const tokenA = await one.store.refresh(A, exchangeA.exchange, {});
    expect(exchangeA.calls).toBe(1);
    if (reason !== undefined) expect(one.events).toContainEqual({ type: 'entry-rejected', key: A, reason });

    // Redis is still in use for B: one exchange, and the other instance reads its token from Redis.
    const tokenB = await one.store.refresh(B, exchangeB.exchange, {});
    expect(await other.store.refresh(B, exchangeB.exchange, {})).toEqual(tokenB);
    expect(exchangeB.calls).toBe(1);
    expect(one.store.sharing).toBe(true);
    expect(other.store.sharing).toBe(true);
    expect([...one.events, ...other.events].filter((e) => e.type === 'redis-unavailable')).toEqual([]);
    expect(one.events.filter((e) => e.key === B)).toEqual([{ type: 'lock-acquired', key: B, fence: 1 }]);

    // The bad key was replaced: A is shared again from the next refresh on.
    expect(await other.store.get(A)).toEqual(tokenA);
    for (const fenceKey of [keysA.fence, keysB.fence]) {
      expect(await admin.get(fenceKey)).toMatch(/^[1-9]\d{0,14}$/);
    }
  });

  it(`reads no value over ${MAX_SEALED_BYTES} bytes into memory: a 200 MB entry is rejected in Redis, not here`, async () => {
    await admin.eval(HSET_HUGE, 1, keysA.token, 'data', 200 * MB);
    await admin.eval(HSET_HUGE, 1, keysA.failure, 'error', 200 * MB);
    await admin.setrange(keysA.lock, 200 * MB - 1, 'x');
    await admin.pexpire(keysA.lock, 500);
    // The holder of that lock is fence 1, and the failure record names it: a waiter would read the record.
    await admin.set(keysA.fence, '1');
    const { store, events } = newStore();
    const other = newStore();
    const before = process.memoryUsage().rss;

    expect(await store.get(A)).toBeUndefined();
    const exchangeA = exchanges();
    const exchangeB = exchanges();
    const tokenA = await store.refresh(A, exchangeA.exchange, {});
    const tokenB = await store.refresh(B, exchangeB.exchange, {});
    const grown = process.memoryUsage().rss - before;

    expect(grown).toBeLessThan(50 * MB);
    const rejected = events.filter((e) => e.type === 'entry-rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(new Set(rejected.map((e) => JSON.stringify(e)))).toEqual(new Set([JSON.stringify({ type: 'entry-rejected', key: A, reason: 'too-large' })]));
    expect(events.filter((e) => e.type === 'redis-unavailable')).toEqual([]);
    expect(exchangeA.calls).toBe(1);
    expect(await other.store.get(A)).toEqual(tokenA);
    expect(await other.store.get(B)).toEqual(tokenB);
    expect(exchangeB.calls).toBe(1);
  });

  it('lets fence counters expire, so an identity no longer used leaves nothing behind', async () => {
    const { store } = newStore();
    await store.refresh(A, exchanges().exchange, {});
    const ttl = await admin.pttl(keysA.fence);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(FENCE_TTL);
    // An expired counter starts over above the stored token's fence: fences still only grow.
    await admin.del(keysA.fence);
    const other = newStore();
    await other.store.refresh(A, exchanges().exchange, { stale: await other.store.get(A) });
    expect(other.events).toContainEqual({ type: 'lock-acquired', key: A, fence: 2 });
  });
});
