// One instance of a fleet: a token provider, on a Redis token store (REDIS_PORT or REDIS_CLUSTER_NODES set) or on its own
// memory (the default store), driven by the fleet scenario. Environment: the emulator's APS_* variables.
import { createTokenProvider } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { createRedisTokenStore } from '@aps-ssa/redis-store';
import type { RedisTokenStore } from '@aps-ssa/redis-store';
import { Cluster, Redis } from 'ioredis';
import { serveCommands } from './commands.js';

/** How often each instance asks for a token under load: a request handler's pace, yielding in between. */
const LOAD_INTERVAL_MS = 5;

const redisPort = process.env.REDIS_PORT;
// REDIS_CLUSTER_NODES (JSON `[{ host, port }]`): a Redis Cluster instead of one Redis.
const clusterNodes = process.env.REDIS_CLUSTER_NODES;
const redis =
  clusterNodes !== undefined
    ? new Cluster(JSON.parse(clusterNodes) as { host: string; port: number }[], { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 } })
    : redisPort === undefined
      ? undefined
      : new Redis(Number(redisPort), '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
redis?.on('error', () => undefined);
await redis?.connect();

let provider: TokenProvider | undefined;
let store: RedisTokenStore | undefined;
const load = { running: false, failures: 0, done: Promise.resolve() };

async function closeProvider(): Promise<void> {
  await provider?.close();
  await store?.close();
  provider = undefined;
  store = undefined;
}

serveCommands(
  {
    /** A new, cold provider (and store, under a fresh key prefix) and its first getToken(). */
    async coldStart({ prefix }: { prefix: string }) {
      await closeProvider();
      // Times the store stopped sharing: Redis slower than `commandTimeout`, or a holder that never delivered.
      let workedAlone = 0;
      store =
        redis === undefined
          ? undefined
          : createRedisTokenStore({
              redis,
              prefix,
              onEvent: (event) => {
                if (event.type === 'redis-unavailable' || event.type === 'wait-timeout') workedAlone++;
              },
            });
      provider = createTokenProvider(store === undefined ? {} : { store });
      await provider.getToken();
      return { workedAlone };
    },
    /** Calls getToken() every few milliseconds, as request handlers would, until stopLoad. */
    async startLoad() {
      const current = provider!;
      const before = current.stats;
      load.running = true;
      load.failures = 0;
      load.done = (async () => {
        while (load.running) {
          try {
            await current.getToken();
          } catch {
            load.failures++;
          }
          await new Promise((resolve) => setTimeout(resolve, LOAD_INTERVAL_MS));
        }
      })();
      return { refreshes: before.refreshes };
    },
    async stopLoad() {
      load.running = false;
      await load.done;
      return { failures: load.failures, refreshes: provider!.stats.refreshes };
    },
  },
  {},
  async () => {
    await closeProvider();
    redis?.disconnect();
  },
);
