import { FAST_FAILURE, sharedSampleScenarios, UNAVAILABLE, useSampleApp } from '@aps-ssa/test-support';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app.js';

/** Listens on a free loopback port; `close()` closes the app, so its provider too. */
async function serve(app: FastifyInstance): Promise<{ url: string; close(): Promise<void> }> {
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
}

describe('fastify-sample', () => {
  const sample = useSampleApp(createApp, serve);
  sharedSampleScenarios(sample);

  it('GET /me returns the service account profile, fetched from APS with its token', async () => {
    const url = await sample.serve();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: sample.emulator.seed.serviceAccountId, emailId: sample.emulator.seed.serviceAccountEmail });
    expect(sample.emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 1 } });
  });

  it('GET /healthz says a token can be had and how long it stays valid', async () => {
    const url = await sample.serve();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; expiresAt: string; expiresIn: number; scopes: string[] };
    expect(body).toMatchObject({ status: 'ok', scopes: ['data:read', 'user-profile:read'] });
    expect(body.expiresIn).toBeGreaterThan(3_500);
    expect(body.expiresIn).toBeLessThanOrEqual(3_599);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
  });

  it('answers 503 JSON, not a hang, when APS fails on a cold start', async () => {
    sample.emulator.faults.inject({ kind: 'server-error', status: 503, count: 100 });
    const url = await sample.serve(FAST_FAILURE);
    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(503);
    expect(me.headers.get('retry-after')).toMatch(/^\d+$/);
    const meText = await me.text();
    expect(JSON.parse(meText)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });

    await sample.expectColdStartOutage(url, meText, 503);
  });
});
