import { startEmulator } from '@aps-ssa/emulator';
import autocannon from 'autocannon';
import { compareThroughput, formatNumber, formatRatio } from '../format.js';
import { alternate, mapValues } from '../measure.js';
import { figure, ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorkers, stopAll } from '../worker-process.js';
import type { WorkerProcess } from '../worker-process.js';

const SETTINGS = { full: { rounds: 10, seconds: 1.5 }, quick: { rounds: 1, seconds: 1 } };
const CONNECTIONS = 10;
const APPS = { bare: 'floor: the same Express app without the middleware', ssa: 'Express app with ssaTokenMiddleware()' };

export const expressOverhead: Scenario = {
  id: 'express-overhead',
  title: 'Express overhead: a minimal app with and without ssaTokenMiddleware()',
  question: 'What does the middleware cost each request of an Express app?',
  async run({ quick, log }) {
    const { rounds, seconds } = quick ? SETTINGS.quick : SETTINGS.full;
    const emulator = await startEmulator({ port: 0 });
    // Each app in a process of its own, the load generator (autocannon) in this one: no side shares its event loop.
    const apps = await startWorkers<'bare' | 'ssa', { url: string }>({
      bare: { name: 'express-app', args: ['bare'] },
      ssa: { name: 'express-app', args: ['ssa'], env: { ...emulator.seed.env } },
    }).catch(async (error: unknown) => {
      await emulator.close();
      throw error;
    });
    try {
      log(`  warm-up, then ${rounds} alternating rounds of ${seconds} s per app, ${CONNECTIONS} connections`);
      for (const app of Object.values(apps)) await load(app, seconds);
      const samples = await alternate(apps, rounds, (app) => load(app, seconds));
      const throughput = mapValues(APPS, (label, app) => figure(label, 'req/s', samples[app].map((s) => s.requestsPerSecond)));
      const cpu = mapValues(APPS, (label, app) => figure(`${label}: server CPU per request`, 'µs', samples[app].map((s) => s.cpuPerRequest)));
      const overhead = ratio('with middleware / without (req/s)', throughput.ssa, throughput.bare);
      const cpuOverhead = ratio('with middleware / without (server CPU per request)', cpu.ssa, cpu.bare);
      const perRequest = median(cpu.ssa.samples) - median(cpu.bare.samples);
      return {
        figures: [throughput.bare, throughput.ssa, cpu.bare, cpu.ssa],
        ratios: [overhead, cpuOverhead],
        parameters: { rounds, 'run (s)': seconds, connections: CONNECTIONS, 'load generator': 'autocannon, in another process than the apps' },
        reading: [
          `An Express app with \`ssaTokenMiddleware()\` serves ${formatNumber(median(throughput.ssa.samples))} requests/s, ${compareThroughput(overhead.value)} ` +
            `the same app without it (${formatRatio(overhead.value)}); measured in server CPU time, which other work on the machine disturbs less, a request costs ` +
            `${formatNumber(median(cpu.ssa.samples))} µs against ${formatNumber(median(cpu.bare.samples))} µs (${formatRatio(cpuOverhead.value)}): ` +
            `${perRequest > 0 ? `a difference of ${formatNumber(perRequest)} µs` : 'no measurable difference'}, for a valid token and an APS client on ` +
            '`req.aps`.' +
            (overhead.value > 1.03
              ? " A middleware cannot make an app faster: a throughput ratio above 1 is the machine's noise, which the CPU time per request resists better."
              : ''),
          // How the middleware works, so shown whatever this run's noise made of the ratios.
          'What the middleware does per request on a warm cache: one synchronous `provider.peek()` (two clock reads and the expiry ' +
            'checks), then `req.aps` is set to the frozen context shared by every request of that token and `next()` runs in the same ' +
            'turn: no promise and no allocation of its own. Only a request that must wait for a token goes through `getToken()`. ' +
            "A gap larger than those few checks is this machine's noise.",
        ],
      };
    } finally {
      await stopAll(Object.values(apps));
      await emulator.close();
    }
  },
};

interface LoadSample {
  readonly requestsPerSecond: number;
  /** The app process's CPU time per request served, in µs. */
  readonly cpuPerRequest: number;
}

/** Loads `app` with autocannon for `seconds`; throws if any request failed. */
async function load(app: WorkerProcess<{ url: string }>, seconds: number): Promise<LoadSample> {
  const cpuBefore = await app.call<number>('cpu');
  const result = await autocannon({ url: app.ready.url, connections: CONNECTIONS, duration: seconds });
  const cpu = (await app.call<number>('cpu')) - cpuBefore;
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || result['2xx'] === 0) {
    throw new Error(`${app.ready.url} failed requests under load: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers.`);
  }
  return { requestsPerSecond: result['2xx'] / result.duration, cpuPerRequest: cpu / result['2xx'] };
}
