import { performance } from 'node:perf_hooks';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { formatNumber, formatRatio } from '../format.js';
import { sleep } from '../measure.js';
import { redisServerMissing, startRedisServer } from '../redis-server.js';
import { figure, ratio, skipped } from '../scenario.js';
import type { Figure, Ratio, Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorkers, stopAll } from '../worker-process.js';

const SETTINGS = {
  full: { sizes: [2, 4, 8], coldStarts: 5, loadRounds: 2, tokenLifetime: 4, loadSeconds: 5 },
  quick: { sizes: [2], coldStarts: 1, loadRounds: 1, tokenLifetime: 4, loadSeconds: 4 },
};
const MODES = { memory: 'no shared store', redis: 'Redis store' } as const;
type Mode = keyof typeof MODES;

interface LoadMark {
  refreshes: number;
}

export interface FleetOutcome {
  coldExchanges: number[];
  /** Cold starts in which an instance's store stopped sharing and it exchanged on its own. */
  coldStartsAlone: number;
  firstTokenMs: number[];
  exchangesPerCycle: number[];
  failures: number;
}

export const fleet: Scenario = {
  id: 'fleet',
  title: 'Fleet: N processes sharing one identity, with and without the Redis store',
  question: 'Does a fleet of instances spend one exchange per refresh, or one per instance?',
  async run({ quick, log }) {
    const missing = redisServerMissing();
    if (missing !== undefined) return skipped(`redis-server not found (${missing})`);
    const { sizes, coldStarts, loadRounds, tokenLifetime, loadSeconds } = quick ? SETTINGS.quick : SETTINGS.full;
    const redis = await startRedisServer();
    // No rate limit: the scenario counts the exchanges a fleet asks for; APS would refuse those above ~10 a minute.
    const emulator = await startEmulator({ port: 0, rateLimit: 0, tokenLifetime });
    try {
      const figures: Figure[] = [];
      const ratios: Ratio[] = [];
      const reading: string[] = [];
      let failures = 0;
      const slowerWithStore: number[] = [];
      for (const [index, size] of sizes.entries()) {
        const outcomes = {} as Record<Mode, FleetOutcome>;
        // Alternate which mode goes first, so neither always runs on the warmer machine.
        const order: Mode[] = index % 2 === 0 ? ['memory', 'redis'] : ['redis', 'memory'];
        for (const mode of order) {
          log(`  ${size} processes, ${MODES[mode]}: ${coldStarts} cold start(s), ${loadRounds} of them followed by ${loadSeconds} s of load`);
          outcomes[mode] = await runFleet(emulator, size, mode === 'redis' ? redis.port : undefined, { coldStarts, loadRounds, loadSeconds, prefix: `bench-${size}-` });
          failures += outcomes[mode].failures;
        }
        const per = (mode: Mode, what: string, unit: string, samples: number[]): Figure => figure(`N=${size}, ${MODES[mode]}: ${what}`, unit, samples);
        const cycle = {
          memory: per('memory', 'exchanges per refresh cycle', 'exchanges', outcomes.memory.exchangesPerCycle),
          redis: per('redis', 'exchanges per refresh cycle', 'exchanges', outcomes.redis.exchangesPerCycle),
        };
        const ready = {
          memory: per('memory', 'time until every instance has a token', 'ms', outcomes.memory.firstTokenMs),
          redis: per('redis', 'time until every instance has a token', 'ms', outcomes.redis.firstTokenMs),
        };
        figures.push(
          per('memory', 'exchanges at cold start', 'exchanges', outcomes.memory.coldExchanges),
          per('redis', 'exchanges at cold start', 'exchanges', outcomes.redis.coldExchanges),
          per('redis', 'cold starts in which an instance stopped sharing', 'cold starts', [outcomes.redis.coldStartsAlone]),
          cycle.memory,
          cycle.redis,
          ready.memory,
          ready.redis,
        );
        const readyRatio = ratio(`N=${size}: time until every instance has a token, Redis store / no store`, ready.redis, ready.memory);
        ratios.push(ratio(`N=${size}: exchanges per refresh cycle, Redis store / no store`, cycle.redis, cycle.memory), readyRatio);
        reading.push(
          `With ${size} instances, a cold start costs ${formatNumber(median(outcomes.memory.coldExchanges))} exchanges without a shared store and ` +
            `${formatNumber(median(outcomes.redis.coldExchanges))} with the Redis store; each refresh cycle ${formatNumber(median(cycle.memory.samples))} against ` +
            `${formatNumber(median(cycle.redis.samples))}. Every instance has its token ${formatNumber(median(ready.redis.samples))} ms after a cold start with ` +
            `the store, against ${formatNumber(median(ready.memory.samples))} ms when each exchanges for itself (${formatRatio(readyRatio.value)}).` +
            (outcomes.redis.coldStartsAlone > 0
              ? ` In ${outcomes.redis.coldStartsAlone} of the ${coldStarts} cold starts with the store, an instance stopped sharing (a Redis command slower ` +
                'than `commandTimeout`, 500 ms, on this busy machine, or a holder that did not deliver in time) and exchanged on its own, as designed: ' +
                'a slow Redis costs exchanges, never a failed request.'
              : ''),
        );
        if (readyRatio.value > 1.05) slowerWithStore.push(size);
      }
      if (slowerWithStore.length > 0) {
        reading.push(
          `Where the store is slower to a first token (N=${slowerWithStore.join(', N=')}): all but one instance wait for the holder to write the ` +
            'token and for the notice (a pub/sub message, or at worst their next poll of Redis, every 250 ms), while without it every instance ' +
            'exchanges at once, which is quick as long as the token endpoint and the cores keep up with that many signatures together. The cost is ' +
            'a fraction of a second once per deploy, against one exchange per instance.',
        );
      }
      figures.push(figure('failed getToken() calls under load, all fleets', 'calls', [failures]));
      const largest = sizes[sizes.length - 1]!;
      const perCycle = (mode: Mode): number => median(figures.find((f) => f.label === `N=${largest}, ${MODES[mode]}: exchanges per refresh cycle`)!.samples);
      reading.push(
        `APS allows about 10 exchanges a minute per client, shared by every instance: without a shared store the ${largest} instances spend ` +
          `${formatNumber(perCycle('memory'))} exchanges at each refresh (and each deploy), so a dozen instances would be refused at every deploy; ` +
          `with the Redis store they spend ${formatNumber(perCycle('redis'))}. ${failures === 0 ? 'No getToken() call failed under load in any fleet.' : `${failures} getToken() calls failed under load.`}`,
      );
      return {
        figures,
        ratios,
        reading,
        parameters: {
          'cold starts per fleet (after one unmeasured)': coldStarts,
          'load runs per fleet (each after a cold start)': loadRounds,
          'token lifetime (s)': tokenLifetime,
          'load per fleet (s)': loadSeconds,
          load: 'each instance calls getToken() every 5 ms',
          'exchanges per refresh cycle': 'exchanges during the load / refresh cycles (without a shared store, the mean of the instances\' refreshes; with it, the most any instance made, since each adopts every new token)',
        },
      };
    } finally {
      await emulator.close();
      await redis.stop();
    }
  },
};

/**
 * Cold starts and load of `size` instances; `redis` is how they share (a port, or the env variables of a
 * cluster), `undefined` for no shared store.
 */
export async function runFleet(
  emulator: Emulator,
  size: number,
  redis: number | Readonly<Record<string, string>> | undefined,
  options: { coldStarts: number; loadRounds: number; loadSeconds: number; prefix: string },
): Promise<FleetOutcome> {
  const shared = redis !== undefined;
  const env = { ...emulator.seed.env, ...(typeof redis === 'number' ? { REDIS_PORT: String(redis) } : redis) };
  const workers = Object.values(await startWorkers(Object.fromEntries(Array.from({ length: size }, (_, i) => [`instance-${i}`, { name: 'fleet-instance', env }]))));
  try {
    const outcome: FleetOutcome = { coldExchanges: [], coldStartsAlone: 0, firstTokenMs: [], exchangesPerCycle: [], failures: 0 };
    // Cold start: every instance asks for its first token at the same moment, as after a deploy.
    const coldStart = async (round: number): Promise<{ ms: number; exchanges: number; alone: boolean }> => {
      const before = emulator.counters().exchanges;
      const started = performance.now();
      const served = await Promise.all(
        workers.map((worker) => worker.call<{ workedAlone: number }>('coldStart', { prefix: `${options.prefix}${round}:` }).then(({ workedAlone }) => ({ at: performance.now(), workedAlone }))),
      );
      return { ms: Math.max(...served.map((s) => s.at)) - started, exchanges: emulator.counters().exchanges - before, alone: served.some((s) => s.workedAlone > 0) };
    };
    // Unmeasured, so that no round pays for compiling the code paths.
    await coldStart(-1);
    for (let round = 0; round < options.coldStarts; round++) {
      const cold = await coldStart(round);
      outcome.firstTokenMs.push(cold.ms);
      outcome.coldExchanges.push(cold.exchanges);
      if (cold.alone) outcome.coldStartsAlone++;
      if (round >= options.loadRounds) continue;
      // Steady load across several token lifetimes: each instance refreshes as its token comes due.
      const before = emulator.counters().exchanges;
      const marks = await Promise.all(workers.map((worker) => worker.call<LoadMark>('startLoad')));
      await sleep(options.loadSeconds * 1000);
      const ends = await Promise.all(workers.map((worker) => worker.call<LoadMark & { failures: number }>('stopLoad')));
      const exchanges = emulator.counters().exchanges - before;
      const perInstance = ends.map((end, i) => end.refreshes - marks[i]!.refreshes);
      // The refresh cycles the fleet went through. Alone, each instance refreshes on its own schedule:
      // the mean. Sharing a store, every instance adopts each new token at its own refresh point, so one
      // made just before the end is not yet counted by the others: the instance that refreshed most
      // (the one holding the newest token) has seen every cycle.
      const refreshes = !shared ? perInstance.reduce((sum, n) => sum + n, 0) / size : Math.max(...perInstance);
      if (refreshes === 0) throw new Error(`No instance refreshed during ${options.loadSeconds} s of load: the token lifetime is too long for the window.`);
      outcome.exchangesPerCycle.push(exchanges / refreshes);
      outcome.failures += ends.reduce((sum, end) => sum + end.failures, 0);
    }
    return outcome;
  } finally {
    await stopAll(workers);
  }
}
