import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { controlFetch, exchange, seedAssertion } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.clock.setOffset(0);
  emulator.setTokenLifetime(3599);
  emulator.setRateLimit(0);
});

const json = async (response: Response) => (await response.json()) as Record<string, any>;

describe('control surface under /_emulator/', () => {
  it('GET /state shows the seeded identity and the state, never a secret', async () => {
    const response = await controlFetch(emulator, '/state');
    expect(response.status).toBe(200);
    const text = await response.text();
    const state = JSON.parse(text) as Record<string, any>;
    const { seed } = emulator;
    expect(state.seed).toEqual({ clientId: seed.clientId, serviceAccountId: seed.serviceAccountId, keyId: seed.keyId, scopes: [...seed.scopes] });
    expect(state.settings).toEqual({ tokenLifetime: 3599, rateLimit: 0, strict: true, clockOffsetMs: 0 });
    const account = state.apps[0].serviceAccounts[0];
    expect(account).toMatchObject({ serviceAccountId: seed.serviceAccountId, email: seed.serviceAccountEmail, createdBy: seed.clientId, status: 'ENABLED' });
    expect(account.createdAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
    expect(account.keys).toEqual([{ kid: seed.keyId, status: 'ENABLED', createdAt: expect.any(String), accessedAt: expect.any(String) }]);
    expect(text).not.toContain(seed.clientSecret);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('GET /counters, POST /reset-counters', async () => {
    await exchange(emulator, await seedAssertion(emulator));
    const counters = await json(await controlFetch(emulator, '/counters'));
    expect(counters['token:jwt-bearer'].ok).toBeGreaterThanOrEqual(1);
    expect(counters.exchanges).toBeGreaterThanOrEqual(1);
    const reset = await json(await controlFetch(emulator, '/reset-counters', { method: 'POST' }));
    expect(reset.exchanges).toBe(0);
    expect(emulator.counters().exchanges).toBe(0);
  });

  it('GET /requests returns the log, filtered by since and limit', async () => {
    await exchange(emulator, await seedAssertion(emulator));
    await exchange(emulator, 'garbage');
    const all = (await json(await controlFetch(emulator, '/requests'))).requests as { seq: number; outcome: string }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const last = all.at(-1)!;
    expect(last.outcome).toBe('invalid_grant');
    const since = (await json(await controlFetch(emulator, `/requests?since=${last.seq - 1}`))).requests;
    expect(since).toEqual([last]);
    expect((await json(await controlFetch(emulator, '/requests?limit=1'))).requests).toEqual([last]);
    const bad = await controlFetch(emulator, '/requests?limit=zero');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'bad_request', message: '`since` must be an integer >= 0 and `limit` an integer >= 1.' });
  });

  it('POST/GET/DELETE /faults', async () => {
    const created = await controlFetch(emulator, '/faults', { method: 'POST', body: { kind: 'server-error', status: 503, count: 2 } });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ kind: 'server-error', endpoint: 'token:jwt-bearer', remaining: 2, status: 503 });
    expect((await exchange(emulator, await seedAssertion(emulator))).status).toBe(503);
    expect((await json(await controlFetch(emulator, '/faults'))).pending).toEqual([
      { kind: 'server-error', endpoint: 'token:jwt-bearer', remaining: 1, status: 503 },
    ]);
    expect((await controlFetch(emulator, '/faults', { method: 'DELETE' })).status).toBe(200);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it('refuses bad control requests with 400 and a clear message', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/faults', { kind: 'nope' }, 'Unknown fault kind "nope": use one of rate-limit, server-error, hang, reset, malformed-json, html, missing-fields.'],
      ['POST', '/faults', '{not json', 'The body must be a JSON object.'],
      ['POST', '/faults', [1], 'The body must be a JSON object.'],
      ['PUT', '/clock', { offset: 5 }, 'The body must be {"offsetMs": …}.'],
      ['PUT', '/clock', { offsetMs: 'soon' }, 'The clock offset must be a finite number of milliseconds, got soon.'],
      ['PUT', '/token-lifetime', { seconds: 0 }, '`tokenLifetime` must be an integer from 1 to 86400, got 0.'],
      ['PUT', '/rate-limit', { perMinute: -1 }, '`rateLimit` must be an integer from 0 to 1000000, got -1.'],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await controlFetch(emulator, path, { method, body });
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad_request', message });
    }
  });

  it('PUT /clock moves the emulator clock (and its Date header)', async () => {
    const response = await controlFetch(emulator, '/clock', { method: 'PUT', body: { offsetMs: -86_400_000 } });
    expect(await response.json()).toMatchObject({ offsetMs: -86_400_000 });
    expect(emulator.clock.offset).toBe(-86_400_000);
    const date = Date.parse((await controlFetch(emulator, '/clock')).headers.get('date')!);
    expect(Date.now() - date).toBeGreaterThan(80_000_000);
  });

  it('PUT /token-lifetime and /rate-limit change the running settings', async () => {
    expect(await json(await controlFetch(emulator, '/token-lifetime', { method: 'PUT', body: { seconds: 30 } }))).toEqual({ seconds: 30 });
    expect(await json(await exchange(emulator, await seedAssertion(emulator)))).toMatchObject({ expires_in: 30 });
    expect(await json(await controlFetch(emulator, '/rate-limit', { method: 'PUT', body: { perMinute: 5 } }))).toEqual({ perMinute: 5 });
    expect((await exchange(emulator, await seedAssertion(emulator))).headers.get('ratelimit-value')).toBe('5');
  });

  it('does not count or log control requests', async () => {
    emulator.resetCounters();
    const before = emulator.requests().length;
    await controlFetch(emulator, '/state');
    expect(emulator.requests().length).toBe(before);
    expect(Object.values(emulator.counters()).filter((v) => typeof v === 'object').every((c) => Object.values(c).every((n) => n === 0))).toBe(true);
  });
});
