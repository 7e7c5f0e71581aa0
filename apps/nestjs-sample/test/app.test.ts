import type { INestApplication } from '@nestjs/common';
import { SsaTokenService } from '@aps-ssa/nestjs-module';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

// The sample as users run it, over real HTTP, against the emulator standing in for APS.
let emulator: Emulator;
let app: INestApplication | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  emulator.faults.clear();
  emulator.resetCounters();
});
afterAll(() => emulator.close());

async function start(): Promise<string> {
  app = await createApp({ env: emulator.seed.env, logger: false });
  await app.listen(0, '127.0.0.1');
  return app.getUrl();
}

describe('the NestJS sample', () => {
  it('GET /me returns the service account profile, fetched from APS with its token', async () => {
    const url = await start();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: emulator.seed.serviceAccountId, emailId: emulator.seed.serviceAccountEmail });
  });

  it('GET /whoami returns req.user from the aps-ssa Passport strategy', async () => {
    const url = await start();
    const response = await fetch(`${url}/whoami`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: emulator.seed.serviceAccountId,
      clientId: emulator.seed.clientId,
      scopes: [...emulator.seed.scopes].sort(),
    });
  });

  it('GET /healthz is up, with the token expiry', async () => {
    const url = await start();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'up', secondsLeft: expect.any(Number), expiresAt: expect.any(String) });
  });

  it('shares one exchange between the APS client, the Passport strategy and the health check', async () => {
    const url = await start();
    const paths = Array.from({ length: 60 }, (_, i) => ['/me', '/whoami', '/healthz'][i % 3]);
    const statuses = await Promise.all(paths.map(async (path) => (await fetch(`${url}${path}`)).status));
    expect(statuses).toEqual(Array(60).fill(200));
    expect(emulator.counters().exchanges).toBe(1);
  });

  it('answers 503 with Retry-After on every route while APS is rate limiting, not a hang or a crash', async () => {
    // A Retry-After beyond the provider's retry budget ends the refresh at once.
    emulator.faults.inject({ kind: 'rate-limit', retryAfter: 120 });
    const url = await start();

    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(503);
    expect(me.headers.get('retry-after')).toBe('120');
    expect(await me.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      message: 'No Autodesk Platform Services access token can be had right now. Try again later.',
    });
    const whoami = await fetch(`${url}/whoami`);
    expect(whoami.status).toBe(503);
    expect(await whoami.json()).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    const healthText = await health.text();
    expect(JSON.parse(healthText)).toMatchObject({
      status: 'down',
      error: { code: 'ERR_SSA_TOKEN_UNAVAILABLE', message: 'No Autodesk Platform Services access token can be had right now. Try again later.' },
    });
    // Nothing of this server's identity or of APS's answer for an anonymous prober.
    for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, '429', 'rate']) expect(healthText).not.toContain(detail);
    // Callers waited on the one refused exchange; none started another before Retry-After.
    expect(emulator.counters().exchanges).toBe(1);
  });

  it('closes its token provider when the app closes', async () => {
    const url = await start();
    expect((await fetch(`${url}/me`)).status).toBe(200);
    const { provider } = app!.get(SsaTokenService);
    await app!.close();
    app = undefined;
    expect(provider.closed).toBe(true);
  });

  it('refuses to start with an incomplete configuration, naming every missing variable', async () => {
    const { APS_CLIENT_ID } = emulator.seed.env;
    await expect(createApp({ env: { APS_CLIENT_ID }, logger: false })).rejects.toMatchObject({
      code: 'ERR_SSA_CONFIG',
      message: expect.stringMatching(/5 problem\(s\):\n {2}- APS_CLIENT_SECRET: is not set.*\n {2}- APS_SA_ID: .*\n {2}- APS_SA_KEY_ID: .*\n {2}- APS_SA_PRIVATE_KEY: .*\n {2}- APS_SCOPES: /),
    });
  });
});
