// Trust: every fault the emulator can inject (and its clock far ahead or behind), on a cold provider
// (no token yet) and on a warm one (a valid token, past its refresh point), through ssaTokenMiddleware.
// Cold: a typed, actionable error within the retry budget, never a hang. Warm: the cached token keeps
// being served. Both: recovery once the fault clears, without a restart, and no unhandled rejection.
import { ProviderRegistry } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { FAULT_KINDS, startEmulator } from '@aps-ssa/emulator';
import type { Emulator, FaultSpec } from '@aps-ssa/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ssaTokenMiddleware } from '../../src/index.js';
import { eventually, serveApp, trackUnhandledRejections } from './support.js';
import type { TestApp } from './support.js';

const HOUR = 3_600_000;
const LIFETIME_S = 3599;
/** Small budgets, so that an outage is reported within seconds (still ample for a loaded CI machine). */
const FAST = { retry: { maxAttempts: 2, baseDelay: 20, maxDelay: 100, budget: 3_000 }, timeout: 2_000, failureCoolDown: 300 } as const;

interface Fault {
  readonly name: string;
  /** Injected on the jwt-bearer exchange, for every attempt until cleared. */
  readonly spec?: FaultSpec;
  /** Or: the emulator's clock moved by this much. */
  readonly clockOffset?: number;
  /** Cold: the answer expected (a skewed clock is corrected by the provider: 200). */
  readonly cold: { status: 200 } | { status: 502 | 503; message: RegExp };
}

const FAULTS: readonly Fault[] = [
  { name: '429 with Retry-After', spec: { kind: 'rate-limit', retryAfter: 1 }, cold: { status: 503, message: /rate-limit|HTTP 429/i } },
  { name: '500', spec: { kind: 'server-error', status: 500 }, cold: { status: 503, message: /HTTP 500/ } },
  { name: '502', spec: { kind: 'server-error', status: 502 }, cold: { status: 503, message: /HTTP 502/ } },
  { name: '503', spec: { kind: 'server-error', status: 503 }, cold: { status: 503, message: /HTTP 503/ } },
  { name: 'hang', spec: { kind: 'hang' }, cold: { status: 503, message: /did not answer within 2000 ms/ } },
  { name: 'connection reset', spec: { kind: 'reset' }, cold: { status: 503, message: /Could not reach the token endpoint/ } },
  { name: 'malformed JSON', spec: { kind: 'malformed-json' }, cold: { status: 503, message: /not valid JSON/ } },
  { name: 'HTML error page', spec: { kind: 'html', status: 502 }, cold: { status: 503, message: /HTTP 502/ } },
  { name: '200 without access_token', spec: { kind: 'missing-fields' }, cold: { status: 502, message: /without an access_token/ } },
  { name: '200 with expires_in a string', spec: { kind: 'missing-fields', expiresIn: '3599' }, cold: { status: 502, message: /expires_in/ } },
  { name: 'clock 2 h ahead', clockOffset: 2 * HOUR, cold: { status: 200 } },
  { name: 'clock 2 h behind', clockOffset: -2 * HOUR, cold: { status: 200 } },
];

let emulator: Emulator;
const rejections = trackUnhandledRejections();
const open: Array<{ app: TestApp; registry: ProviderRegistry }> = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterEach(async () => {
  emulator.faults.clear();
  emulator.clock.setOffset(0);
  emulator.resetCounters();
  for (const { app, registry } of open.splice(0)) {
    await app.close();
    await registry.close();
  }
});
afterAll(async () => {
  await emulator.close();
  rejections.stop();
});

/** A fresh middleware (its own registry, so its own provider) whose clock is `shift` ms ahead of real time. */
async function start(clock: { shift: number }): Promise<{ app: TestApp; provider: TokenProvider }> {
  const registry = new ProviderRegistry();
  const middleware = ssaTokenMiddleware({ env: emulator.seed.env, registry, ...FAST, clock: { now: () => Date.now() + clock.shift } });
  const app = await serveApp(middleware);
  open.push({ app, registry });
  return { app, provider: middleware.provider };
}

function inject(fault: Fault, baseOffset: number): void {
  if (fault.spec !== undefined) emulator.faults.inject({ ...fault.spec, count: 1_000_000 });
  emulator.clock.setOffset(baseOffset + (fault.clockOffset ?? 0));
}

/**
 * The fault clears: the token endpoint answers again; a skewed clock is fixed the way it is in life,
 * by this machine's clock jumping to agree with the token endpoint's (an NTP correction), which the
 * provider must cope with too.
 */
function clear(fault: Fault, clock: { shift: number }): void {
  emulator.faults.clear();
  clock.shift += fault.clockOffset ?? 0;
}

it('covers every fault kind the emulator has', () => {
  expect(new Set(FAULTS.flatMap((f) => (f.spec ? [f.spec.kind] : [])))).toEqual(new Set(FAULT_KINDS));
});

describe.each(FAULTS)('$name', (fault) => {
  it('cold: a typed error with an actionable message (or the skew corrected), no hang; recovers without a restart', async () => {
    const clock = { shift: 0 };
    const { app } = await start(clock);
    inject(fault, 0);

    const first = await app.get('/token');
    if (fault.cold.status === 200) {
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      // One exchange refused for the skew, one signed on the endpoint's clock.
      expect(emulator.counters().exchanges).toBe(2);
    } else {
      expect(first.status, JSON.stringify(first.body)).toBe(fault.cold.status);
      expect(first.body.error).toBe('ERR_SSA_TOKEN_UNAVAILABLE');
      // The caller gets a generic sentence; the actionable detail is in the log.
      expect(first.body.message).toMatch(/^(No Autodesk Platform Services access token can be had right now|Autodesk Platform Services refused)/);
      expect(JSON.stringify(first.body)).not.toContain(emulator.seed.serviceAccountId);
      expect(app.logged.at(-1)).toMatch(fault.cold.message);
      expect(app.logged.at(-1)).toMatch(/^ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token/);
      if (fault.cold.status === 503) expect(Number(first.retryAfter)).toBeGreaterThanOrEqual(1);
    }

    clear(fault, clock);
    const recovered = await eventually(async () => (await app.get('/token')).status === 200);
    expect(recovered, 'no token after the fault cleared').toBe(true);
    const me = await app.get('/me');
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(rejections.reasons).toEqual([]);
  });

  it('warm: the cached token is served throughout the fault; a new one (or the same, still valid) works once it clears', async () => {
    const clock = { shift: 0 };
    const { app, provider } = await start(clock);
    const warm = await app.get('/token');
    expect(warm.status).toBe(200);
    // Two minutes before expiry: past the refresh point (5-10 min before), still valid for callers.
    clock.shift = (LIFETIME_S - 120) * 1000;
    // A failing endpoint fails the refresh; a skewed clock is learned from the refusal and the refresh succeeds.
    const outcome = new Promise((resolve) => provider.on(fault.spec === undefined ? 'refreshed' : 'refresh-failed', resolve));
    inject(fault, clock.shift);

    for (let i = 0; i < 3; i++) {
      const served = await app.get('/token');
      expect(served.status, JSON.stringify(served.body)).toBe(200);
      // Served from the cache (or, for a skewed clock, by the corrected exchange): never an error.
      if (fault.spec !== undefined) expect(served.body.fingerprint).toBe(warm.body.fingerprint);
    }
    await outcome;

    clear(fault, clock);
    if (fault.spec !== undefined) {
      const renewed = await eventually(async () => (await app.get('/token')).body.fingerprint !== warm.body.fingerprint);
      expect(renewed, 'the token was not renewed after the fault cleared').toBe(true);
    }
    // After a clock correction the token in hand may rightly stay (it is valid): it must keep working.
    const working = await eventually(async () => (await app.get('/me')).status === 200);
    expect(working, '/me never succeeded after the fault cleared').toBe(true);
    expect(rejections.reasons).toEqual([]);
  });
});
