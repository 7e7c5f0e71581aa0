import { type Emulator, startEmulator } from '@aps-ssa/emulator';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FleetWorker, type GetResult, startWorker } from './fleet.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from './redis-server.js';

const { available } = redisServerAvailability();
const FLEET_SIZE = 8;
// Eight processes share two busy cores: a generous command timeout and the default lock lifetime,
// so that a slow answer or a stalled event loop does not (rightly) make an instance work alone or
// lose its lock, which would make the exact counts below wrong.
const STORE_OPTIONS = { pollInterval: 100, commandTimeout: 2_000 };
// A short lock where a dead holder must be taken over quickly; waiting stays above it, so that the
// holder is taken over rather than bypassed.
const SHORT_LOCK_OPTIONS = { ...STORE_OPTIONS, lockTtl: 1_000, waitTimeout: 20_000 };

// Starting eight Node.js processes on a shared two-core machine can alone take many seconds.
const FLEET_TEST_TIMEOUT = 120_000;

describe.skipIf(!available)(`a fleet of ${FLEET_SIZE} processes on one Redis and one emulator`, { timeout: FLEET_TEST_TIMEOUT }, () => {
  let emulator: Emulator;
  let redisServer: RedisServer;
  let admin: Redis;
  let workers: FleetWorker[] = [];

  const startFleet = async (size: number, storeOptions: object = STORE_OPTIONS): Promise<FleetWorker[]> => {
    const started = await Promise.all(Array.from({ length: size }, () => startWorker(emulator.seed.env, redisServer.port, storeOptions)));
    workers.push(...started);
    await Promise.all(started.map((w) => w.call('ready')));
    return started;
  };
  const getOnEach = (fleet: FleetWorker[], count: number): Promise<GetResult[]> => Promise.all(fleet.map((w) => w.call<GetResult>('get', { count })));
  const verifyToken = async (token: string): Promise<void> => {
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL('/authentication/v2/keys', emulator.url)));
    expect(payload.jti).toMatch(/^SA-/);
    expect(payload.exp! * 1000).toBeGreaterThan(Date.now());
  };
  const eventsOf = (fleet: FleetWorker[], type: string) => fleet.flatMap((w) => w.events.filter((e) => e.type === type));

  beforeAll(async () => {
    // Rate limiting off: the Redis-down phase makes every instance exchange on its own, on purpose.
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    redisServer = await startRedisServer();
    admin = new Redis(redisServer.port, '127.0.0.1');
    admin.on('error', () => undefined);
  });
  beforeEach(async () => {
    await admin.flushall();
    emulator.resetCounters();
    emulator.faults.clear();
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    workers = [];
  });
  afterAll(async () => {
    admin?.disconnect();
    await redisServer?.stop();
    await emulator?.close();
  });

  it('cold-starts with exactly one exchange, and every process gets the same valid token', async () => {
    const fleet = await startFleet(FLEET_SIZE);
    const results = await getOnEach(fleet, 10);

    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(emulator.counters().exchanges).toBe(1);
    const tokens = new Set(results.flatMap((r) => r.tokens));
    expect(tokens.size).toBe(1);
    await verifyToken([...tokens][0]!);
    expect(eventsOf(fleet, 'lock-acquired')).toEqual([{ type: 'lock-acquired', key: expect.stringMatching(/^aps-ssa:token:v1:/), fence: 1 }]);
  });

  it('survives Redis dying mid-run without a failed request, then shares again', async () => {
    const fleet = await startFleet(FLEET_SIZE);
    await getOnEach(fleet, 5);
    expect(emulator.counters().exchanges).toBe(1);
    await Promise.all(fleet.map((w) => w.call('startLoad')));

    // Redis dies; every instance must replace its token (as after a 401) while it is down.
    await redisServer.kill();
    await Promise.all(fleet.map((w) => w.call('invalidate')));
    const alone = await getOnEach(fleet, 5);
    expect(alone.flatMap((r) => r.failures)).toEqual([]);
    for (const result of alone) await verifyToken(result.tokens[0]!);
    // Each fell back to its own exchange (none could share), and said so.
    expect(emulator.counters().exchanges).toBe(1 + FLEET_SIZE);
    expect(eventsOf(fleet, 'redis-unavailable')).toHaveLength(FLEET_SIZE);

    // Redis comes back (empty: it keeps nothing on disk); once every instance uses it again, they share again.
    await redisServer.restart();
    await Promise.all(fleet.map((w) => w.call('awaitSharing')));
    expect(eventsOf(fleet, 'redis-available')).toHaveLength(FLEET_SIZE);
    emulator.resetCounters();
    await Promise.all(fleet.map((w) => w.call('invalidate')));
    const shared = await getOnEach(fleet, 5);
    expect(shared.flatMap((r) => r.failures)).toEqual([]);
    expect(emulator.counters().exchanges).toBe(1);
    const tokens = new Set(shared.flatMap((r) => r.tokens));
    expect(tokens.size).toBe(1);
    await verifyToken([...tokens][0]!);

    const loads = await Promise.all(fleet.map((w) => w.call<{ ok: number; failures: string[] }>('stopLoad')));
    expect(loads.flatMap((l) => l.failures)).toEqual([]);
    for (const load of loads) expect(load.ok).toBeGreaterThan(0);
  });

  it('takes over from a lock holder killed mid-exchange once its lock expires', async () => {
    const [holder, survivor] = await startFleet(2, SHORT_LOCK_OPTIONS);
    emulator.faults.inject({ kind: 'hang' });
    const holderGet = holder!.call<GetResult>('get', { count: 1 }).catch(() => undefined);
    // The holder has the lock and its exchange is stuck in the emulator.
    await expect.poll(() => holder!.events, { timeout: 10_000 }).toContainEqual(expect.objectContaining({ type: 'lock-acquired', fence: 1 }));
    await expect.poll(() => emulator.faults.pending(), { timeout: 10_000 }).toEqual([]);

    const survivorGet = survivor!.call<GetResult>('get', { count: 3 });
    await holder!.kill();
    await holderGet;

    const result = await survivorGet;
    expect(result.failures).toEqual([]);
    expect(result.tokens).toHaveLength(1);
    await verifyToken(result.tokens[0]!);
    expect(result.exchanges).toBe(1);
    expect(survivor!.events).toEqual([expect.objectContaining({ type: 'lock-acquired', fence: 2 })]);
    // The next instance finds the survivor's token.
    const [late] = await startFleet(1, SHORT_LOCK_OPTIONS);
    expect((await late!.call<GetResult>('get', { count: 1 })).tokens).toEqual(result.tokens);
    expect(late!.events).toEqual([]);
  });
});
