import { type Emulator, startEmulator } from '@aps-ssa/emulator';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKeys } from '../src/entry-keys.js';
import { type FleetWorker, type GetResult, startWorker } from './fleet.js';
import { type RedisCluster, startRedisCluster } from './redis-cluster.js';
import { redisServerAvailability } from './redis-server.js';

const { available } = redisServerAvailability();
const FLEET_SIZE = 8;
// Short-lived tokens, so that a run sees several refresh cycles: a token is refreshed once a quarter of its life is
// left, up to another quarter earlier (the provider's jitter, scaled to the lifetime), so a cycle lasts at least
// half of it: 8 s, under the emulator's 10 exchanges a minute (its rate limit stays on).
const TOKEN_LIFETIME_S = 16;
const MIN_CYCLE_MS = (TOKEN_LIFETIME_S * 1000) / 2;
const STORE_OPTIONS = { pollInterval: 100, commandTimeout: 2_000 };

describe.skipIf(!available)(`a fleet of ${FLEET_SIZE} processes on a real Redis Cluster (3 masters, 3 replicas)`, { timeout: 180_000 }, () => {
  let emulator: Emulator;
  let cluster: RedisCluster;
  let admin: Cluster;
  let fleet: FleetWorker[] = [];

  beforeAll(async () => {
    [emulator, cluster] = await Promise.all([startEmulator({ port: 0, tokenLifetime: TOKEN_LIFETIME_S }), startRedisCluster()]);
    admin = new Cluster([...cluster.nodes]);
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    await Promise.all(fleet.map((w) => w.kill()));
    admin?.disconnect();
    await cluster?.stop();
    await emulator?.close();
  });

  it('makes one exchange per refresh cycle, and moving the identity’s slot mid-run loses nothing', async () => {
    const connection = { kind: 'cluster', nodes: cluster.nodes } as const;
    fleet = await Promise.all(Array.from({ length: FLEET_SIZE }, () => startWorker(emulator.seed.env, connection, STORE_OPTIONS)));
    const [{ key }] = await Promise.all(fleet.map((w) => w.call<{ key: string }>('ready')));
    const keys = entryKeys('aps-ssa:', key);

    const cold = await Promise.all(fleet.map((w) => w.call<GetResult>('get', { count: 5 })));
    expect(cold.flatMap((r) => r.failures)).toEqual([]);
    expect(new Set(cold.flatMap((r) => r.tokens)).size).toBe(1);
    expect(emulator.counters().exchanges).toBe(1);

    await Promise.all(fleet.map((w) => w.call('startLoad')));
    await expect.poll(() => emulator.counters().exchanges, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    // Every key of the identity is on one slot; move it to another master while the fleet refreshes through it.
    const slot = Number(await admin.cluster('KEYSLOT', keys.token));
    for (const name of [keys.lock, keys.fence, keys.failure]) expect(Number(await admin.cluster('KEYSLOT', name))).toBe(slot);
    const before = await cluster.masterOf(slot);
    const after = await cluster.moveSlot(slot);
    expect(after).not.toBe(before.port);
    expect((await cluster.masterOf(slot)).port).toBe(after);
    await expect.poll(() => emulator.counters().exchanges, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(4);
    const loads = await Promise.all(fleet.map((w) => w.call<{ ok: number; failures: string[] }>('stopLoad')));

    expect(loads.flatMap((l) => l.failures)).toEqual([]);
    for (const load of loads) expect(load.ok).toBeGreaterThan(0);
    const exchanges = emulator.requests().filter((r) => r.endpoint === 'token:jwt-bearer');
    expect(exchanges.map((r) => r.status)).toEqual(exchanges.map(() => 200));
    // One exchange per cycle: none came before the previous token's refresh point was near (a second instance
    // exchanging for the same cycle would follow the first within moments; the margin covers the token's whole-second
    // expiry and when the emulator logs a request).
    const times = exchanges.map((r) => Date.parse(r.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(MIN_CYCLE_MS / 2);
    const events = fleet.flatMap((w) => w.events);
    console.info(`cluster fleet: ${exchanges.length} exchanges, ${(times.at(-1)! - times[0]!) / 1000} s apart in all; events: ${JSON.stringify(events.map((e) => e.type))}`);
    expect(events.filter((e) => e.type === 'lock-acquired')).toHaveLength(exchanges.length);
    expect(events.filter((e) => ['wait-timeout', 'write-rejected', 'entry-rejected'].includes(e.type))).toEqual([]);
    // Nothing was lost in the move: the entry is on the new master, and every instance serves its token.
    expect(await admin.exists(keys.token)).toBe(1);
    const final = await Promise.all(fleet.map((w) => w.call<GetResult>('get', { count: 1 })));
    expect(final.flatMap((r) => r.failures)).toEqual([]);
    expect(emulator.counters().exchanges).toBe(exchanges.length);
  });
});
