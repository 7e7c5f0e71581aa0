import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { basic, clientCredentials, exchange, JWT_BEARER, postForm, seedAssertion } from './support.js';

describe('rate limits (10/min per client for the exchange by default)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  it('sends ratelimit headers, then 429 with Retry-After and the APS quota body, until the window passes', async () => {
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await exchange(emulator, await seedAssertion(emulator));
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-value')).toBe('10');
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);

    const limited = await exchange(emulator, await seedAssertion(emulator));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ developerMessage: 'Quota limit exceeded.' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 10, rate_limited: 1 });
    expect(emulator.counters().exchanges).toBe(11);

    // client_credentials has its own budget of 500.
    const twoLegged = await clientCredentials(emulator, 'data:read');
    expect(twoLegged.status).toBe(200);
    expect(twoLegged.headers.get('ratelimit-value')).toBe('500');
    expect(twoLegged.headers.get('ratelimit-remaining')).toBe('499');

    // Another client has its own budget: it gets past the limiter (to a refused assertion).
    const other = emulator.state.createApp({ name: 'other-app' });
    const otherResponse = await postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion: 'x.y.z' },
      { authorization: basic(other.clientId, other.clientSecret) },
    );
    expect(otherResponse.status).toBe(400);
    expect(otherResponse.headers.get('ratelimit-remaining')).toBe('9');

    emulator.clock.setOffset(61_000);
    const again = await exchange(emulator, await seedAssertion(emulator));
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit-remaining')).toBe('9');
  });
});

describe('ratelimit-* headers on every token-endpoint answer (reference §1 and §2 live headers)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 3 });
  });
  afterAll(() => emulator.close());

  const headersOf = (response: Response) => [response.status, response.headers.get('ratelimit-value'), response.headers.get('ratelimit-remaining')];

  it('on 200s, on errors before and after authentication, and with Retry-After on 429', async () => {
    const { seed } = emulator;
    const auth = { authorization: basic(seed.clientId, seed.clientSecret) };
    const tokenUrl = `${emulator.url}/authentication/v2/token`;
    // Before the client authenticates, nothing is taken from its budget: the headers show what is left.
    expect(headersOf(await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }))).toEqual([400, '500', '500']);
    expect(headersOf(await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a'.repeat(70_000) }))).toEqual([413, '500', '500']);
    expect(headersOf(await postForm(emulator.url, { grant_type: 'password' }, auth))).toEqual([400, '500', '500']);
    expect(headersOf(await postForm(emulator.url, { grant_type: JWT_BEARER, assertion: 'x.y.z' }))).toEqual([401, '3', '3']);
    expect(headersOf(await postForm(emulator.url, { grant_type: JWT_BEARER, assertion: 'x.y.z' }, { authorization: basic(seed.clientId, 'wrong') }))).toEqual([401, '3', '3']);
    expect(headersOf(await postForm(emulator.url, { grant_type: JWT_BEARER, assertion: 'x.y.z', client_id: seed.clientId }, auth))).toEqual([400, '3', '3']);
    // Once it has, each request counts, whatever its answer.
    expect(headersOf(await exchange(emulator, await seedAssertion(emulator)))).toEqual([200, '3', '2']);
    expect(headersOf(await exchange(emulator, 'x.y.z'))).toEqual([400, '3', '1']);
    expect(headersOf(await postForm(emulator.url, { grant_type: JWT_BEARER }, auth))).toEqual([400, '3', '0']);
    const limited = await exchange(emulator, await seedAssertion(emulator));
    expect(headersOf(limited)).toEqual([429, '3', '0']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A refusal before authentication now shows the spent budget too.
    expect(headersOf(await postForm(emulator.url, { grant_type: JWT_BEARER, assertion: 'x.y.z' }, { authorization: basic(seed.clientId, 'wrong') }))).toEqual([401, '3', '0']);
    expect(headersOf(await clientCredentials(emulator, 'data:read'))).toEqual([200, '500', '499']);
    expect(headersOf(await clientCredentials(emulator, 'no:such-scope'))).toEqual([400, '500', '498']);
  });
});

describe('rate limit options', () => {
  it('follows rateLimit, and setRateLimit(0) turns limits off', async () => {
    const emulator = await startEmulator({ port: 0, rateLimit: 1 });
    try {
      expect((await exchange(emulator, await seedAssertion(emulator))).headers.get('ratelimit-value')).toBe('1');
      expect((await exchange(emulator, await seedAssertion(emulator))).status).toBe(429);
      emulator.setRateLimit(0);
      const response = await exchange(emulator, await seedAssertion(emulator));
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-value')).toBeNull();
    } finally {
      await emulator.close();
    }
  });
});

describe('ratelimit-* headers on every admin answer, refusals before the request counts included (issue 26)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.close());

  const accounts = (init: RequestInit = {}) => fetch(`${emulator.url}/authentication/v2/service-accounts`, init);
  const headers = (response: Response) => [response.status, response.headers.get('ratelimit-value'), response.headers.get('ratelimit-remaining')];

  it('on 401s (no token, a bad token, a 3-legged token) and 413s, showing the untouched budget', async () => {
    expect(headers(await accounts())).toEqual([401, '10', '10']);
    expect(headers(await accounts({ headers: { authorization: 'Bearer not-a-token' } }))).toEqual([401, '10', '10']);
    const threeLegged = ((await (await exchange(emulator, await seedAssertion(emulator))).json()) as { access_token: string }).access_token;
    expect(headers(await accounts({ headers: { authorization: `Bearer ${threeLegged}` } }))).toEqual([401, '10', '10']);
    const tooLarge = await accounts({ method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70_000) });
    expect(headers(tooLarge)).toEqual([413, '10', '10']);
  });

  it('on answers that count: 200, then the same client budget one lower', async () => {
    const scope = 'application:service_account:read';
    const token = ((await (await clientCredentials(emulator, scope)).json()) as { access_token: string }).access_token;
    expect(headers(await accounts({ headers: { authorization: `Bearer ${token}` } }))).toEqual([200, '10', '9']);
    const threeLegged = ((await (await exchange(emulator, await seedAssertion(emulator))).json()) as { access_token: string }).access_token;
    // The 3-legged token names the same client: its 401 shows that client's budget, now 9, and takes nothing.
    expect(headers(await accounts({ headers: { authorization: `Bearer ${threeLegged}` } }))).toEqual([401, '10', '9']);
  });
});
