import { randomBytes } from 'node:crypto';
import type { StoredToken } from '@aps-ssa/core';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { entryKeys } from '../src/entry-keys.js';
import { createRedisTokenStore, type RedisTokenStore } from '../src/redis-token-store.js';
import type { RedisTokenStoreEvent } from '../src/redis-token-store-event.js';
import { freePort, type RedisServer, redisServerAvailability, startRedisServer } from './redis-server.js';
import { createTestCertificate, opensslAvailable, type TestCertificate } from './tls-certificate.js';

const { available } = redisServerAvailability();
const SECRET = 'client-secret-of-the-fleet';
const KEY = 'aps-ssa:token:v1:connections-test-identity';
const ACL_USER = 'aps-fleet';
// Made per run: a Redis password is a secret, and must show up nowhere.
const ACL_PASSWORD = randomBytes(18).toString('base64url');

function newToken(): StoredToken {
  const obtainedAt = Date.now();
  return { accessToken: `token-${randomBytes(8).toString('hex')}`, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt, expiresAt: obtainedAt + 3_600_000 };
}

function counted() {
  const exchange = { calls: 0, run: async () => (exchange.calls++, newToken()) };
  return exchange;
}

/** A holder whose exchange answers when told, and a waiter that never polls: only a pub/sub notice wakes it in time. */
async function shareThroughPubSub(holder: RedisTokenStore, waiter: RedisTokenStore, subscribed: () => Promise<number>): Promise<void> {
  let answer!: (token: StoredToken) => void;
  let calls = 0;
  const exchange = () => (calls++, new Promise<StoredToken>((resolve) => (answer = resolve)));
  const held = holder.refresh(KEY, exchange, {});
  await expect.poll(() => calls).toBe(1);
  const waited = waiter.refresh(KEY, exchange, {});
  await expect.poll(subscribed, { timeout: 10_000 }).toBe(1);
  const token = newToken();
  answer(token);
  expect(await waited).toEqual(token);
  expect(await held).toEqual(token);
  expect(calls).toBe(1);
}

describe.skipIf(!available || !opensslAvailable())('a store from a url: rediss:// with an ACL user, on a redis-server with a test certificate', { timeout: 60_000 }, () => {
  let certificate: TestCertificate;
  let server: RedisServer;
  let tlsPort: number;
  let admin: Redis;
  const stores: RedisTokenStore[] = [];
  const newStore = (url: string, extra: object = {}) => {
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ url, tls: { ca: certificate.ca }, secret: SECRET, commandTimeout: 5_000, pollInterval: 3_600_000, waitTimeout: 3_600_000, onEvent: (e) => events.push(e), ...extra });
    stores.push(store);
    return { store, events };
  };
  const url = (password = ACL_PASSWORD) => `rediss://${ACL_USER}:${password}@127.0.0.1:${tlsPort}`;

  beforeAll(async () => {
    certificate = await createTestCertificate();
    tlsPort = await freePort();
    server = await startRedisServer({
      args: [
        '--tls-port', String(tlsPort), '--tls-cert-file', certificate.certFile, '--tls-key-file', certificate.keyFile,
        '--tls-ca-cert-file', certificate.caFile, '--tls-auth-clients', 'no',
        // The fleet's user may touch the store's keys and channels only.
        '--user', ACL_USER, 'on', `>${ACL_PASSWORD}`, '~aps-ssa:*', '&aps-ssa:*', '+@all',
      ],
    });
    admin = new Redis(server.port, '127.0.0.1');
    admin.on('error', () => undefined);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await admin.flushall();
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
    await certificate?.remove();
  });

  it('shares one token over TLS as the ACL user, wakes waiters through pub/sub, and closes the client it made', async () => {
    const holder = newStore(url());
    const waiter = newStore(url());
    const channel = entryKeys('aps-ssa:', KEY).channel;
    await shareThroughPubSub(holder.store, waiter.store, async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1]);
    expect(await admin.exists(entryKeys('aps-ssa:', KEY).token)).toBe(1);
    const users = async () => ((await admin.call('CLIENT', 'LIST')) as string).split('\n').filter((line) => line.includes(`user=${ACL_USER} `));
    expect((await users()).length).toBeGreaterThanOrEqual(2);
    await holder.store.close();
    await waiter.store.close();
    await expect.poll(users, { timeout: 10_000 }).toEqual([]);
    expect([...holder.events, ...waiter.events].filter((e) => e.type === 'redis-unavailable')).toEqual([]);
  });

  it('works alone with a wrong password, and shows the password nowhere', async () => {
    const wrong = `not-${ACL_PASSWORD}`;
    const { store, events } = newStore(url(wrong), { commandTimeout: 2_000 });
    const exchange = counted();
    const token = await store.refresh(KEY, exchange.run, {});
    expect(exchange.calls).toBe(1);
    expect(await store.get(KEY)).toEqual(token);
    expect(events).toEqual([{ type: 'redis-unavailable', reason: expect.any(String) }]);
    const shown = JSON.stringify([events, store, String(store)]);
    expect(shown).not.toContain(wrong);
    expect(shown).not.toContain(ACL_PASSWORD);
  });

  it('rejects a url that is not Redis’s without repeating it', () => {
    const attempt = () => createRedisTokenStore({ url: `https://${ACL_USER}:${ACL_PASSWORD}@example.com`, secret: SECRET });
    expect(attempt).toThrow('`url` must be a redis:// or rediss:// URL (e.g. redis://user:password@host:6379/0), got a https: URL.');
    expect(() => createRedisTokenStore({ url: url(), redis: admin, secret: SECRET })).toThrow('Give either `redis` (a client) or `url`, not both.');
  });
});

describe.skipIf(!available)('a store on a node-redis v5 client (real Redis)', { timeout: 60_000 }, () => {
  let server: RedisServer;
  let admin: Redis;
  const clients: ReturnType<typeof createClient>[] = [];
  const stores: RedisTokenStore[] = [];
  const nodeRedis = () => {
    const client = createClient({ url: server.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const newStore = (redis: ReturnType<typeof createClient> | Redis, extra: object = {}) => {
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis, secret: SECRET, commandTimeout: 2_000, onEvent: (e) => events.push(e), ...extra });
    stores.push(store);
    return { store, events };
  };

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.port, '127.0.0.1');
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const client of clients) if (client.isOpen) client.destroy();
    admin?.disconnect();
    await server?.stop();
  });

  it('shares tokens with ioredis instances and wakes its waiters through pub/sub, connecting the client on first use', async () => {
    const client = nodeRedis();
    expect(client.isOpen).toBe(false);
    const holder = newStore(admin.duplicate());
    const waiter = newStore(client, { pollInterval: 3_600_000, waitTimeout: 3_600_000 });
    const channel = entryKeys('aps-ssa:', KEY).channel;
    await shareThroughPubSub(holder.store, waiter.store, async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1]);
    expect(client.isReady).toBe(true);
    // The store does not close a client it was given.
    await waiter.store.close();
    expect(client.isOpen).toBe(true);
  });

  it('falls back while Redis is down, keeps other identities apart from a bad key, and shares again', async () => {
    const { store, events } = newStore(nodeRedis());
    const exchange = counted();
    await admin.lpush(entryKeys('aps-ssa:', 'aps-ssa:token:v1:other-identity').token, 'not-a-hash');
    await store.refresh('aps-ssa:token:v1:other-identity', exchange.run, {});
    const shared = await store.refresh(KEY, exchange.run, {});
    expect(events.filter((e) => e.type === 'redis-unavailable')).toEqual([]);
    await server.kill();
    const alone = await store.refresh(KEY, exchange.run, { stale: shared });
    expect(alone).not.toEqual(shared);
    expect(store.sharing).toBe(false);
    await server.restart();
    await expect.poll(async () => (await store.get(KEY), store.sharing), { timeout: 20_000, interval: 200 }).toBe(true);
    expect(events.filter((e) => e.type.startsWith('redis-')).map((e) => e.type)).toEqual(['redis-unavailable', 'redis-available']);
  });
});
