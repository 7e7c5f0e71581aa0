import { startEmulator } from '@aps-ssa/emulator';
import autocannon from 'autocannon';
import { compareThroughput, formatNumber, formatRatio } from '../format.js';
import { alternate, mapValues } from '../measure.js';
import { figure, ratio } from '../scenario.js';
import type { Figure, Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorkers, stopAll } from '../worker-process.js';
import type { WorkerProcess } from '../worker-process.js';

const SETTINGS = { full: { rounds: 10, seconds: 1.5 }, quick: { rounds: 1, seconds: 1 } };
const CONNECTIONS = 10;

/** A framework adapter to measure: a minimal app of `framework` with and without `adapter`. */
export interface FrameworkOverheadSpec {
  readonly id: string;
  /** The framework's name, e.g. `Express`. */
  readonly framework: string;
  /** How the adapter is used, e.g. `ssaTokenMiddleware()`. */
  readonly adapter: string;
  /** What the adapter is called in the reading. */
  readonly kind: 'middleware' | 'plugin';
  /** The worker (`workers/<name>.ts`) serving the app: `bare` or `ssa` as its argument. */
  readonly worker: string;
  /** Where the adapter puts the token, e.g. `req.aps`. */
  readonly field: string;
  /** Paragraphs added to the reading, whatever this run's noise made of the ratios (from a CPU profile). */
  readonly profile?: string;
  /**
   * The adapter's own work per request, measured in this process without HTTP: CPU ns per call of its handler on a
   * warm cache (one sample per round), given the APS_* variables of the run's emulator. Many times finer than the
   * server CPU figures, whose round-to-round noise is larger than the adapter's whole cost.
   */
  readonly ownWork?: (env: Readonly<Record<string, string>>, rounds: number) => Promise<number[]>;
}

/**
 * The scenario measuring what `spec.adapter` costs each request of a minimal `spec.framework` app: throughput and
 * server CPU time per request, with and without it, the load generator in another process than the apps.
 */
export function frameworkOverhead(spec: FrameworkOverheadSpec): Scenario {
  const what = spec.kind;
  const apps = { bare: `floor: the same ${spec.framework} app without the ${what}`, ssa: `${spec.framework} app with ${spec.adapter}` };
  return {
    id: spec.id,
    title: `${spec.framework} overhead: a minimal app with and without ${spec.adapter}`,
    question: `What does the ${what} cost each request of a ${spec.framework} app?`,
    async run({ quick, log }) {
      const { rounds, seconds } = quick ? SETTINGS.quick : SETTINGS.full;
      const emulator = await startEmulator({ port: 0 });
      // Each app in a process of its own, the load generator (autocannon) in this one: no side shares its event loop.
      const workers = await startWorkers<'bare' | 'ssa', { url: string }>({
        bare: { name: spec.worker, args: ['bare'] },
        ssa: { name: spec.worker, args: ['ssa'], env: { ...emulator.seed.env } },
      }).catch(async (error: unknown) => {
        await emulator.close();
        throw error;
      });
      try {
        log(`  warm-up, then ${rounds} alternating rounds of ${seconds} s per app, ${CONNECTIONS} connections`);
        for (const app of Object.values(workers)) await load(app, seconds);
        const samples = await alternate(workers, rounds, (app) => load(app, seconds));
        const throughput = mapValues(apps, (label, app) => figure(label, 'req/s', samples[app].map((s) => s.requestsPerSecond)));
        const cpu = mapValues(apps, (label, app) => figure(`${label}: server CPU per request`, 'µs', samples[app].map((s) => s.cpuPerRequest)));
        const overhead = ratio(`with ${what} / without (req/s)`, throughput.ssa, throughput.bare);
        const cpuOverhead = ratio(`with ${what} / without (server CPU per request)`, cpu.ssa, cpu.bare);
        const perRequest = median(cpu.ssa.samples) - median(cpu.bare.samples);
        const own = spec.ownWork === undefined ? undefined : ownWorkFigures(spec, cpu.bare, await spec.ownWork(emulator.seed.env, rounds));
        return {
          figures: [throughput.bare, throughput.ssa, cpu.bare, cpu.ssa, ...(own?.figures ?? [])],
          ratios: [overhead, cpuOverhead, ...(own === undefined ? [] : [own.ratio])],
          parameters: { rounds, 'run (s)': seconds, connections: CONNECTIONS, 'load generator': 'autocannon, in another process than the apps' },
          reading: [
            `${/^[AEIOU]/.test(spec.framework) ? 'An' : 'A'} ${spec.framework} app with \`${spec.adapter}\` serves ${formatNumber(median(throughput.ssa.samples))} requests/s, ${compareThroughput(overhead.value)} ` +
              `the same app without it (${formatRatio(overhead.value)}); measured in server CPU time, which other work on the machine disturbs less, a request costs ` +
              `${formatNumber(median(cpu.ssa.samples))} µs against ${formatNumber(median(cpu.bare.samples))} µs (${formatRatio(cpuOverhead.value)}): ` +
              `${perRequest > 0 ? `a difference of ${formatNumber(perRequest)} µs` : 'no measurable difference'}, for a valid token and an APS client on ` +
              `\`${spec.field}\`.` +
              (overhead.value > 1.03
                ? ` A ${what} cannot make an app faster: a throughput ratio above 1 is the machine's noise, which the CPU time per request resists better.`
                : ''),
            ...(own === undefined ? [] : [own.reading]),
            ...(spec.profile === undefined ? [] : [spec.profile]),
          ],
        };
      } finally {
        await stopAll(Object.values(workers));
        await emulator.close();
      }
    },
  };
}

/** The adapter's own work as a figure, and what it adds to the bare app's server CPU per request. */
function ownWorkFigures(spec: FrameworkOverheadSpec, bare: Figure, nsPerCall: readonly number[]) {
  const own = figure(`${spec.adapter} called directly on a warm cache: CPU per call`, 'ns', nsPerCall);
  const added = median(nsPerCall) / 1000;
  const withOwn = figure(`floor + the ${spec.kind}'s own work: server CPU per request`, 'µs', bare.samples.map((µs) => µs + added));
  const toBare = ratio(`(without + the ${spec.kind}'s own work) / without (server CPU per request)`, withOwn, bare);
  return {
    figures: [own, withOwn],
    ratio: toBare,
    reading:
      `Called directly, without HTTP, \`${spec.adapter}\` takes ${formatNumber(median(nsPerCall))} ns of CPU per request on a warm cache: ` +
      `${formatRatio(toBare.value)} the bare app's ${formatNumber(median(bare.samples))} µs. ` +
      'That is the cost the adapter adds by itself; the HTTP comparison above adds the framework running one more handler, and its noise.',
  };
}

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
