import { type Emulator, startEmulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetWorker, type GetResult, startWorker } from './fleet.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from './redis-server.js';

const { available } = redisServerAvailability();
const FLEET_SIZE = 20;
const TOKEN_LIFETIME_S = 3599;
// Virtual time moves in steps: the emulator's clock (its tokens' expiry, its rate-limit windows) and every
// instance's clock together, so that a whole token life passes in seconds of real time.
const STEP_MS = 30_000;
// A small jitter, as a user may configure: while Redis shares tokens it does not matter (one instance refreshes),
// but an instance working alone must not refresh within it, or a fleet meets at one refresh point.
const PROVIDER_OPTIONS = { virtualClock: true, refreshJitter: 30_000, retry: { maxAttempts: 1 } };

describe.skipIf(!available)(`a fleet of ${FLEET_SIZE} processes whose Redis is down spreads its refreshes`, { timeout: 180_000 }, () => {
  let emulator: Emulator;
  let redisServer: RedisServer;
  let fleet: FleetWorker[] = [];

  beforeAll(async () => {
    // The rate limit stays on: 10 exchanges a minute per client, as APS.
    emulator = await startEmulator({ port: 0, tokenLifetime: TOKEN_LIFETIME_S });
    redisServer = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(fleet.map((w) => w.kill()));
    await redisServer?.stop();
    await emulator?.close();
  });

  it('meets no 429 through a whole token life without Redis', async () => {
    fleet = await Promise.all(Array.from({ length: FLEET_SIZE }, () => startWorker(emulator.seed.env, redisServer.port, { commandTimeout: 2_000 }, PROVIDER_OPTIONS)));
    await Promise.all(fleet.map((w) => w.call('ready')));
    const cold = await Promise.all(fleet.map((w) => w.call<GetResult>('get', { count: 1 })));
    expect(cold.flatMap((r) => r.failures)).toEqual([]);
    expect(emulator.counters().exchanges).toBe(1);

    await redisServer.kill();
    // Each store knows at once that it works alone (the connection is lost), not at its next refresh.
    await expect.poll(() => fleet.filter((w) => w.events.some((e) => e.type === 'redis-unavailable')).length, { timeout: 30_000 }).toBe(FLEET_SIZE);

    const failures: string[] = [];
    // Nothing is due in the first third of the token's life: the steps start there.
    for (let offset = (TOKEN_LIFETIME_S * 1000) / 3; offset <= TOKEN_LIFETIME_S * 1000; offset += STEP_MS) {
      emulator.clock.setOffset(offset);
      const results = await Promise.all(fleet.map((w) => w.call<{ failure?: string }>('advance', { offset })));
      failures.push(...results.flatMap((r) => (r.failure === undefined ? [] : [r.failure])));
    }

    const exchanges = emulator.requests().filter((r) => r.endpoint === 'token:jwt-bearer' && r.status !== 0);
    const refreshes = exchanges.slice(1).map((r) => Date.parse(r.time));
    const minutes = (ms: number) => (ms / 60_000).toFixed(1);
    console.info(
      `alone refresh: ${refreshes.length} exchanges after Redis died, spread over ${minutes(Math.max(...refreshes) - Math.min(...refreshes))} min, ` +
        `${emulator.counters()['token:jwt-bearer'].rate_limited ?? 0} answered 429`,
    );
    expect(emulator.counters()['token:jwt-bearer'].rate_limited ?? 0).toBe(0);
    expect(failures).toEqual([]);
    // Every instance refreshed on its own (none could share), once, before its token ran out.
    expect(refreshes).toHaveLength(FLEET_SIZE);
  });
});
