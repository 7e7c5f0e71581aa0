import { createTokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import { instrumentApsSsa } from '@aps-ssa/opentelemetry';
import type { ApsSsaInstrumentation } from '@aps-ssa/opentelemetry';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { formatNumber, formatRatio } from '../format.js';
import { alternate, benchmark, mapValues, opsPerSecond } from '../measure.js';
import type { Benchmark } from '../measure.js';
import { figure, ratio } from '../scenario.js';
import type { Figure, Scenario } from '../scenario.js';
import { median } from '../stats.js';

const SETTINGS = { full: { rounds: 7, sampleMs: 500 }, quick: { rounds: 3, sampleMs: 100 } };

/** What is subscribed to core's tracing channels while a side is measured. */
type Tracing = 'none' | 'bridge (no-op API)' | 'bridge (SDK)';

interface Side {
  readonly bench: Benchmark;
  readonly tracing: Tracing;
}

export const tracing: Scenario = {
  id: 'tracing',
  title: 'Tracing: a cache hit with no subscriber, and with the OpenTelemetry bridge',
  question: 'What does tracing cost on the hot path, when it is off and when @aps-ssa/opentelemetry is on?',
  async run({ quick, log }) {
    const { rounds, sampleMs } = quick ? SETTINGS.quick : SETTINGS.full;
    const emulator = await startEmulator({ port: 0 });
    const provider = createTokenProvider({ env: emulator.seed.env });
    // The SDK with nowhere to send: spans and metrics are made and recorded, then dropped, so that what is measured
    // is the bridge and the SDK's bookkeeping, not an exporter.
    const sdk = { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() };
    let active: ApsSsaInstrumentation | undefined;
    const attach = (side: Tracing): void => {
      active?.disable();
      active = side === 'none' ? undefined : instrumentApsSsa(side === 'bridge (SDK)' ? sdk : {});
    };
    try {
      const token = await provider.getToken();
      const resolved = Promise.resolve(token);
      const sides: Record<'floor' | 'untraced' | 'noopBridge' | 'sdkBridge', Side> = {
        floor: { bench: benchmark('floor + Date.now() + performance.now()', () => (Date.now(), performance.now(), resolved)), tracing: 'none' },
        untraced: { bench: benchmark('provider.getToken(), no subscriber', () => provider.getToken()), tracing: 'none' },
        noopBridge: { bench: benchmark('provider.getToken(), bridge on the no-op API', () => provider.getToken()), tracing: 'bridge (no-op API)' },
        sdkBridge: { bench: benchmark('provider.getToken(), bridge on the OpenTelemetry SDK', () => provider.getToken()), tracing: 'bridge (SDK)' },
      };
      log(`  ${rounds} alternating rounds of ${sampleMs} ms per side; the bridge is attached before its sides and detached after`);
      const measure = async (side: Side, duration: number): Promise<number> => {
        attach(side.tracing);
        try {
          return await opsPerSecond(side.bench, duration);
        } finally {
          attach('none');
        }
      };
      for (const side of Object.values<Side>(sides)) await measure(side, sampleMs / 2);
      const samples = await alternate(sides, rounds, (side) => measure(side, sampleMs));
      const figures = mapValues(sides, (side, key) => figure(side.bench.label, 'ops/s', samples[key]));
      const { floor, untraced, noopBridge, sdkBridge } = figures;
      if (provider.stats.exchanges !== 1) throw new Error(`The provider exchanged ${provider.stats.exchanges} times: it was not measured on its cached path.`);

      const untracedToFloor = ratio('getToken() without subscriber / (floor + both clocks)', untraced, floor);
      const noopToUntraced = ratio('getToken() with the bridge (no-op API) / without subscriber', noopBridge, untraced);
      const sdkToUntraced = ratio('getToken() with the bridge (SDK) / without subscriber', sdkBridge, untraced);
      const nanos = (f: Figure): number => 1e9 / median(f.samples);
      return {
        figures: [floor, untraced, noopBridge, sdkBridge],
        ratios: [untracedToFloor, noopToUntraced, sdkToUntraced],
        parameters: { rounds, 'sample (ms)': sampleMs },
        reading: [
          `With no subscriber a cache hit costs about ${formatNumber(nanos(untraced))} ns, ${formatRatio(untracedToFloor.value)} the rate of ` +
            'its floor (the two clock reads every hit makes): tracing off is three property reads (`hasSubscribers` of the ' +
            "channel's start, asyncEnd and error), compare with the cache-hit scenario's same ratio. With `@aps-ssa/opentelemetry` " +
            `attached, every \`getToken()\` makes a span: about ${formatNumber(nanos(noopBridge))} ns on the no-op API ` +
            `(${formatRatio(noopToUntraced.value)} the untraced rate) and ${formatNumber(nanos(sdkBridge))} ns with the SDK recording ` +
            `spans and metrics (${formatRatio(sdkToUntraced.value)}). Part of it is the AsyncLocalStorage the bridge binds to the ` +
            "getToken channel (so that exchanges nest under the getToken that started them): on Node.js 20 an enabled " +
            "AsyncLocalStorage turns on promise hooks for the whole process, a cost an app running OpenTelemetry's " +
            'AsyncLocalStorage context manager already pays.',
        ],
      };
    } finally {
      active?.disable();
      await provider.close();
      await emulator.close();
    }
  },
};
