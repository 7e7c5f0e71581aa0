import { performance, createHistogram } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createTokenProvider } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { formatNumber, formatRatio } from '../format.js';
import { alternate, mapValues } from '../measure.js';
import { figure, ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorker } from '../worker-process.js';

const SETTINGS = { full: { rounds: 3, seconds: 6 }, quick: { rounds: 1, seconds: 3.5 } };
/** Concurrent callers, each asking for a token once per event-loop turn, as that many busy request handlers would. */
const CALLERS = 100;
/** Seconds: refreshed between 2 and 3 s after it is issued, so a run sees several refreshes. */
const SHORT_LIFETIME = 4;
/** The emulator's (and APS's) usual lifetime: no refresh during a run. */
const USUAL_LIFETIME = 3599;
const MODES = { refreshing: `tokens of ${SHORT_LIFETIME} s (refreshes during the run)`, steady: 'tokens of 1 h (no refresh)' };

interface LoadOutcome {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly calls: number;
  readonly failures: number;
  readonly blocked: number;
  readonly refreshes: number;
}

export const refreshUnderLoad: Scenario = {
  id: 'refresh-under-load',
  title: 'Refresh under load: latency of getToken() while tokens are refreshed',
  question: 'Do callers notice when the token is refreshed under steady traffic?',
  async run({ quick, log }) {
    const { rounds, seconds } = quick ? SETTINGS.quick : SETTINGS.full;
    // The emulator gets a process of its own, so that only the provider's work shares the measured event loop.
    const emulator = await startWorker<{ env: Record<string, string> }>('emulator-host', { args: [JSON.stringify({ port: 0, rateLimit: 0 })] });
    try {
      log(`  ${rounds} alternating round(s) of ${seconds} s, ${CALLERS} concurrent callers`);
      const outcomes = await alternate(MODES, rounds, async (_, mode) => {
        await emulator.call('setTokenLifetime', { seconds: mode === 'refreshing' ? SHORT_LIFETIME : USUAL_LIFETIME });
        const provider = createTokenProvider({ env: emulator.ready.env });
        try {
          await provider.getToken();
          return await steadyLoad(provider, seconds);
        } finally {
          await provider.close();
        }
      });
      const refreshes = outcomes.refreshing.map((o) => o.refreshes);
      if (Math.min(...refreshes) === 0) throw new Error(`A run of ${seconds} s saw no refresh: the short token lifetime is too long for it.`);
      const per = (what: keyof LoadOutcome, label: string, unit: string) =>
        mapValues(MODES, (description, mode) => figure(`${label}, ${description}`, unit, outcomes[mode].map((o) => o[what])));
      const p50 = per('p50', 'p50 latency', 'µs');
      const p99 = per('p99', 'p99 latency', 'µs');
      const max = per('max', 'max latency', 'µs');
      const calls = per('calls', 'calls served', 'calls');
      const failures = per('failures', 'failed calls', 'calls');
      const blocked = per('blocked', 'calls that waited for an exchange', 'calls');
      const refreshed = figure(`refreshes during a run, ${MODES.refreshing}`, 'refreshes', refreshes);
      const p50Ratio = ratio('p50 latency, refreshing / no refresh', p50.refreshing, p50.steady);
      const p99Ratio = ratio('p99 latency, refreshing / no refresh', p99.refreshing, p99.steady);
      const failed = Math.max(...failures.refreshing.samples, ...failures.steady.samples);
      const waited = Math.max(...blocked.refreshing.samples);
      return {
        figures: [p50.refreshing, p50.steady, p99.refreshing, p99.steady, max.refreshing, max.steady, calls.refreshing, calls.steady, refreshed, failures.refreshing, failures.steady, blocked.refreshing, blocked.steady],
        ratios: [p50Ratio, p99Ratio],
        parameters: { rounds, 'run (s)': seconds, callers: `${CALLERS}, each calling getToken() once per event-loop turn`, emulator: 'in its own process' },
        reading: [
          `With tokens refreshed about every ${formatNumber(seconds / median(refreshes))} s under ${CALLERS} concurrent callers, getToken()'s p50 is ` +
            `${formatNumber(median(p50.refreshing.samples))} µs and its p99 ${formatNumber(median(p99.refreshing.samples))} µs, against ` +
            `${formatNumber(median(p50.steady.samples))} µs and ${formatNumber(median(p99.steady.samples))} µs without refreshes ` +
            `(${formatRatio(p50Ratio.value)} and ${formatRatio(p99Ratio.value)}). ${failed === 0 ? 'No call failed' : `${failed} calls failed`}, and ` +
            `${waited === 0 ? 'none waited for an exchange: every refresh ran in the background while callers kept the current token' : `up to ${waited} calls in a run waited for an exchange`}.`,
          median(max.refreshing.samples) <= 2 * median(max.steady.samples)
            ? `The slowest single calls are about as slow without refreshes as with them (${formatNumber(median(max.steady.samples) / 1000)} ms without, ` +
              `${formatNumber(median(max.refreshing.samples) / 1000)} ms with): they are this process being descheduled on a busy machine, not the refresh.`
            : `The slowest single call is slower with refreshes (${formatNumber(median(max.refreshing.samples) / 1000)} ms, against ` +
              `${formatNumber(median(max.steady.samples) / 1000)} ms without): most likely a caller resumed just after a refresh's synchronous work ` +
              '(encoding the assertion, parsing the response); the RSA signature itself runs on the thread pool.',
          ...(waited > 0
            ? [
                'Why callers waited: for tokens living under 2 minutes, core caps the refresh margin (5 min), its jitter (5 min) and `minValidity` ' +
                  "(30 s) all at a quarter of the token's life (`#adopt()` in core's `src/provider/token-provider.ts`), so the refresh point is drawn between 1/2 and 3/4 of the life " +
                  'while the token stops being served at 3/4. A refresh point drawn near the end of that window leaves no time for the background ' +
                  'refresh, and every caller waits for the exchange. With APS\'s one-hour tokens the refresh comes 5 to 10 minutes before expiry and ' +
                  'callers wait only 30 s before it, so this cannot happen; with an emulator\'s very short tokens it can. Fix: cap `minValidity` at an eighth of the life instead of a quarter (or ' +
                  'draw the refresh point between 1/2 and 5/8), which keeps at least an eighth of the life for the background refresh.',
              ]
            : []),
        ],
      };
    } finally {
      await emulator.stop();
    }
  },
};

/** {@link CALLERS} callers asking for tokens, each once per event-loop turn, for `seconds`. Latencies in µs. */
async function steadyLoad(provider: TokenProvider, seconds: number): Promise<LoadOutcome> {
  const before = provider.stats;
  // Nanoseconds, in an HDR histogram: millions of calls without keeping each latency.
  const histogram = createHistogram();
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const caller = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await provider.getToken();
      } catch {
        failures++;
      }
      histogram.record(Math.max(1, Math.round((performance.now() - started) * 1e6)));
      // Yield to the event loop as a request handler does between requests, or the refresh's I/O would never run.
      await nextTurn();
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const after = provider.stats;
  return {
    p50: histogram.percentile(50) / 1000,
    p99: histogram.percentile(99) / 1000,
    max: histogram.max / 1000,
    calls: histogram.count,
    failures,
    blocked: after.cacheMisses - before.cacheMisses,
    refreshes: after.refreshes - before.refreshes,
  };
}
