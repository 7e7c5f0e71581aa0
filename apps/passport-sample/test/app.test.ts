import { ProviderRegistry } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { FAST_FAILURE, expectNoSecrets, listen } from './support.js';

const UNAVAILABLE = 'No Autodesk Platform Services access token can be had right now. Try again later.';

describe('passport-sample', () => {
  let emulator: Emulator;
  let registry: ProviderRegistry;
  let server: { url: string; close(): Promise<void> } | undefined;
  let logged: string[];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    registry = new ProviderRegistry();
    logged = [];
    // The sample logs failures with console.error: kept here to check what reaches the log.
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await registry.close();
    await emulator.close();
    vi.restoreAllMocks();
  });

  /** A body for anonymous callers: no service account or client id, no URL, none of APS's text. */
  function expectGeneric(text: string): void {
    for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, 'http', 'APS', 'invalid_', 'exchange']) {
      expect(text).not.toContain(detail);
    }
  }

  async function serve(options: Parameters<typeof createApp>[0] = {}): Promise<string> {
    server = await listen(createApp({ env: emulator.seed.env, registry, ...options }));
    return server.url;
  }

  it('GET /me authenticates as the service account and returns its APS profile', async () => {
    const url = await serve();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: emulator.seed.serviceAccountId, emailId: emulator.seed.serviceAccountEmail });
    expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 1 } });
  });

  it('GET /me answers 401 when the verify callback refuses a token without user-profile:read', async () => {
    const url = await serve({ scopes: ['data:read'] });
    const response = await fetch(`${url}/me`);
    expect([response.status, await response.text()]).toEqual([401, 'Unauthorized']);
    expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 0 } });
  });

  it('GET /healthz says a token can be had and how long it stays valid', async () => {
    const url = await serve();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; expiresIn: number; scopes: string[] };
    expect(body).toMatchObject({ status: 'ok', scopes: ['data:read', 'user-profile:read'] });
    expect(body.expiresIn).toBeGreaterThan(3_500);
    expect(body.expiresIn).toBeLessThanOrEqual(3_599);
  });

  it('shares one exchange between 50 concurrent requests on a cold start', async () => {
    const url = await serve();
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/me`)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 50 } });
  });

  it('answers 503 JSON, not a hang, when APS fails on a cold start', async () => {
    emulator.faults.inject({ kind: 'server-error', count: 100 });
    const url = await serve(FAST_FAILURE);
    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(503);
    const meText = await me.text();
    // Retry-After is when the provider allows its next exchange, as the logged reason says.
    const next = /the next exchange is allowed in (\d+) s/.exec(logged.join('\n'))?.[1];
    expect(me.headers.get('retry-after')).toBe(String(Math.max(1, Number(next))));
    expect(JSON.parse(meText)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    const healthText = await health.text();
    expect(JSON.parse(healthText)).toEqual({ status: 'unavailable', error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });
    for (const text of [meText, healthText]) {
      expectGeneric(text);
      expectNoSecrets(text, emulator);
    }
    // The detail is in the log, once for /me and once for /healthz.
    expect(logged).toEqual([
      expect.stringMatching(new RegExp(`^ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token for service account ${emulator.seed.serviceAccountId} .*500`, 's')),
      expect.stringMatching(/^healthz: ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token/),
    ]);
    expectNoSecrets(logged.join('\n'), emulator);
  });

  it('answers 502 when APS refuses the credentials, and 503 when it cannot be reached', async () => {
    const refused = await serve({ ...FAST_FAILURE, clientSecret: 'wrong-secret-0123456789abcdef' });
    const response = await fetch(`${refused}/me`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: "Autodesk Platform Services refused this server's service account credentials." });
    expectGeneric(text);
    expect(logged).toEqual([expect.stringMatching(/client credentials are invalid/)]);
    expect(`${text}${logged.join('')}`).not.toContain('wrong-secret-0123456789abcdef');

    await server!.close();
    await registry.close();
    const unreachable = await serve(FAST_FAILURE);
    await emulator.close();
    expect((await fetch(`${unreachable}/me`)).status).toBe(503);
  });
});
