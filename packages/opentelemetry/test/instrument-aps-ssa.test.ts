// The OpenTelemetry bridge, through the real SDK's in-memory exporters: spans nest under the caller's active span
// (AsyncLocalStorage context manager), exchanges nest under the getToken that started them, the metrics count
// exchanges, stale serves, the rate limit and the seconds a token has left, and no attribute holds a secret.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createTokenProvider } from '@aps-ssa/core';
import { createAdminClient } from '@aps-ssa/core/admin';
import { expectNoSecrets } from '@aps-ssa/test-support';
import { instrumentApsSsa } from '../src/index.js';

let emulator: Emulator;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 10 });
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await emulator?.close();
});

function sdk() {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    async metrics(): Promise<MetricData[]> {
      await reader.forceFlush();
      return metricExporter.getMetrics().at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
    },
  };
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('instrumentApsSsa()', () => {
  it('makes nested spans and metrics for getToken, exchanges and admin calls, with no secret in any attribute', async () => {
    const otel = sdk();
    const instrumentation = instrumentApsSsa({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
    const assertions: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      assertions.push(new URLSearchParams(await (input as Request).clone().text()).get('assertion') ?? '');
      return fetch(input, init);
    };
    let now = Date.now();
    const offset = emulator.clock.offset;
    const clock = { now: () => now, monotonic: () => now };
    const provider = createTokenProvider({ env: emulator.seed.env, fetch: recording, clock, retry: { maxAttempts: 1 } });
    const tokens: string[] = [];
    try {
      const tracer = otel.tracerProvider.getTracer('test');
      await tracer.startActiveSpan('request', async (request) => {
        tokens.push((await provider.getToken()).accessToken);
        tokens.push((await provider.getToken()).accessToken);
        request.end();
      });
      // Past the refresh point, the endpoint refuses (429, Retry-After 9): the token is served stale.
      // The emulator's clock moves with ours, so that the provider learns no skew from its Date headers.
      const ahead = provider.stats.refreshAt! + 2_000 - now;
      emulator.clock.setOffset(emulator.clock.offset + ahead);
      now += ahead;
      emulator.faults.inject({ kind: 'rate-limit', retryAfter: 9, count: 1 });
      await provider.getToken();
      await expect.poll(() => provider.stats.nextAttemptAt).toBeDefined();
      await provider.getToken();
      const admin = createAdminClient({ baseUrl: emulator.url, clientId: emulator.seed.clientId, clientSecret: emulator.seed.clientSecret });
      await admin.listKeys(emulator.seed.serviceAccountId);
      await expect.poll(() => otel.spans().filter((s) => s.name === 'aps-ssa exchange').length).toBe(2);

      const spans = otel.spans();
      const request = spans.find((s) => s.name === 'request')!;
      const getTokens = spans.filter((s) => s.name === 'aps-ssa getToken');
      const exchanges = spans.filter((s) => s.name === 'aps-ssa exchange');
      expect(getTokens).toHaveLength(4);
      expect(getTokens.slice(0, 2).map(parentOf)).toEqual([request.spanContext().spanId, request.spanContext().spanId]);
      expect(getTokens.map((s) => s.attributes['aps_ssa.served'])).toEqual(['wait', 'hit', 'hit', 'stale']);
      expect(getTokens[3]!.attributes['aps_ssa.stale']).toBe(true);
      expect(getTokens[0]!.attributes).toMatchObject({
        'aps_ssa.client_id': emulator.seed.clientId,
        'aps_ssa.service_account_id': emulator.seed.serviceAccountId,
        'aps_ssa.key_id': emulator.seed.keyId,
        'aps_ssa.scopes': [...emulator.seed.scopes],
        'aps_ssa.outcome': 'success',
      });
      // The first exchange runs under the getToken that waited for it; the background refresh under the hit that started it.
      expect(parentOf(exchanges[0]!)).toBe(getTokens[0]!.spanContext().spanId);
      expect(parentOf(exchanges[1]!)).toBe(getTokens[2]!.spanContext().spanId);
      expect(exchanges[0]!.attributes).toMatchObject({ 'http.response.status_code': 200, 'aps_ssa.attempt': 1, 'aps_ssa.rate_limit.limit': 10 });
      expect(exchanges[1]!.attributes).toMatchObject({
        'http.response.status_code': 429,
        'error.type': 'ERR_SSA_RATE_LIMITED',
        'aps_ssa.retry_after': 9,
        'aps_ssa.outcome': 'failure',
      });
      expect(exchanges[1]!.status.code).toBe(2);
      const adminSpan = spans.find((s) => s.name === 'aps-ssa admin')!;
      expect(adminSpan.attributes).toMatchObject({ 'http.request.method': 'GET', 'aps_ssa.outcome': 'success' });

      const metrics = await otel.metrics();
      const metric = (name: string) => metrics.find((m) => m.descriptor.name === name);
      const points = (name: string) => metric(name)?.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })) ?? [];
      expect(points('aps_ssa.exchanges')).toEqual(
        expect.arrayContaining([
          { attributes: { 'aps_ssa.outcome': 'success', 'aps_ssa.client_id': emulator.seed.clientId }, value: 1 },
          { attributes: { 'aps_ssa.outcome': 'failure', 'aps_ssa.client_id': emulator.seed.clientId, 'error.type': 'ERR_SSA_RATE_LIMITED' }, value: 1 },
        ]),
      );
      expect(points('aps_ssa.token.stale_served').map((p) => p.value)).toEqual([1]);
      expect(metric('aps_ssa.exchange.duration')?.dataPoints.map((p) => (p.value as { count: number }).count).sort()).toEqual([1, 1]);
      const left = points('aps_ssa.token.remaining')[0]!.value as number;
      expect(left).toBeGreaterThan(0);
      expect(points('aps_ssa.rate_limit.remaining')[0]!.value).toEqual(expect.any(Number));

      const exported = JSON.stringify({
        spans: spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events, links: s.links })),
        metrics,
      });
      expectNoSecrets(exported, emulator, [...tokens, ...assertions]);
    } finally {
      emulator.clock.setOffset(offset);
      instrumentation.disable();
      await provider.close();
    }
  });

  it('stops making spans once disabled', async () => {
    const otel = sdk();
    instrumentApsSsa({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }).disable();
    const provider = createTokenProvider({ env: emulator.seed.env });
    await provider.getToken();
    await provider.close();
    expect(otel.spans()).toEqual([]);
  });

  it('rejects an unknown option with a suggestion', () => {
    expect(() => instrumentApsSsa({ tracerProvdier: undefined } as never)).toThrow(/Did you mean `tracerProvider`/);
  });
});
