import { createTokenProvider, type TokenProvider } from '@aps-ssa/core';
import { identityKey } from '@aps-ssa/core/adapter';
import { type Emulator, startEmulator } from '@aps-ssa/emulator';
import { createRedisTokenStore, type RedisTokenStoreEvent } from '@aps-ssa/redis-store';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKeys } from '../../src/entry-keys.js';
import { toConnection } from '../../src/redis-connection.js';
import { EntryScripts } from '../../src/redis-scripts.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from '../redis-server.js';

const { available } = redisServerAvailability();

// A Redis writer without the client secret (a neighbour on a shared Redis, a compromised sidecar)
// plants the failure record a failing lock holder would leave, asking for a wait of 1e9 seconds.
describe.skipIf(!available)('a failure record forged by a Redis writer without the secret (real Redis, emulator)', () => {
  let emulator: Emulator;
  let server: RedisServer;
  let admin: Redis;
  const clients: Redis[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    server = await startRedisServer();
    admin = new Redis(server.port, '127.0.0.1');
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    admin?.disconnect();
    await server?.stop();
    await emulator?.close();
  });

  const newProvider = (): { provider: TokenProvider; events: RedisTokenStoreEvent[] } => {
    const redis = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    clients.push(redis);
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis, secret: emulator.seed.env.APS_CLIENT_SECRET, onEvent: (e) => events.push(e) });
    return { provider: createTokenProvider({ env: emulator.seed.env, store }), events };
  };

  it('cannot lock providers out: each forgery costs at most one exchange', async () => {
    const { provider, events } = newProvider();
    const keys = entryKeys('aps-ssa:', identityKey(provider.identity));
    const forgery = JSON.stringify({ code: 'ERR_SSA_RATE_LIMITED', message: 'APS is down.', retryable: false, status: 429, retryAfter: 1e9 });
    for (let round = 1; round <= 3; round++) {
      await admin.del(keys.token);
      // A lock "held" by a stuck instance, so that the provider waits for it, as after a deploy.
      const held = await new EntryScripts(toConnection(admin)).acquire(keys, 0, 0, 'stuck-instance', 60_000);
      expect(held.outcome).toBe('acquired');
      const fence = held.outcome === 'acquired' ? held.fence : 0;
      provider.invalidate();
      const pending = provider.getToken();
      await expect.poll(() => admin.pubsub('NUMSUB', keys.channel)).toEqual([keys.channel, 1]);
      await admin.del(keys.lock);
      await admin.hset(keys.failure, 'fence', fence, 'error', forgery);
      await admin.publish(keys.channel, 'failed');
      const token = await pending;
      expect(token.accessToken.split('.')).toHaveLength(3);
      expect(events.filter((e) => e.type === 'failure-rejected')).toHaveLength(round);
    }
    expect(provider.stats.exchanges).toBe(3);
    expect((await provider.getToken()).accessToken.split('.')).toHaveLength(3);
  });
});
