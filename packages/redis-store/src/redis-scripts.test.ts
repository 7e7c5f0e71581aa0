import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailability, startRedisServer } from '../test/redis-server.js';
import { entryKeys } from './entry-keys.js';
import { toConnection } from './redis-connection.js';
import { EntryScripts } from './redis-scripts.js';

const { available } = redisServerAvailability();

describe.skipIf(!available)('entry scripts (real Redis)', () => {
  let server: RedisServer;
  let redis: Redis;
  let scripts: EntryScripts;
  const keys = entryKeys('test:', 'aps-ssa:token:v1:scripts');

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
    scripts = new EntryScripts(toConnection(redis));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  it('puts every key of an entry under one hash tag', () => {
    expect(keys).toEqual({
      token: 'test:{aps-ssa:token:v1:scripts}:token',
      lock: 'test:{aps-ssa:token:v1:scripts}:lock',
      fence: 'test:{aps-ssa:token:v1:scripts}:fence',
      failure: 'test:{aps-ssa:token:v1:scripts}:failure',
      channel: 'test:{aps-ssa:token:v1:scripts}:updated',
    });
  });

  it('hashes a key that could break the hash tag or reveal its content', () => {
    const odd = entryKeys('p:', 'client {secret} scopes');
    expect(odd.token).toMatch(/^p:\{sha256:[\w-]{43}\}:token$/);
    expect(odd.token).not.toContain('secret');
  });

  it('hands out increasing fences, one holder at a time', async () => {
    expect(await scripts.acquire(keys, 0, 0, 'a', 10_000)).toEqual({ outcome: 'acquired', fence: 1 });
    expect(await scripts.acquire(keys, 0, 0, 'b', 10_000)).toEqual({ outcome: 'locked', holderFence: 1 });
    expect(await redis.pttl(keys.lock)).toBeGreaterThan(0);
    await scripts.release(keys, 'b'); // not b's lock: no effect
    expect(await redis.get(keys.lock)).toBe('a');
    await scripts.release(keys, 'a');
    expect(await scripts.acquire(keys, 0, 0, 'b', 10_000)).toEqual({ outcome: 'acquired', fence: 2 });
  });

  it('writes the holder’s token, releases its lock and announces it', async () => {
    const subscriber = redis.duplicate();
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(keys.channel);
    try {
      await scripts.acquire(keys, 0, 0, 'a', 10_000);
      expect(await scripts.write(keys, 1, 'sealed-1', 60_000, 'a')).toBe(true);
      expect(await redis.hgetall(keys.token)).toEqual({ fence: '1', data: 'sealed-1' });
      expect(await redis.exists(keys.lock)).toBe(0);
      const ttl = await redis.pttl(keys.token);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await expect.poll(() => messages).toEqual(['written']);
    } finally {
      subscriber.disconnect();
    }
  });

  it('rejects the write of a stale holder once a newer fence has written (fencing)', async () => {
    await scripts.acquire(keys, 0, 0, 'stale', 10_000);
    await redis.del(keys.lock); // the stale holder's lock expired (it froze)
    expect(await scripts.acquire(keys, 0, 0, 'new', 10_000)).toEqual({ outcome: 'acquired', fence: 2 });
    expect(await scripts.write(keys, 2, 'sealed-new', 60_000, 'new')).toBe(true);
    expect(await scripts.write(keys, 1, 'sealed-stale', 60_000, 'stale')).toBe(false);
    expect(await redis.hgetall(keys.token)).toEqual({ fence: '2', data: 'sealed-new' });
  });

  it('lets a stale holder write first, then the newer holder overwrites it', async () => {
    await scripts.acquire(keys, 0, 0, 'stale', 10_000);
    await redis.del(keys.lock);
    await scripts.acquire(keys, 0, 0, 'new', 10_000);
    expect(await scripts.write(keys, 1, 'sealed-stale', 60_000, 'stale')).toBe(true);
    expect(await redis.get(keys.lock)).toBe('new'); // not the stale holder's to release
    expect(await scripts.write(keys, 2, 'sealed-new', 60_000, 'new')).toBe(true);
    expect(await redis.hgetall(keys.token)).toEqual({ fence: '2', data: 'sealed-new' });
  });

  it('returns a token written since the caller read instead of locking', async () => {
    await scripts.acquire(keys, 0, 0, 'a', 10_000);
    await scripts.write(keys, 1, 'sealed-1', 60_000, 'a');
    expect(await scripts.acquire(keys, 0, 0, 'b', 10_000)).toEqual({ outcome: 'changed', storedFence: 1, data: 'sealed-1' });
    expect(await redis.exists(keys.lock)).toBe(0);
    // The caller had read fence 1 and judged it stale: now it locks.
    expect(await scripts.acquire(keys, 1, 0, 'b', 10_000)).toEqual({ outcome: 'acquired', fence: 2 });
  });

  it('keeps fences above the stored token’s even if the counter was lost', async () => {
    await redis.hset(keys.token, 'fence', '41', 'data', 'sealed-41');
    expect(await scripts.acquire(keys, 41, 0, 'a', 10_000)).toEqual({ outcome: 'acquired', fence: 42 });
    expect(await redis.get(keys.fence)).toBe('42');
  });

  it('lets another holder take over once the lock expires', async () => {
    await scripts.acquire(keys, 0, 0, 'dead', 50);
    await expect.poll(() => scripts.acquire(keys, 0, 0, 'next', 10_000), { interval: 20 }).toEqual({ outcome: 'acquired', fence: 2 });
  });

  it('renews only its own lock', async () => {
    await scripts.acquire(keys, 0, 0, 'a', 1_000);
    expect(await scripts.renew(keys, 'b', 60_000)).toBe(false);
    expect(await scripts.renew(keys, 'a', 60_000)).toBe(true);
    expect(await redis.pttl(keys.lock)).toBeGreaterThan(1_000);
  });

  it('reports a failed exchange to the instances that waited for that holder only', async () => {
    await scripts.acquire(keys, 0, 0, 'a', 10_000);
    const waiting = await scripts.acquire(keys, 0, 0, 'b', 10_000);
    expect(waiting).toEqual({ outcome: 'locked', holderFence: 1 });
    await scripts.fail(keys, 1, 'a', '{"code":"ERR_SSA_RATE_LIMITED"}', 10_000);
    expect(await redis.exists(keys.lock)).toBe(0);
    expect(await scripts.acquire(keys, 0, 1, 'b', 10_000)).toEqual({ outcome: 'failed', fence: 1, error: '{"code":"ERR_SSA_RATE_LIMITED"}' });
    // A newcomer (not waiting for holder 1) takes the lock and tries again.
    expect(await scripts.acquire(keys, 0, 0, 'c', 10_000)).toEqual({ outcome: 'acquired', fence: 2 });
  });

  it('loads the scripts again after SCRIPT FLUSH', async () => {
    await scripts.acquire(keys, 0, 0, 'a', 10_000);
    await redis.script('FLUSH');
    expect(await scripts.acquire(keys, 0, 0, 'b', 10_000)).toEqual({ outcome: 'locked', holderFence: 1 });
  });
});
