import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { basic, clientCredentials, exchange, JWT_BEARER, logEntryOf, postForm, seedAssertion } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());

async function expectError(response: Response, status: number, error: string, description: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ error, error_description: description });
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('jwt-bearer exchange: client authentication', () => {
  it('issues a token with Basic authentication, with the APS headers', async () => {
    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(response.headers.get('date') ?? ''))).toBe(false);
  });

  it('issues a token with client_id and client_secret in the form', async () => {
    const { seed } = emulator;
    const response = await postForm(emulator.url, {
      grant_type: JWT_BEARER,
      assertion: await seedAssertion(emulator),
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { access_token: string }).access_token.split('.')).toHaveLength(3);
  });

  it('refuses Basic and a form client_id at once, as APS does', async () => {
    const { seed } = emulator;
    const response = await postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion: await seedAssertion(emulator), client_id: seed.clientId },
      { authorization: basic(seed.clientId, seed.clientSecret) },
    );
    await expectError(response, 400, 'invalid_request', "The 'client_id' is not supported in the request body when Authorization headers are present.");
  });

  it('refuses a wrong secret, an unknown client and a malformed Basic header', async () => {
    const { seed } = emulator;
    const assertion = await seedAssertion(emulator);
    for (const authorization of [basic(seed.clientId, 'wrong'), basic('unknown-client', seed.clientSecret), 'Basic !!!', 'Bearer abc']) {
      const response = await postForm(emulator.url, { grant_type: JWT_BEARER, assertion }, { authorization });
      await expectError(response, 401, 'invalid_credentials', 'The client credentials are invalid.');
    }
    const formOnlyId = await postForm(emulator.url, { grant_type: JWT_BEARER, assertion, client_id: seed.clientId });
    await expectError(formOnlyId, 401, 'invalid_credentials', 'The client credentials are invalid.');
  });

  it("decodes Basic credentials as Autodesk's SDKs send them: raw, never form-decoded (secret with + / = %)", async () => {
    const secret = 'se+cr/et==%2B%41 x';
    const app = emulator.state.createApp({ name: 'basic-raw-app', clientSecret: secret });
    const raw = await postForm(emulator.url, { grant_type: 'client_credentials', scope: 'data:read' }, { authorization: basic(app.clientId, secret) });
    expect(raw.status).toBe(200);
    // RFC 6749 §2.3.1's form-encoding of the same secret is another secret to an APS that decodes as its SDK encodes.
    const formEncoded = new URLSearchParams({ s: secret }).toString().slice(2);
    const encoded = await postForm(emulator.url, { grant_type: 'client_credentials', scope: 'data:read' }, { authorization: basic(app.clientId, formEncoded) });
    await expectError(encoded, 401, 'invalid_credentials', 'The client credentials are invalid.');
  });

  it('says so when no client credentials are sent', async () => {
    const response = await postForm(emulator.url, { grant_type: JWT_BEARER, assertion: await seedAssertion(emulator) });
    await expectError(response, 401, 'invalid_credentials', 'No client credentials found.');
  });

  it('records the refused client id but never the secret', async () => {
    const { seed } = emulator;
    const response = await postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion: await seedAssertion(emulator) },
      { authorization: basic(seed.clientId, 'wrong-secret-value') },
    );
    const entry = logEntryOf(emulator, response);
    expect(entry).toMatchObject({ clientId: seed.clientId, status: 401, outcome: 'invalid_credentials', grant: JWT_BEARER });
    expect(JSON.stringify(emulator.requests())).not.toContain('wrong-secret-value');
    expect(JSON.stringify(emulator.requests())).not.toContain(seed.clientSecret);
  });
});

describe('token request shape', () => {
  it('refuses a missing or unknown grant_type', async () => {
    const { seed } = emulator;
    const authorization = basic(seed.clientId, seed.clientSecret);
    for (const fields of [{}, { grant_type: 'password' }, { grant_type: '' }] as Record<string, string>[]) {
      const response = await postForm(emulator.url, fields, { authorization });
      await expectError(response, 400, 'invalid_request', "The token request must specify a valid 'grant_type'.");
    }
  });

  it('refuses a missing assertion', async () => {
    const response = await exchange(emulator, '');
    await expectError(response, 400, 'invalid_request', "The request is missing a required parameter 'assertion'.");
  });

  it('refuses a JSON body and a missing content type with 400, never 500', async () => {
    const { seed } = emulator;
    const authorization = basic(seed.clientId, seed.clientSecret);
    const json = await postForm(emulator.url, { grant_type: JWT_BEARER }, { authorization, contentType: 'application/json' });
    await expectError(json, 400, 'invalid_request', "The request body must be 'application/x-www-form-urlencoded'.");
    const none = await fetch(`${emulator.url}/authentication/v2/token`, { method: 'POST', headers: { authorization } });
    await expectError(none, 400, 'invalid_request', "The request body must be 'application/x-www-form-urlencoded'.");
  });

  it('accepts a charset parameter on the form content type', async () => {
    const response = await postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion: await seedAssertion(emulator) },
      { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret), contentType: 'application/x-www-form-urlencoded; charset=UTF-8' },
    );
    expect(response.status).toBe(200);
  });

  it('answers 413 to an oversized body', async () => {
    const response = await postForm(
      emulator.url,
      { grant_type: JWT_BEARER, assertion: 'a'.repeat(100_000) },
      { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
    );
    await expectError(response, 413, 'invalid_request', 'The request body is too large.');
  });

  it('refuses a parameter sent twice (RFC 6749 §3.2)', async () => {
    const response = await fetch(`${emulator.url}/authentication/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
      body: `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=a&assertion=b`,
    });
    await expectError(response, 400, 'invalid_request', "The request contains the parameter 'assertion' more than once.");
  });

  it("accepts the form scope as S1's array, sent as repeated fields, as well as space-separated (issue 26)", async () => {
    const form = (scopes: string) =>
      fetch(`${emulator.url}/authentication/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
        body: scopes,
      });
    const assertion = await seedAssertion(emulator);
    const repeated = await form(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${assertion}&scope=data:read&scope=user-profile:read`);
    expect(repeated.status).toBe(200);
    expect(decodeJwt(((await repeated.json()) as { access_token: string }).access_token).scope).toEqual(['data:read', 'user-profile:read']);
    const narrowed = await form(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${await seedAssertion(emulator)}&scope=data:read`);
    expect(decodeJwt(((await narrowed.json()) as { access_token: string }).access_token).scope).toEqual(['data:read']);
    const wider = await form(`grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${await seedAssertion(emulator)}&scope=data:read&scope=data:write`);
    expect(wider.status).toBe(400);
    expect(((await wider.json()) as { error: string }).error).toBe('invalid_scope');
    const twoLegged = await form('grant_type=client_credentials&scope=data:read&scope=bucket:read');
    expect(twoLegged.status).toBe(200);
    expect(decodeJwt(((await twoLegged.json()) as { access_token: string }).access_token).scope).toEqual(['data:read', 'bucket:read']);
  });

  it('answers 405 to GET on the token endpoint and 404 elsewhere', async () => {
    const get = await fetch(`${emulator.url}/authentication/v2/token`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const missing = await fetch(`${emulator.url}/authentication/v3/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ developerMessage: 'The requested resource does not exist.' });
  });
});

describe('client_credentials grant', () => {
  it('issues a 2-legged token', async () => {
    const response = await clientCredentials(emulator, 'application:service_account:read application:service_account:write');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(logEntryOf(emulator, response).issued).toMatchObject({
      scopes: ['application:service_account:read', 'application:service_account:write'],
    });
    expect(logEntryOf(emulator, response).issued?.serviceAccountId).toBeUndefined();
  });

  it('requires a scope', async () => {
    const response = await postForm(
      emulator.url,
      { grant_type: 'client_credentials' },
      { authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
    );
    await expectError(response, 400, 'invalid_request', "The request is missing a required parameter 'scope'.");
  });

  it('refuses unknown scopes, more than 50 scopes and more than 3000 characters', async () => {
    await expectError(await clientCredentials(emulator, 'data:read data:destroy'), 400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    const limits = 'The scope may list at most 50 scopes and 3000 characters.';
    await expectError(await clientCredentials(emulator, Array(51).fill('data:read').join(' ')), 400, 'invalid_scope', limits);
    await expectError(await clientCredentials(emulator, `data:read:${'x'.repeat(3000)}`), 400, 'invalid_scope', limits);
  });

  it('accepts data:read:<URN> scopes', async () => {
    expect((await clientCredentials(emulator, 'data:read:urn:adsk.objects:os.object:bucket/file')).status).toBe(200);
  });
});
