import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { basic, claimsFor, clientCredentials, exchange, logEntryOf, nowSeconds, postForm, signAssertion, tokenFor } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clock.setOffset(0);
  emulator.setTokenLifetime(3599);
});

const ME = '/userprofile/v1/users/@me';
const INVALID_TOKEN_BODY = {
  developerMessage: 'The access token provided is invalid or has expired.',
  userMessage: '',
  errorCode: 'AUTH-006',
  'more info': 'https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/',
};

function me(token?: string): Promise<Response> {
  return fetch(`${emulator.url}${ME}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

async function twoLeggedToken(scope = 'data:read'): Promise<string> {
  return ((await (await clientCredentials(emulator, scope)).json()) as { access_token: string }).access_token;
}

describe('issued access tokens', () => {
  it('are RS256 JWTs shaped like APS tokens that verify against /authentication/v2/keys', async () => {
    const before = nowSeconds(emulator);
    const token = await tokenFor(emulator);
    const after = nowSeconds(emulator);
    const jwks = createRemoteJWKSet(new URL(`${emulator.url}/authentication/v2/keys`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: 'https://developer.api.autodesk.com',
      audience: 'https://autodesk.com',
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: expect.any(String) });
    // Exactly ref §3's claims: no `iat`, which no reference documents (issue 26).
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iss', 'jti', 'scope', 'userid']);
    expect(payload).toMatchObject({
      scope: ['data:read', 'user-profile:read'],
      client_id: emulator.seed.clientId,
      userid: emulator.seed.serviceAccountId,
    });
    expect(payload.jti).toMatch(/^SA-[0-9a-f-]{36}$/);
    expect(payload.exp).toBeGreaterThanOrEqual(before + 3599);
    expect(payload.exp).toBeLessThanOrEqual(after + 3599);
  });

  it('2-legged tokens have no userid and a jti without SA-', async () => {
    const payload = decodeJwt(await twoLeggedToken());
    expect(payload.userid).toBeUndefined();
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the JWKS with a week of caching', async () => {
    const response = await fetch(`${emulator.url}/authentication/v2/keys`);
    expect(response.headers.get('cache-control')).toBe('max-age=604800');
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0]!).sort()).toEqual(['e', 'kid', 'kty', 'n', 'use']);
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB', kid: decodeProtectedHeader(await tokenFor(emulator)).kid });
  });

  it('follow a short token lifetime', async () => {
    emulator.setTokenLifetime(5);
    const before = nowSeconds(emulator);
    const response = await clientCredentials(emulator, 'data:read');
    const after = nowSeconds(emulator);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(5);
    const { exp } = decodeJwt(body.access_token);
    expect(exp).toBeGreaterThanOrEqual(before + 5);
    expect(exp).toBeLessThanOrEqual(after + 5);
  });

  it('take exp from the emulator clock', async () => {
    emulator.clock.setOffset(3_600_000);
    const { exp } = decodeJwt(await tokenFor(emulator));
    expect(exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3600 + 3500);
  });
});

describe('introspect and revoke', () => {
  const introspect = (token: string, authorization = basic(emulator.seed.clientId, emulator.seed.clientSecret)) =>
    postForm(emulator.url, { token }, { authorization, path: '/authentication/v2/introspect' });

  it('describes an active SSA token', async () => {
    const token = await tokenFor(emulator);
    const response = await introspect(token);
    expect(response.status).toBe(200);
    const { exp } = decodeJwt(token);
    expect(await response.json()).toEqual({
      active: true,
      scope: 'data:read user-profile:read',
      client_id: emulator.seed.clientId,
      exp,
      userid: emulator.seed.serviceAccountId,
    });
  });

  it('says inactive for expired, forged, foreign and garbage tokens', async () => {
    const token = await tokenFor(emulator);
    const other = emulator.state.createApp({ name: 'other-app' });
    const foreign = await introspect(token, basic(other.clientId, other.clientSecret));
    expect(await foreign.json()).toEqual({ active: false });
    expect(await (await introspect('garbage')).json()).toEqual({ active: false });
    emulator.clock.setOffset(3_600_000);
    expect(await (await introspect(token)).json()).toEqual({ active: false });
  });

  it('requires client authentication and a token', async () => {
    const unauthenticated = await postForm(emulator.url, { token: 'x' }, { path: '/authentication/v2/introspect' });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ error: 'invalid_credentials', error_description: 'No client credentials found.' });
    const missing = await postForm(emulator.url, {}, { path: '/authentication/v2/introspect', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: "The request is missing a required parameter 'token'." });
  });

  it('refuses a revoke without token_type_hint, or with another value, as S2 requires it (issue 26)', async () => {
    const token = await tokenFor(emulator);
    const revoke = (fields: Record<string, string>) =>
      postForm(emulator.url, fields, { path: '/authentication/v2/revoke', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) });
    const missing = await revoke({ token });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: "The request is missing a required parameter 'token_type_hint'." });
    const odd = await revoke({ token, token_type_hint: 'id_token' });
    expect(odd.status).toBe(400);
    expect(await odd.json()).toEqual({ error: 'unsupported_token_type', error_description: "The 'token_type_hint' must be 'access_token' or 'refresh_token'." });
    // Neither refusal revoked the token.
    expect(await (await introspect(token)).json()).toMatchObject({ active: true });
  });

  it('revokes a token: introspect and the resource then refuse it', async () => {
    const token = await tokenFor(emulator);
    const response = await postForm(
      emulator.url,
      { token, token_type_hint: 'access_token' },
      { path: '/authentication/v2/revoke', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(await (await introspect(token)).json()).toEqual({ active: false });
    expect((await me(token)).status).toBe(401);
  });
});

describe('GET /userprofile/v1/users/@me', () => {
  it("returns the service account's profile for a valid SSA token", async () => {
    const response = await me(await tokenFor(emulator));
    expect(response.status).toBe(200);
    const profile = (await response.json()) as Record<string, unknown>;
    expect(profile).toMatchObject({
      userId: emulator.seed.serviceAccountId,
      emailId: emulator.seed.serviceAccountEmail,
      firstName: 'Emulator',
      lastName: 'Robot',
    });
    const entry = logEntryOf(emulator, response);
    expect(entry).toMatchObject({ endpoint: 'userprofile', outcome: 'ok', presentedToken: { serviceAccountId: emulator.seed.serviceAccountId } });
    expect(entry.presentedToken?.jti).toMatch(/^SA-/);
  });

  it('answers 401 AUTH-006 to a missing token', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_TOKEN_BODY);
    expect(logEntryOf(emulator, response).outcome).toBe('unauthorized');
  });

  it('answers 401 to an expired token (emulator clock ahead)', async () => {
    const token = await tokenFor(emulator);
    emulator.clock.setOffset(3600 * 1000);
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_TOKEN_BODY);
    expect(logEntryOf(emulator, response).message).toContain('expired');
  });

  it('answers 401 to a forged token signed by another key', async () => {
    const genuine = decodeJwt(await tokenFor(emulator));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(genuine).setProtectedHeader({ alg: 'RS256', kid: 'whatever' }).sign(privateKey);
    const response = await me(forged);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_TOKEN_BODY);
  });

  it('answers 401 to a 2-legged token', async () => {
    const response = await me(await twoLeggedToken('user-profile:read'));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_TOKEN_BODY);
  });

  it('answers 403 AUTH-010 without the user-profile:read scope', async () => {
    const response = await me(await tokenFor(emulator, { scope: ['data:read'] }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      developerMessage: 'Token does not have the privilege for this request.',
      userMessage: '',
      errorCode: 'AUTH-010',
      'more info': 'https://aps.autodesk.com/en/docs/oauth/v2/developers_guide/error_handling/',
    });
    expect(logEntryOf(emulator, response).outcome).toBe('forbidden');
  });

  it('answers 401 once the service account is deleted', async () => {
    const account = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name: 'short-lived' });
    const key = await emulator.state.createKey(account.serviceAccountId);
    const claims = { ...claimsFor(emulator.seed, nowSeconds(emulator)), sub: account.serviceAccountId };
    const response = await exchange(emulator, await signAssertion(claims, { kid: key.kid, privateKey: key.privateKey }));
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect((await me(token)).status).toBe(200);
    emulator.state.deleteServiceAccount(account.serviceAccountId);
    expect((await me(token)).status).toBe(401);
  });
});
