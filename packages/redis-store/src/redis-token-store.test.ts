import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { SsaAssertionInvalidError, SsaClosedError, SsaOptionError, SsaTokenEndpointError, type StoredToken } from '@aps-ssa/core';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisServerAvailability, SENTINEL_MASTER_NAME, startRedisSentinel, startRedisServer } from '../test/redis-server.js';
import { entryKeys } from './entry-keys.js';
import { toConnection } from './redis-connection.js';
import { EntryScripts } from './redis-scripts.js';
import { createRedisTokenStore, type RedisTokenStore } from './redis-token-store.js';
import type { RedisTokenStoreEvent } from './redis-token-store-event.js';
import type { RedisTokenStoreOptions } from './redis-token-store-options.js';
import { createTokenCipher, deriveEncryptionKey } from './token-cipher.js';

const { available } = redisServerAvailability();
const SECRET = 'client-secret-of-the-fleet';
const KEY = 'aps-ssa:token:v1:unit-test-identity';
const PREFIX = 'unit:';

let serial = 0;
function newToken(): StoredToken {
  serial++;
  const obtainedAt = Date.now();
  return { accessToken: `token-${serial}-${randomBytes(8).toString('hex')}`, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt, expiresAt: obtainedAt + 3_600_000 };
}

/** An exchange whose calls are counted and which answers when the test says so (or at once). */
function controlledExchange(options: { manual?: boolean } = {}) {
  let calls = 0;
  const pending: { resolve: (token: StoredToken) => void; reject: (error: unknown) => void }[] = [];
  const exchange = (): Promise<StoredToken> => {
    calls++;
    if (options.manual !== true) return Promise.resolve(newToken());
    return new Promise((resolve, reject) => pending.push({ resolve, reject }));
  };
  return {
    exchange,
    get calls() {
      return calls;
    },
    /** Resolves once the `n`th call has started. */
    started: (n = 1) => expect.poll(() => calls, { timeout: 10_000 }).toBeGreaterThanOrEqual(n),
    answer(token: StoredToken = newToken()): StoredToken {
      pending.shift()!.resolve(token);
      return token;
    },
    fail(error: unknown): void {
      pending.shift()!.reject(error);
    },
  };
}

describe('createRedisTokenStore options', () => {
  const redis = { status: 'wait', evalsha() {}, hmget() {}, duplicate() {}, on() {} } as unknown as Redis;
  const rejects = (options: unknown, option: string, message: string | RegExp) => {
    let error: unknown;
    try {
      createRedisTokenStore(options as RedisTokenStoreOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SsaOptionError);
    expect((error as SsaOptionError).code).toBe('ERR_SSA_INVALID_OPTION');
    expect((error as SsaOptionError).option).toBe(option);
    expect((error as SsaOptionError).message).toMatch(message);
  };

  it('rejects a missing or foreign client', () => {
    rejects(undefined, 'options', 'createRedisTokenStore() expects an options object, got undefined.');
    rejects({ secret: SECRET }, 'redis', '`redis` must be an ioredis client (`new Redis(...)` or `new Cluster(...)`) or a node-redis client (`createClient(...)`), or give `url`; got undefined.');
    rejects({ redis: 'redis://localhost', secret: SECRET }, 'redis', /got a string\.$/);
  });

  it('suggests the option meant', () => {
    rejects({ redis, secret: SECRET, lockTTL: 5 }, 'lockTTL', 'Unknown option `lockTTL` passed to createRedisTokenStore(). Did you mean `lockTtl`?');
    rejects({ redis, secret: SECRET, keyPrefix: 'x' }, 'keyPrefix', 'Unknown option `keyPrefix` passed to createRedisTokenStore(). Did you mean `prefix`?');
  });

  it('needs a secret or a key, and says where to get it', () => {
    const saved = process.env.APS_CLIENT_SECRET;
    delete process.env.APS_CLIENT_SECRET;
    try {
      rejects({ redis }, 'secret', /neither `secret` nor `encryptionKey` was given and APS_CLIENT_SECRET is not set\. Pass `secret: clientSecret`/);
      process.env.APS_CLIENT_SECRET = SECRET;
      expect(createRedisTokenStore({ redis }).toJSON()).toEqual({ prefix: 'aps-ssa:', sharing: true, closed: false });
    } finally {
      if (saved === undefined) delete process.env.APS_CLIENT_SECRET;
      else process.env.APS_CLIENT_SECRET = saved;
    }
    rejects({ redis, secret: '' }, 'secret', '`secret` must be a non-empty string (normally the APS client secret), got an empty string.');
    rejects({ redis, secret: SECRET, encryptionKey: randomBytes(32) }, 'encryptionKey', 'Give either `secret` or `encryptionKey`, not both: both would decide the encryption key.');
  });

  it('takes a 32-byte encryption key only, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    rejects({ redis, encryptionKey: short }, 'encryptionKey', '`encryptionKey` must be 32 bytes: a Buffer/Uint8Array, a secret KeyObject or a base64 string; got 16 bytes.');
    try {
      createRedisTokenStore({ redis, encryptionKey: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
    expect(() => createRedisTokenStore({ redis, encryptionKey: randomBytes(32).toString('base64') })).not.toThrow();
    expect(() => createRedisTokenStore({ redis, encryptionKey: new Uint8Array(32) })).not.toThrow();
  });

  it('rejects a prefix that would break the hash tag, and out-of-range durations', () => {
    rejects({ redis, secret: SECRET, prefix: 'app:{x}:' }, 'prefix', '`prefix` must be a string without `{` or `}` (the store uses a hash tag per entry), got "app:{x}:".');
    rejects({ redis, secret: SECRET, lockTtl: 50 }, 'lockTtl', '`lockTtl` must be a whole number of milliseconds from 100 to 3600000, got 50.');
    rejects({ redis, secret: SECRET, waitTimeout: '1s' }, 'waitTimeout', '`waitTimeout` must be a whole number of milliseconds from 0 to 3600000, got a string.');
    rejects({ redis, secret: SECRET, onEvent: 'log' }, 'onEvent', '`onEvent` must be a function, got a string.');
  });

  it('does not change the options object', () => {
    const options = Object.freeze({ redis, secret: SECRET, prefix: 'p:' });
    expect(() => createRedisTokenStore(options)).not.toThrow();
  });
});

describe.skipIf(!available)('RedisTokenStore (real Redis)', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const stores: RedisTokenStore[] = [];
  let admin: Redis;

  const connect = (extra: RedisOptions = {}): Redis => {
    const client = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, ...extra });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const newStore = (options: Partial<RedisTokenStoreOptions> = {}): { store: RedisTokenStore; events: RedisTokenStoreEvent[] } => {
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis: connect(), secret: SECRET, prefix: PREFIX, onEvent: (e) => events.push(e), ...options });
    stores.push(store);
    return { store, events };
  };
  const keys = entryKeys(PREFIX, KEY);

  beforeAll(async () => {
    server = await startRedisServer();
    admin = connect({ enableOfflineQueue: true });
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await admin.flushall();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  it('shares one token: one exchange, read back by another instance', async () => {
    const a = newStore();
    const b = newStore();
    const exchange = controlledExchange();
    const token = await a.store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(await b.store.get(KEY)).toEqual(token);
    expect(await b.store.refresh(KEY, exchange.exchange, {})).toEqual(token);
    expect(exchange.calls).toBe(1);
    expect(a.events).toEqual([{ type: 'lock-acquired', key: KEY, fence: 1 }]);
    expect(b.events).toEqual([]);
  });

  it('keeps the token encrypted at rest, under names that reveal nothing', async () => {
    const { store } = newStore();
    const token = await store.refresh(KEY, controlledExchange().exchange, {});
    expect((await admin.keys('*')).sort()).toEqual([keys.fence, keys.token]);
    const entry = await admin.hgetall(keys.token);
    expect(entry.fence).toBe('1');
    expect(entry.data).toMatch(/^v1\./);
    expect(entry.data).not.toContain(token.accessToken);
    expect(Buffer.from(entry.data!.split('.')[2]!, 'base64url').toString('latin1')).not.toContain(token.accessToken);
    const ttl = await admin.pttl(keys.token);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('runs one exchange for many instances asking at once', async () => {
    const instances = Array.from({ length: 6 }, () => newStore());
    const exchange = controlledExchange({ manual: true });
    const results = Promise.all(instances.flatMap(({ store }) => [store.refresh(KEY, exchange.exchange, {}), store.refresh(KEY, exchange.exchange, {})]));
    await exchange.started();
    const token = exchange.answer();
    expect(new Set((await results).map((t) => t.accessToken))).toEqual(new Set([token.accessToken]));
    expect(exchange.calls).toBe(1);
  });

  it('replaces the stale token once, and returns a newer one without exchanging', async () => {
    const a = newStore();
    const b = newStore();
    const exchange = controlledExchange();
    const first = await a.store.refresh(KEY, exchange.exchange, {});
    const second = await a.store.refresh(KEY, exchange.exchange, { stale: first });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(exchange.calls).toBe(2);
    // b still holds `first` and finds it stale: someone already replaced it.
    expect(await b.store.refresh(KEY, exchange.exchange, { stale: first })).toEqual(second);
    expect(exchange.calls).toBe(2);
    expect(await admin.hget(keys.token, 'fence')).toBe('2');
  });

  it('treats a tampered entry as missing, reports it, and exchanges again', async () => {
    const writer = newStore();
    await writer.store.refresh(KEY, controlledExchange().exchange, {});
    const data = (await admin.hget(keys.token, 'data'))!;
    const [version, iv, body] = data.split('.') as [string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    bytes[0] = bytes[0]! ^ 0xff;
    await admin.hset(keys.token, 'data', `${version}.${iv}.${bytes.toString('base64url')}`);

    const reader = newStore();
    expect(await reader.store.get(KEY)).toBeUndefined();
    expect(reader.events).toEqual([{ type: 'entry-rejected', key: KEY, reason: 'undecryptable' }]);
    const exchange = controlledExchange();
    const token = await reader.store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(await newStore().store.get(KEY)).toEqual(token);
  });

  it('refuses an entry copied under another identity’s key, or sealed with another secret', async () => {
    const { store } = newStore();
    await store.refresh(KEY, controlledExchange().exchange, {});
    const other = entryKeys(PREFIX, 'aps-ssa:token:v1:other-identity');
    await admin.hset(other.token, 'fence', '1', 'data', (await admin.hget(keys.token, 'data'))!);
    const reader = newStore();
    expect(await reader.store.get('aps-ssa:token:v1:other-identity')).toBeUndefined();
    const rotated = newStore({ secret: 'a-rotated-client-secret' });
    expect(await rotated.store.get(KEY)).toBeUndefined();
    expect(reader.events).toEqual([{ type: 'entry-rejected', key: 'aps-ssa:token:v1:other-identity', reason: 'undecryptable' }]);
    expect(rotated.events).toEqual([{ type: 'entry-rejected', key: KEY, reason: 'undecryptable' }]);
  });

  it('treats a decryptable entry that holds no token as missing', async () => {
    const cipher = createTokenCipher(deriveEncryptionKey(SECRET));
    await admin.hset(keys.token, 'fence', '1', 'data', cipher.seal('{"accessToken":42}', keys.token));
    const { store, events } = newStore();
    expect(await store.get(KEY)).toBeUndefined();
    expect(events).toEqual([{ type: 'entry-rejected', key: KEY, reason: 'malformed' }]);
  });

  it('takes over once the lock of a holder that died expires', async () => {
    // A holder that took the lock (fence 1) and died: nobody renews or releases it.
    await new EntryScripts(toConnection(admin)).acquire(keys, 0, 0, 'dead-holder', 300);
    const { store, events } = newStore({ waitTimeout: 20_000 });
    const exchange = controlledExchange();
    const token = await store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(events).toEqual([{ type: 'lock-acquired', key: KEY, fence: 2 }]);
    expect(await newStore().store.get(KEY)).toEqual(token);
  });

  it('rejects the write of a holder whose lock expired, and serves the newer token (fencing)', async () => {
    const slow = newStore({ lockTtl: 60_000 });
    const slowExchange = controlledExchange({ manual: true });
    const slowResult = slow.store.refresh(KEY, slowExchange.exchange, {});
    await slowExchange.started();
    await admin.del(keys.lock); // its lock expired (say, the process was frozen)

    const fast = newStore();
    const fastExchange = controlledExchange();
    const fresh = await fast.store.refresh(KEY, fastExchange.exchange, {});
    slowExchange.answer();
    expect(await slowResult).toEqual(fresh);
    expect(slow.events).toEqual([
      { type: 'lock-acquired', key: KEY, fence: 1 },
      { type: 'write-rejected', key: KEY, fence: 1 },
    ]);
    expect(await admin.hget(keys.token, 'fence')).toBe('2');
  });

  it('renews the lock while a long exchange runs', async () => {
    const { store } = newStore({ lockTtl: 1_000 });
    const exchange = controlledExchange({ manual: true });
    const result = store.refresh(KEY, exchange.exchange, {});
    await exchange.started();
    const holder = await admin.get(keys.lock);
    // The lock's remaining life goes up again and again: the holder renews it (every third of its life).
    let renewals = 0;
    let last = await admin.pttl(keys.lock);
    await expect
      .poll(
        async () => {
          const ttl = await admin.pttl(keys.lock);
          if (ttl > last) renewals++;
          last = ttl;
          return renewals;
        },
        { interval: 50, timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(await admin.get(keys.lock)).toBe(holder);
    exchange.answer();
    await result;
    expect(await admin.exists(keys.lock)).toBe(0);
  });

  it('hands the holder’s token-endpoint error to the instances that waited for it', async () => {
    const holder = newStore();
    const waiter = newStore();
    const holderExchange = controlledExchange({ manual: true });
    const waiterExchange = controlledExchange();
    const held = holder.store.refresh(KEY, holderExchange.exchange, {});
    await holderExchange.started();
    const waited = waiter.store.refresh(KEY, waiterExchange.exchange, {});
    await expect.poll(() => admin.pubsub('NUMSUB', keys.channel)).toEqual([keys.channel, 1]);
    const refusal = new SsaTokenEndpointError('ERR_SSA_RATE_LIMITED', 'APS refused the exchange: rate limit exceeded. Wait 7 s.', {
      status: 429,
      retryAfter: 7,
      requestId: 'req-1',
      retryable: true,
    });
    holderExchange.fail(refusal);
    await expect(held).rejects.toBe(refusal);
    const error = await waited.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SsaTokenEndpointError);
    expect(error).toMatchObject({ code: 'ERR_SSA_RATE_LIMITED', message: refusal.message, status: 429, retryAfter: 7, requestId: 'req-1', retryable: true });
    expect(waiterExchange.calls).toBe(0);
  });

  it('rebuilds an invalid-assertion error with its issues', async () => {
    const holder = newStore();
    const waiter = newStore();
    const holderExchange = controlledExchange({ manual: true });
    const held = holder.store.refresh(KEY, holderExchange.exchange, {}).catch(() => undefined);
    await holderExchange.started();
    const waited = waiter.store.refresh(KEY, controlledExchange().exchange, {});
    await expect.poll(() => admin.pubsub('NUMSUB', keys.channel)).toEqual([keys.channel, 1]);
    holderExchange.fail(
      new SsaAssertionInvalidError("APS refused the assertion: The 'assertion' is invalid.", { status: 400, error: 'invalid_grant', retryable: false }, [
        { cause: 'kid', message: 'The key id is not one of the service account’s keys.' },
      ]),
    );
    await held;
    const error = (await waited.catch((e: unknown) => e)) as SsaAssertionInvalidError;
    expect(error).toBeInstanceOf(SsaAssertionInvalidError);
    expect(error.code).toBe('ERR_SSA_ASSERTION_INVALID');
    expect(error.message).toBe("APS refused the assertion: The 'assertion' is invalid.");
    expect(error.issues).toEqual([{ cause: 'kid', message: 'The key id is not one of the service account’s keys.' }]);
    expect(error.retryable).toBe(false);
  });

  describe('a failure record planted by a Redis writer', () => {
    // Holder 1 (a stuck process) holds the lock; a waiter waits on it. The Redis writer then frees
    // the lock and leaves a failure record for holder 1, as a failing holder would.
    const plant = async (record: string, fence = 1) => {
      await new EntryScripts(toConnection(admin)).acquire(keys, 0, 0, 'stuck-holder', 60_000);
      const { store, events } = newStore();
      const exchange = controlledExchange();
      const waited = store.refresh(KEY, exchange.exchange, {});
      await expect.poll(() => admin.pubsub('NUMSUB', keys.channel)).toEqual([keys.channel, 1]);
      await admin.del(keys.lock);
      await admin.hset(keys.failure, 'fence', fence, 'error', record);
      await admin.publish(keys.channel, 'failed');
      return { waited, exchange, events };
    };
    const lockout = { code: 'ERR_SSA_RATE_LIMITED', message: 'APS refused the exchange: rate limit exceeded.', retryable: true, status: 429, retryAfter: 1e9 };
    const cipher = createTokenCipher(deriveEncryptionKey(SECRET));

    it.each([
      ['a plain JSON record asking for a 1e9 s wait (no secret)', () => JSON.stringify(lockout)],
      ['garbage', () => 'v1.not-an-iv.not-a-tag'],
      ['a record sealed for another identity’s key (replayed)', () => cipher.seal(JSON.stringify(lockout), `${entryKeys(PREFIX, 'aps-ssa:token:v1:other').failure}#1`)],
      ['a record sealed for an earlier holder, relabelled with the current fence', () => cipher.seal(JSON.stringify(lockout), `${keys.failure}#0`)],
    ])('ignores %s: the waiter exchanges itself and gets a token', async (_, record) => {
      const { waited, exchange, events } = await plant(record());
      const token = await waited;
      expect(token.accessToken).toMatch(/^token-/);
      expect(exchange.calls).toBe(1);
      expect(events).toContainEqual({ type: 'failure-rejected', key: KEY, reason: 'undecryptable' });
      expect(events).toContainEqual({ type: 'lock-acquired', key: KEY, fence: 2 });
    });

    it.each([
      ['an unknown code', { ...lockout, code: 'ERR_SSA_FOREVER' }],
      ['a non-finite Retry-After', { ...lockout, retryAfter: '1e999' }],
      ['a negative Retry-After', { ...lockout, retryAfter: -1 }],
      ['a status that is not HTTP', { ...lockout, status: 4290 }],
      ['a missing retryable flag', { ...lockout, retryable: undefined }],
      ['an extra field', { ...lockout, cause: { stack: 'x' } }],
      ['issues on another code', { ...lockout, issues: [] }],
      ['an unknown issue cause', { ...lockout, code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause: 'moon', message: 'x' }] }],
      ['an oversized message', { ...lockout, message: 'x'.repeat(10_000) }],
    ])('ignores a sealed record with %s', async (_, record) => {
      const { waited, exchange, events } = await plant(cipher.seal(JSON.stringify(record), `${keys.failure}#1`));
      expect((await waited).accessToken).toMatch(/^token-/);
      expect(exchange.calls).toBe(1);
      expect(events).toContainEqual({ type: 'failure-rejected', key: KEY, reason: 'malformed' });
    });

    it('caps the Retry-After of a genuine record at one failure cool-down', async () => {
      const { waited, exchange } = await plant(cipher.seal(JSON.stringify(lockout), `${keys.failure}#1`));
      const error = (await waited.catch((e: unknown) => e)) as SsaTokenEndpointError;
      expect(error).toBeInstanceOf(SsaTokenEndpointError);
      expect(error).toMatchObject({ code: 'ERR_SSA_RATE_LIMITED', status: 429, retryable: true, retryAfter: 60 });
      expect(exchange.calls).toBe(0);
    });
  });

  it('takes over, rather than fail, when the holder failed for its own reasons (it was closed)', async () => {
    const holder = newStore();
    const waiter = newStore();
    const holderExchange = controlledExchange({ manual: true });
    const waiterExchange = controlledExchange();
    const held = holder.store.refresh(KEY, holderExchange.exchange, {});
    await holderExchange.started();
    const waited = waiter.store.refresh(KEY, waiterExchange.exchange, {});
    await expect.poll(() => admin.pubsub('NUMSUB', keys.channel)).toEqual([keys.channel, 1]);
    holderExchange.fail(new SsaClosedError());
    await expect(held).rejects.toBeInstanceOf(SsaClosedError);
    const token = await waited;
    expect(waiterExchange.calls).toBe(1);
    expect(waiter.events).toEqual([{ type: 'lock-acquired', key: KEY, fence: 2 }]);
    expect(await admin.hget(keys.token, 'fence')).toBe('2');
    expect(token.accessToken).toMatch(/^token-/);
  });

  it('exchanges on its own after waitTimeout when the holder never delivers', async () => {
    await new EntryScripts(toConnection(admin)).acquire(keys, 0, 0, 'stuck-holder', 60_000);
    const { store, events } = newStore({ waitTimeout: 200 });
    const exchange = controlledExchange();
    const token = await store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(events).toEqual([{ type: 'wait-timeout', key: KEY, waited: 200 }]);
    expect(await store.get(KEY)).toEqual(token); // kept locally; Redis holds nothing for it
    expect(await admin.exists(keys.token)).toBe(0);
  });

  it('stops waiting when the caller aborts', async () => {
    await new EntryScripts(toConnection(admin)).acquire(keys, 0, 0, 'stuck-holder', 60_000);
    const { store } = newStore();
    const controller = new AbortController();
    const waiting = store.refresh(KEY, controlledExchange().exchange, { signal: controller.signal });
    controller.abort(new Error('request cancelled'));
    await expect(waiting).rejects.toThrow('request cancelled');
  });

  it('deletes the entry fleet-wide', async () => {
    const a = newStore();
    await a.store.refresh(KEY, controlledExchange().exchange, {});
    await a.store.delete(KEY);
    expect(await a.store.get(KEY)).toBeUndefined();
    expect(await newStore().store.get(KEY)).toBeUndefined();
  });

  it('refuses calls after close, and leaves the caller’s client open', async () => {
    const client = connect();
    const store = createRedisTokenStore({ redis: client, secret: SECRET });
    await store.close();
    expect(client.status).not.toBe('end');
    await expect(store.get(KEY)).rejects.toThrow(SsaClosedError);
    await expect(store.get(KEY)).rejects.toThrow('The Redis token store is closed. Create a new store (and provider) to get tokens again.');
    await expect(store.refresh(KEY, controlledExchange().exchange, {})).rejects.toMatchObject({ code: 'ERR_SSA_CLOSED' });
  });

  it('shows no secret or token in JSON or inspect output', async () => {
    const { store } = newStore();
    const token = await store.refresh(KEY, controlledExchange().exchange, {});
    for (const shown of [JSON.stringify(store), inspect(store, { depth: 5, showHidden: true })]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(token.accessToken);
    }
    expect(JSON.stringify(store)).toBe('{"prefix":"unit:","sharing":true,"closed":false}');
  });
});

describe.skipIf(!available)('RedisTokenStore when Redis fails (real Redis)', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  const newStore = (clientOptions: RedisOptions = {}, storeOptions: Partial<RedisTokenStoreOptions> = {}) => {
    const redis = new Redis(server.port, '127.0.0.1', { retryStrategy: () => 50, ...clientOptions });
    redis.on('error', () => undefined);
    clients.push(redis);
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis, secret: SECRET, onEvent: (e) => events.push(e), commandTimeout: 200, ...storeOptions });
    return { redis, store, events };
  };

  it('falls back to its own exchange and memory while Redis is down, then shares again', async () => {
    const { redis, store, events } = newStore({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const exchange = controlledExchange();
    const shared = await store.refresh(KEY, exchange.exchange, {});
    await server.kill();
    await expect.poll(() => redis.status).not.toBe('ready');

    const local = await store.refresh(KEY, exchange.exchange, { stale: shared });
    expect(exchange.calls).toBe(2);
    expect(store.sharing).toBe(false);
    expect(events.filter((e) => e.type !== 'lock-acquired')).toEqual([{ type: 'redis-unavailable', reason: expect.any(String) }]);
    expect(await store.get(KEY)).toEqual(local);
    // Concurrent callers of this process still share one exchange.
    const [x, y] = await Promise.all([store.refresh(KEY, exchange.exchange, { stale: local }), store.refresh(KEY, exchange.exchange, { stale: local })]);
    expect(x).toEqual(y);
    expect(exchange.calls).toBe(3);

    await server.restart();
    await expect.poll(() => redis.status, { timeout: 10_000 }).toBe('ready');
    // The store probes Redis again about a second after the failure.
    await expect.poll(async () => (await store.get(KEY), store.sharing), { timeout: 10_000 }).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'redis-available' });
    const again = await store.refresh(KEY, exchange.exchange, { stale: x });
    expect(exchange.calls).toBe(4);
    expect(events.at(-1)).toEqual({ type: 'lock-acquired', key: KEY, fence: 1 });
    const reader = newStore().store;
    expect(await reader.get(KEY)).toEqual(again);
  });

  it('does not hang on a client that queues commands while disconnected (ioredis defaults)', async () => {
    const { redis, store, events } = newStore({}, { commandTimeout: 100 });
    await redis.flushall();
    await store.get(KEY);
    await server.kill();
    try {
      const exchange = controlledExchange();
      const token = await store.refresh(KEY, exchange.exchange, {});
      expect(token.accessToken).toMatch(/^token-/);
      expect(exchange.calls).toBe(1);
      expect(events[0]).toEqual({ type: 'redis-unavailable', reason: expect.any(String) });
    } finally {
      await server.restart();
    }
  });

  it('falls back when Redis answers too slowly', async () => {
    const { store, events } = newStore({ enableOfflineQueue: false }, { commandTimeout: 100 });
    const admin = newStore().redis;
    await store.get(KEY);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const exchange = controlledExchange();
    await store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(events).toEqual([{ type: 'redis-unavailable', reason: 'read got no answer from Redis within 100 ms' }]);
  });

  it('frees the lock that a timed-out acquire takes when Redis runs it late', async () => {
    const admin = newStore().redis;
    await admin.flushall();
    const { store, events } = newStore({ enableOfflineQueue: false }, { commandTimeout: 100 });
    await store.get(KEY);
    // Reads pass, scripts (which write) wait until the pause ends: the acquire times out, then runs.
    await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
    const exchange = controlledExchange();
    await store.refresh(KEY, exchange.exchange, {});
    expect(exchange.calls).toBe(1);
    expect(events).toEqual([{ type: 'redis-unavailable', reason: 'acquire got no answer from Redis within 100 ms' }]);
    // The late acquire did run (fence 1 was taken), and the release queued behind it freed its lock.
    const keys = entryKeys('aps-ssa:', KEY);
    await expect.poll(() => admin.get(keys.fence), { timeout: 10_000 }).toBe('1');
    expect(await admin.exists(keys.lock)).toBe(0);
  });

  it('never reports a Redis failure to the caller, even before the first connection', async () => {
    const redis = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    clients.push(redis);
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis, secret: SECRET, commandTimeout: 200, onEvent: (e) => events.push(e) });
    expect(await store.get(KEY)).toBeUndefined();
    const token = await store.refresh(KEY, controlledExchange().exchange, {});
    expect(await store.get(KEY)).toEqual(token);
    await store.delete(KEY);
    expect(events).toEqual([{ type: 'redis-unavailable', reason: expect.any(String) }]);
  });
});

describe.skipIf(!available)('RedisTokenStore on a Redis Cluster (real one-node cluster)', () => {
  let server: RedisServer;
  let cluster: Cluster;
  let other: Cluster;

  beforeAll(async () => {
    server = await startRedisServer({ cluster: true });
    const connectCluster = (): Cluster => {
      const client = new Cluster([{ host: '127.0.0.1', port: server.port }], { enableOfflineQueue: true });
      client.on('error', () => undefined);
      return client;
    };
    cluster = connectCluster();
    other = connectCluster();
  });
  afterAll(async () => {
    cluster?.disconnect();
    other?.disconnect();
    await server?.stop();
  });

  it('runs its multi-key scripts on one slot and wakes waiters through pub/sub', async () => {
    // A script whose keys span slots is refused (CROSSSLOT) even on one node: the hash tag is what makes ours pass.
    await expect(cluster.eval("return redis.call('GET', KEYS[1])", 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
    const events: RedisTokenStoreEvent[] = [];
    const holder = createRedisTokenStore({ redis: cluster, secret: SECRET, onEvent: (e) => events.push(e) });
    const waiter = createRedisTokenStore({ redis: other, secret: SECRET, pollInterval: 3_600_000, waitTimeout: 3_600_000 });
    const exchange = controlledExchange({ manual: true });
    const held = holder.refresh(KEY, exchange.exchange, {});
    await exchange.started();
    const waited = waiter.refresh(KEY, exchange.exchange, {});
    await expect.poll(() => cluster.pubsub('NUMSUB', entryKeys('aps-ssa:', KEY).channel)).toEqual([entryKeys('aps-ssa:', KEY).channel, 1]);
    const token = exchange.answer();
    // The waiter does not poll (once an hour): only the published notice can wake it before the test times out.
    expect(await waited).toEqual(token);
    expect(await held).toEqual(token);
    expect(exchange.calls).toBe(1);
    expect(events).toEqual([{ type: 'lock-acquired', key: KEY, fence: 1 }]);
    await holder.close();
    await waiter.close();
  });
});

describe.skipIf(!available)('RedisTokenStore through Redis Sentinel (real master and sentinel)', () => {
  let master: RedisServer;
  let sentinel: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    master = await startRedisServer();
    sentinel = await startRedisSentinel(master);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await sentinel?.stop();
    await master?.stop();
  });

  it('shares tokens and wakes waiters with clients that find the master through the sentinel', async () => {
    const connect = (): Redis => {
      const client = new Redis({ sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: SENTINEL_MASTER_NAME, enableOfflineQueue: false });
      client.on('error', () => undefined);
      clients.push(client);
      return client;
    };
    const holder = createRedisTokenStore({ redis: connect(), secret: SECRET });
    const waiter = createRedisTokenStore({ redis: connect(), secret: SECRET, pollInterval: 3_600_000, waitTimeout: 3_600_000 });
    const exchange = controlledExchange({ manual: true });
    const held = holder.refresh(KEY, exchange.exchange, {});
    await exchange.started();
    const waited = waiter.refresh(KEY, exchange.exchange, {});
    const channel = entryKeys('aps-ssa:', KEY).channel;
    const direct = new Redis(master.port, '127.0.0.1');
    clients.push(direct);
    await expect.poll(() => direct.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    const token = exchange.answer();
    // The waiter does not poll (once an hour): only the published notice can wake it before the test times out.
    expect(await waited).toEqual(token);
    expect(await held).toEqual(token);
    expect(exchange.calls).toBe(1);
    expect(await direct.exists(entryKeys('aps-ssa:', KEY).token)).toBe(1);
    await holder.close();
    await waiter.close();
  });
});
