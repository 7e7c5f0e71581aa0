import { createTokenProvider, type TokenProvider } from '@aps-ssa/core';
import { identityKey } from '@aps-ssa/core/adapter';
import { type Emulator, startEmulator } from '@aps-ssa/emulator';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTokenStore, type RedisTokenStore } from '../src/redis-token-store.js';
import type { RedisTokenStoreEvent } from '../src/redis-token-store-event.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from './redis-server.js';
import { redisSentinelAvailable, type Sentinels, startSentinels } from './redis-sentinels.js';

const { available } = redisServerAvailability();
const IDENTITIES = [['data:read', 'user-profile:read'], ['data:read']] as const;
const INSTANCES_PER_IDENTITY = 3;

interface Instance {
  readonly redis: Redis;
  readonly store: RedisTokenStore;
  readonly provider: TokenProvider;
  readonly key: string;
  readonly events: RedisTokenStoreEvent[];
}

describe.skipIf(!available || !redisSentinelAvailable())('a Sentinel failover under load (a master, a replica, 3 redis-sentinel processes)', { timeout: 120_000 }, () => {
  let emulator: Emulator;
  let master: RedisServer;
  let replica: RedisServer;
  let sentinels: Sentinels;
  const instances: Instance[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    master = await startRedisServer();
    replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    sentinels = await startSentinels(master, { count: 3, replicas: 1 });
  });
  afterAll(async () => {
    await Promise.all(instances.map(async (i) => (await i.provider.close(), await i.store.close(), i.redis.disconnect())));
    await sentinels?.stop();
    await replica?.stop();
    await master?.stop();
    await emulator?.close();
  });

  it('fails no getToken(), costs at most one extra exchange per identity, and shares again after the failover', async () => {
    const env = emulator.seed.env;
    for (const scopes of IDENTITIES) {
      for (let i = 0; i < INSTANCES_PER_IDENTITY; i++) {
        const redis = new Redis({
          sentinels: [...sentinels.addresses],
          name: sentinels.name,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          retryStrategy: () => 100,
          sentinelRetryStrategy: () => 100,
        });
        redis.on('error', () => undefined);
        const events: RedisTokenStoreEvent[] = [];
        const store = createRedisTokenStore({ redis, secret: env.APS_CLIENT_SECRET, onEvent: (e) => events.push(e) });
        const provider = createTokenProvider({ env, scopes: [...scopes], store });
        instances.push({ redis, store, provider, key: identityKey(provider.identity), events });
      }
    }
    const byIdentity = (key: string) => instances.filter((i) => i.key === key);
    const keys = [...new Set(instances.map((i) => i.key))];
    await Promise.all(instances.map((i) => i.provider.getToken()));
    expect(emulator.counters().exchanges).toBe(IDENTITIES.length);

    // Load: every instance asks for its token in a loop, as request handlers would.
    const load = { running: true, ok: 0, failures: [] as string[] };
    const loops = instances.map(async ({ provider }) => {
      while (load.running) {
        try {
          await provider.getToken();
          load.ok++;
        } catch (error) {
          load.failures.push((error as { code?: string }).code ?? String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });

    // The entries are on the replica before the master dies (replication is asynchronous).
    const direct = new Redis(master.port, '127.0.0.1');
    direct.on('error', () => undefined);
    await direct.call('WAIT', '1', '5000');
    direct.disconnect();
    await master.kill();
    // One instance per identity must refresh while there is no master: it exchanges on its own.
    for (const key of keys) byIdentity(key)[0]!.provider.invalidate();
    await Promise.all(keys.map((key) => byIdentity(key)[0]!.provider.getToken()));
    await expect.poll(() => sentinels.masterPort(), { timeout: 60_000, interval: 250 }).toBe(replica.port);
    // Each store notices the new master on its next command (it re-probes about a second after a failure).
    for (const { store, key } of instances) {
      await expect.poll(async () => (await store.get(key), store.sharing), { timeout: 30_000, interval: 200 }).toBe(true);
    }
    const duringFailover = emulator.counters().exchanges - IDENTITIES.length;

    // Sharing resumed: every instance drops its token, and each identity exchanges once for all its instances.
    emulator.resetCounters();
    for (const { provider } of instances) provider.invalidate();
    await Promise.all(instances.map((i) => i.provider.getToken()));
    const afterFailover = emulator.counters().exchanges;
    load.running = false;
    await Promise.all(loops);

    expect(load.failures).toEqual([]);
    expect(load.ok).toBeGreaterThan(0);
    expect(duringFailover).toBeLessThanOrEqual(IDENTITIES.length);
    expect(afterFailover).toBeLessThanOrEqual(IDENTITIES.length);
    // Every instance reads the same shared entry from the new master.
    for (const key of keys) {
      const shared = await Promise.all(byIdentity(key).map(async (i) => (await i.store.get(key))?.accessToken));
      expect(new Set(shared).size).toBe(1);
      expect(shared[0]).toEqual(expect.any(String));
    }
    console.info(`sentinel failover: ${duringFailover} exchange(s) during the failover, ${afterFailover} after it, ${load.ok} getToken() calls served`);
  });
});
