// Trust: a bounded soak through the Express sample (apps/express-sample's createApp, imported from its
// source: it depends on this package, not the reverse). Tokens expire every 4 s under steady concurrent
// load: no request fails, none reaches APS with an expired token, and exchanges stay near one per lifetime.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../../../apps/express-sample/src/app.js';
import { HANG_LIMIT, trackUnhandledRejections } from './support.js';

const SOAK_MS = 20_000;
const LIFETIME_S = 4;
const WORKERS = 8;

let emulator: Emulator;
const rejections = trackUnhandledRejections();

beforeAll(async () => {
  // The documented 10 exchanges a minute would be exceeded by design here (a token every 4 s).
  emulator = await startEmulator({ port: 0, rateLimit: 0, tokenLifetime: LIFETIME_S });
});
afterAll(async () => {
  await emulator.close();
  rejections.stop();
});

it(`serves ${WORKERS} concurrent clients for ${SOAK_MS / 1000} s on ${LIFETIME_S} s tokens without a failure or an expired token`, async () => {
  const provider = createTokenProvider({ env: emulator.seed.env });
  const app = createApp({ provider });
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
  emulator.resetCounters();

  const failures: string[] = [];
  let served = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (Date.now() - started < SOAK_MS) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(HANG_LIMIT) });
        const body = await response.text();
        if (response.status === 200) served++;
        else failures.push(`${response.status} ${body.slice(0, 200)}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: WORKERS }, worker));
  } finally {
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    await provider.close();
  }

  const counters = emulator.counters();
  const elapsed = (Date.now() - started) / 1000;
  const lifetimes = elapsed / LIFETIME_S;
  expect(failures.slice(0, 5), `${failures.length} of ${served + failures.length} requests failed`).toEqual([]);
  expect(served).toBeGreaterThan(WORKERS * 10);
  // Every /me request reached APS with a token it accepted: not one 401 (expired) or other refusal.
  expect(counters.userprofile, 'requests reached APS with a token it refused (the emulator log says why, e.g. "(expired)")').toEqual({ ok: served, rate_limited: 0 });
  // Refreshed ahead, with a quarter of the lifetime as margin, on a token counted as ending 1.5 s before its
  // expires_in (exp's rounding): more than one exchange per 4 s lifetime, under three (one-hour tokens: about one).
  expect(counters.exchanges, `${counters.exchanges} exchanges in ${lifetimes.toFixed(1)} lifetimes`).toBeGreaterThanOrEqual(Math.floor(lifetimes));
  expect(counters.exchanges).toBeLessThanOrEqual(Math.ceil(lifetimes * 3) + 1);
  expect(counters['token:jwt-bearer']).toEqual({ ok: counters.exchanges, rate_limited: 0 });
  expect(rejections.reasons).toEqual([]);
}, SOAK_MS + 30_000);
