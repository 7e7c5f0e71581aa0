import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorOptionError, startEmulator, type Emulator, type FaultSpec } from '../src/index.js';
import { basic, clientCredentials, exchange, JWT_BEARER, logEntryOf, postForm, seedAssertion } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.faults.clear();
  emulator.resetCounters();
});

const exchangeSeed = async () => exchange(emulator, await seedAssertion(emulator));

describe('fault injection', () => {
  it('rate-limit: 429 with the configured Retry-After, for count requests, then normal service', async () => {
    emulator.faults.inject({ kind: 'rate-limit', retryAfter: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await exchangeSeed();
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toEqual({ developerMessage: 'Quota limit exceeded.' });
    }
    expect((await exchangeSeed()).status).toBe(200);
    expect(emulator.counters()['token:jwt-bearer']).toMatchObject({ 'fault:rate-limit': 2, ok: 1 });
    expect(emulator.counters().exchanges).toBe(3);
  });

  it.each([500, 502, 503])('server-error: answers %i', async (status) => {
    emulator.faults.inject({ kind: 'server-error', status });
    const response = await exchangeSeed();
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ developerMessage: 'Internal server error (injected by the emulator).' });
    expect(logEntryOf(emulator, response)).toMatchObject({ outcome: 'fault:server-error', fault: 'server-error', status });
  });

  it('hang: never answers, so the client times out; later requests are served', async () => {
    emulator.faults.inject({ kind: 'hang' });
    const assertion = await seedAssertion(emulator);
    const hung = postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion },
      { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret), signal: AbortSignal.timeout(300) },
    );
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(emulator.counters()['token:jwt-bearer']['fault:hang']).toBe(1);
    expect((await exchangeSeed()).status).toBe(200);
  });

  it('hang: close() releases a held connection', async () => {
    const local = await startEmulator({ port: 0 });
    local.faults.inject({ kind: 'hang', endpoint: 'keys' });
    const hung = fetch(`${local.url}/authentication/v2/keys`);
    await expect.poll(() => local.counters().keys['fault:hang']).toBe(1);
    await local.close();
    await expect(hung).rejects.toThrow();
  });

  it('reset: destroys the connection', async () => {
    emulator.faults.inject({ kind: 'reset' });
    await expect(exchangeSeed()).rejects.toThrow(TypeError);
    expect(emulator.counters()['token:jwt-bearer']['fault:reset']).toBe(1);
  });

  it('malformed-json: 200 application/json that does not parse', async () => {
    emulator.faults.inject({ kind: 'malformed-json' });
    const response = await exchangeSeed();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('html: a gateway error page, 502 text/html by default', async () => {
    emulator.faults.inject({ kind: 'html' });
    const response = await exchangeSeed();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
  });

  it('missing-fields: no access_token by default, or expires_in as a string', async () => {
    emulator.faults.inject({ kind: 'missing-fields' });
    emulator.faults.inject({ kind: 'missing-fields', expiresIn: '3599' });
    emulator.faults.inject({ kind: 'missing-fields', omit: ['token_type', 'expires_in'] });
    expect(await (await exchangeSeed()).json()).toEqual({ token_type: 'Bearer', expires_in: 3599 });
    const stringy = (await (await exchangeSeed()).json()) as Record<string, unknown>;
    expect(stringy.expires_in).toBe('3599');
    expect(stringy.access_token).toEqual(expect.any(String));
    expect(Object.keys((await (await exchangeSeed()).json()) as object)).toEqual(['access_token']);
  });

  it('targets the jwt-bearer exchange by default; `token` hits every grant and `any` every endpoint', async () => {
    emulator.faults.inject({ kind: 'server-error' });
    expect((await clientCredentials(emulator, 'data:read')).status).toBe(200);
    expect(emulator.faults.pending()).toHaveLength(1);
    emulator.faults.clear();
    emulator.faults.inject({ kind: 'server-error', endpoint: 'token' });
    expect((await clientCredentials(emulator, 'data:read')).status).toBe(500);
    emulator.faults.inject({ kind: 'server-error', endpoint: 'any', status: 503 });
    expect((await fetch(`${emulator.url}/authentication/v2/keys`)).status).toBe(503);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it('lists pending faults and clears them', () => {
    const pending = emulator.faults.inject({ kind: 'rate-limit', count: 3 });
    expect(pending).toEqual({ kind: 'rate-limit', endpoint: 'token:jwt-bearer', remaining: 3, status: 429, retryAfter: 1 });
    expect(emulator.faults.pending()).toEqual([pending]);
    emulator.faults.clear();
    expect(emulator.faults.pending()).toEqual([]);
  });

  it.each([
    [{ kind: 'explode' }, 'Unknown fault kind "explode": use one of rate-limit, server-error, hang, reset, malformed-json, html, missing-fields.'],
    [{ kind: 'server-error', status: 200 }, '`status` must be an integer from 500 to 599, got 200.'],
    [{ kind: 'hang', retryAfter: 3 }, "Unknown 'hang' fault field: `retryAfter`. Known: kind, count, endpoint."],
    [{ kind: 'rate-limit', retryAftr: 3 }, "Unknown 'rate-limit' fault field: `retryAftr`. Did you mean `retryAfter`? Known: kind, count, endpoint, retryAfter."],
    [{ kind: 'reset', count: 0 }, '`count` must be an integer from 1 to 1000000, got 0.'],
    [{ kind: 'reset', endpoint: 'tokens' }, 'Unknown fault endpoint "tokens": use one of any, token, token:jwt-bearer, token:client_credentials, keys, introspect, revoke, openid-configuration, userprofile, userinfo, create-service-account, get-all-service-accounts, get-service-account, enable-disable-service-account, delete-service-account, create-service-account-key, get-all-service-account-keys, enable-disable-service-account-key, delete-service-account-key, create-bucket, get-buckets, get-bucket-details, get-hubs, get-formats.'],
    [{ kind: 'missing-fields', omit: ['scope'] }, '`omit` must be an array of access_token, token_type, expires_in.'],
  ])('refuses a bad fault %j', (spec, message) => {
    expect(() => emulator.faults.inject(spec as unknown as FaultSpec)).toThrow(new EmulatorOptionError(message));
  });
});
