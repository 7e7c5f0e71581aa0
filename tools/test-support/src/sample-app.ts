import { ProviderRegistry } from '@aps-ssa/core';
import type { ProviderSourceOptions } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { expectNoSecrets } from './expect-no-secrets.js';
import { FAST_FAILURE } from './fast-failure.js';
import { listen } from './listen.js';

/** The body text a sample answers anonymous callers when no token can be had. */
export const UNAVAILABLE = 'No Autodesk Platform Services access token can be had right now. Try again later.';

/** A sample app under test, with the emulator it talks to and what it logged with console.error. */
export interface SampleAppHarness {
  readonly emulator: Emulator;
  readonly registry: ProviderRegistry;
  readonly logged: readonly string[];
  /** Serves `createApp({ env, registry, ...options })` on a free port; resolves to its URL. */
  serve(options?: ProviderSourceOptions): Promise<string>;
  /** Stops the app being served (the harness also stops it after each test). */
  stop(): Promise<void>;
  /** A body for anonymous callers: no service account or client id, no URL, none of APS's text. */
  expectGeneric(text: string): void;
  /**
   * After a cold start during an APS outage answered with `apsStatus`, and `/me`'s body `meText`: `/healthz` says
   * unavailable, neither body holds a detail or secret, and the log holds the detail once for each.
   */
  expectColdStartOutage(url: string, meText: string, apsStatus: number): Promise<void>;
}

/** A sample app being served. */
interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Registers the hooks that give each test of a sample a fresh emulator (rate limits off), a registry and a
 * console.error spy (the samples log failures with it), and stop them after the test. `serve` serves an app made by
 * `createApp` (an Express-like `app.listen(port, host, callback)` by default).
 */
export function useSampleApp<App>(createApp: (options: ProviderSourceOptions) => App, serve: (app: App) => Promise<Served> = listen as never): SampleAppHarness {
  let emulator: Emulator;
  let registry: ProviderRegistry;
  let server: Served | undefined;
  let logged: string[] = [];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    registry = new ProviderRegistry();
    logged = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await registry.close();
    await emulator.close();
    vi.restoreAllMocks();
  });

  return {
    get emulator() {
      return emulator;
    },
    get registry() {
      return registry;
    },
    get logged() {
      return logged;
    },
    async serve(options = {}) {
      server = await serve(createApp({ env: emulator.seed.env, registry, ...options }));
      return server.url;
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
    expectGeneric(text) {
      for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, 'http', 'APS', 'invalid_', 'exchange']) {
        expect(text).not.toContain(detail);
      }
    },
    async expectColdStartOutage(url, meText, apsStatus) {
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(503);
      const healthText = await health.text();
      expect(JSON.parse(healthText)).toEqual({ status: 'unavailable', error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });
      for (const text of [meText, healthText]) {
        this.expectGeneric(text);
        expectNoSecrets(text, emulator);
      }
      // The detail is in the log, once for /me and once for /healthz.
      expect(logged).toEqual([
        expect.stringMatching(new RegExp(`^ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token for service account ${emulator.seed.serviceAccountId} .*${apsStatus}`, 's')),
        expect.stringMatching(/^healthz: ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token/),
      ]);
      expectNoSecrets(logged.join('\n'), emulator);
    },
  };
}

/** The scenarios every sample passes alike: one exchange for a cold crowd; refused credentials; APS unreachable. */
export function sharedSampleScenarios(sample: SampleAppHarness): void {
  it('shares one exchange between 50 concurrent requests on a cold start', async () => {
    const url = await sample.serve();
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/me`)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(sample.emulator.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 50 } });
  });

  it('answers 502 when APS refuses the credentials, and 503 when it cannot be reached', async () => {
    const refused = await sample.serve({ ...FAST_FAILURE, clientSecret: 'wrong-secret-0123456789abcdef' });
    const response = await fetch(`${refused}/me`);
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: "Autodesk Platform Services refused this server's service account credentials." });
    sample.expectGeneric(text);
    expect(sample.logged).toEqual([expect.stringMatching(/client credentials are invalid/)]);
    expect(`${text}${sample.logged.join('')}`).not.toContain('wrong-secret-0123456789abcdef');

    await sample.stop();
    await sample.registry.close();
    const unreachable = await sample.serve(FAST_FAILURE);
    await sample.emulator.close();
    expect((await fetch(`${unreachable}/me`)).status).toBe(503);
  });
}

/**
 * The scenarios of a sample whose `GET /me` is behind the adapter and whose `GET /healthz` asks the provider: the
 * profile, the token's lifetime, and a 503 with Retry-After on a cold outage.
 */
export function sampleRouteScenarios(sample: SampleAppHarness): void {
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
}
