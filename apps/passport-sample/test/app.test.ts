import { FAST_FAILURE, sharedSampleScenarios, UNAVAILABLE, useSampleApp } from '@aps-ssa/test-support';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

describe('passport-sample', () => {
  const sample = useSampleApp(createApp);
  sharedSampleScenarios(sample);

  it('GET /me authenticates as the service account and returns its APS profile', async () => {
    const url = await sample.serve();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: sample.emulator.seed.serviceAccountId, emailId: sample.emulator.seed.serviceAccountEmail });
    expect(sample.emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 1 } });
  });

  it('GET /me answers 401 when the verify callback refuses a token without user-profile:read', async () => {
    const url = await sample.serve({ scopes: ['data:read'] });
    const response = await fetch(`${url}/me`);
    expect([response.status, await response.text()]).toEqual([401, 'Unauthorized']);
    expect(sample.emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 0 } });
  });

  it('GET /healthz says a token can be had and how long it stays valid', async () => {
    const url = await sample.serve();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; expiresIn: number; scopes: string[] };
    expect(body).toMatchObject({ status: 'ok', scopes: ['data:read', 'user-profile:read'] });
    expect(body.expiresIn).toBeGreaterThan(3_500);
    expect(body.expiresIn).toBeLessThanOrEqual(3_599);
  });

  it('answers 503 JSON, not a hang, when APS fails on a cold start', async () => {
    sample.emulator.faults.inject({ kind: 'server-error', count: 100 });
    const url = await sample.serve(FAST_FAILURE);
    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(503);
    const meText = await me.text();
    // Retry-After is when the provider allows its next exchange, as the logged reason says.
    const next = /the next exchange is allowed in (\d+) s/.exec(sample.logged.join('\n'))?.[1];
    expect(me.headers.get('retry-after')).toBe(String(Math.max(1, Number(next))));
    expect(JSON.parse(meText)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });

    await sample.expectColdStartOutage(url, meText, 500);
  });
});
