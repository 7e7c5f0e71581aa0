import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type AppRecord, type Emulator } from '../src/index.js';
import {
  accountBody,
  adminRequest,
  adminToken,
  ADMIN_SCOPES,
  answer,
  createAccount,
  createKey,
  GO_TIME,
  SERVICE_ACCOUNTS,
  ssaError,
  uniqueName,
} from './admin-support.js';
import { APS_AUDIENCE, basic, JWT_BEARER, logEntryOf, nowSeconds, postForm, signAssertion, tokenFor } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());

// Each test works in an app of its own, so that the 10-accounts limit of one does not leak into another.
let app: AppRecord;
let token: string;
beforeEach(async () => {
  app = emulator.state.createApp({ name: 'admin-test-app' });
  token = await adminToken(emulator, ADMIN_SCOPES, app);
});

const goTimeMs = (text: string) => Date.parse(text.replace(' +0000 UTC', 'Z').replace(' ', 'T'));
/** The same Go-style time one calendar year later (valid for any date but 29 February). */
const nextYear = (goTime: string) => goTime.replace(/^\d{4}/, (year) => String(Number(year) + 1));

/** Signs an assertion for an account and key of the test's app, and exchanges it. */
async function exchangeFor(serviceAccountId: string, kid: string, privateKey: string): Promise<Response> {
  const claims = { iss: app.clientId, sub: serviceAccountId, aud: APS_AUDIENCE, exp: nowSeconds(emulator) + 120, scope: ['data:read'] };
  const assertion = await signAssertion(claims, { kid, privateKey });
  return postForm(emulator.url, { grant_type: JWT_BEARER, assertion }, { authorization: basic(app.clientId, app.clientSecret) });
}

describe('the service-account operations', () => {
  it('create answers 201 {serviceAccountId, email} with the SSA headers', async () => {
    const name = uniqueName('create-me');
    const response = await adminRequest(emulator, token, 'POST', '', accountBody(name));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['email', 'serviceAccountId']);
    expect(body.serviceAccountId).toMatch(/^[A-Z0-9]{16}$/);
    expect(body.email).toBe(`${name}@${app.clientId}.adskserviceaccount.autodesk.com`);
    const record = emulator.state.getServiceAccount(body.serviceAccountId!)!;
    expect(record).toMatchObject({ name, firstName: 'Robot', lastName: 'Account', status: 'ENABLED', clientId: app.clientId });
    expect(logEntryOf(emulator, response)).toMatchObject({ endpoint: 'create-service-account', status: 201, outcome: 'ok', clientId: app.clientId });
  });

  it('get answers the details, Go-style times, expiresAt a year after createdAt, accessedAt = createdAt before any use', async () => {
    const { serviceAccountId, email } = await createAccount(emulator, token);
    const response = await adminRequest(emulator, token, 'GET', `/${serviceAccountId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const details = (await response.json()) as Record<string, string>;
    expect(details).toEqual({
      serviceAccountId,
      email,
      createdBy: app.clientId,
      status: 'ENABLED',
      createdAt: expect.stringMatching(GO_TIME),
      accessedAt: details.createdAt,
      expiresAt: expect.stringMatching(GO_TIME),
    });
    expect(details.expiresAt).toBe(nextYear(details.createdAt!));
  });

  it("alternates APS's two time forms answer by answer, S1's nanoseconds first, then whole seconds (issue 26)", async () => {
    const own = await startEmulator({ port: 0, rateLimit: 0 });
    try {
      const ownToken = await adminToken(own);
      const id = own.seed.serviceAccountId;
      const read = async () => (await (await adminRequest(own, ownToken, 'GET', `/${id}`)).json()) as Record<string, string>;
      const listKeys = async () => ((await (await adminRequest(own, ownToken, 'GET', `/${id}/keys`)).json()) as { keys: Record<string, string>[] }).keys[0]!;
      const [first, second, third, fourth] = [await read(), await read(), await listKeys(), await listKeys()];
      const record = own.state.getServiceAccount(id)!;
      const iso = new Date(record.createdAt).toISOString();
      const seconds = `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
      const nanoseconds = `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +0000 UTC`;
      expect(first).toMatchObject({ createdAt: nanoseconds, accessedAt: nanoseconds, expiresAt: nextYear(nanoseconds) });
      expect(second).toMatchObject({ createdAt: seconds, accessedAt: seconds, expiresAt: nextYear(seconds) });
      expect(third!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{9} \+0000 UTC$/);
      expect(fourth!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000 UTC$/);
    } finally {
      await own.close();
    }
  });

  it('sets expiresAt one calendar year after createdAt, as S1\'s examples show: 29 February 2028 → 1 March 2029', async () => {
    emulator.clock.setOffset(Date.UTC(2028, 1, 29, 12, 0, 0) - Date.now());
    try {
      const leapToken = await adminToken(emulator, ADMIN_SCOPES, app);
      const { serviceAccountId } = await createAccount(emulator, leapToken);
      const details = (await (await adminRequest(emulator, leapToken, 'GET', `/${serviceAccountId}`)).json()) as Record<string, string>;
      expect(details.createdAt).toMatch(/^2028-02-29 12:00:0\d \+0000 UTC$/);
      expect(details.expiresAt).toBe(details.createdAt!.replace('2028-02-29', '2029-03-01'));
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('list answers every account of the calling app, and only those', async () => {
    const foreign = emulator.seed;
    const first = await createAccount(emulator, token);
    const second = await createAccount(emulator, token);
    const response = await adminRequest(emulator, token, 'GET');
    expect(response.status).toBe(200);
    const { serviceAccounts } = (await response.json()) as { serviceAccounts: { serviceAccountId: string; createdBy: string }[] };
    expect(serviceAccounts.map((a) => a.serviceAccountId).sort()).toEqual([first.serviceAccountId, second.serviceAccountId].sort());
    expect(serviceAccounts.every((a) => a.createdBy === app.clientId)).toBe(true);
    expect((await answer(await adminRequest(emulator, token, 'GET', `/${foreign.serviceAccountId}`))).body).toEqual(
      ssaError('not_found', 'The service account is not found.'),
    );
  });

  it('PATCH disables and enables, answering the details; the same state again is a 400', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const path = `/${serviceAccountId}`;
    const disabled = await adminRequest(emulator, token, 'PATCH', path, { status: 'DISABLED' });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ serviceAccountId, status: 'DISABLED' });
    expect(await answer(await adminRequest(emulator, token, 'PATCH', path, { status: 'DISABLED' }))).toEqual({
      status: 400,
      body: ssaError('invalid_request', 'The service account is already in a disabled state.'),
    });
    expect((await (await adminRequest(emulator, token, 'PATCH', path, { status: 'ENABLED' })).json()) as object).toMatchObject({ status: 'ENABLED' });
    expect(await answer(await adminRequest(emulator, token, 'PATCH', path, { status: 'ENABLED' }))).toEqual({
      status: 400,
      body: ssaError('invalid_request', 'The service account is already in an enabled state.'),
    });
  });

  it('PATCH re-enables a DEACTIVATED account (S1)', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    emulator.state.setServiceAccountStatus(serviceAccountId, 'DEACTIVATED');
    const response = await adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}`, { status: 'ENABLED' });
    expect(response.status).toBe(200);
    expect(emulator.state.getServiceAccount(serviceAccountId)!.status).toBe('ENABLED');
  });

  it.each([
    [{}, "The 'status' should be either 'ENABLED' or 'DISABLED'."],
    [{ status: 'DEACTIVATED' }, "The 'status' should be either 'ENABLED' or 'DISABLED'."],
    [{ status: 'enabled' }, "The 'status' should be either 'ENABLED' or 'DISABLED'."],
    ['not json', 'The request body should be a JSON object.'],
    [['ENABLED'], 'The request body should be a JSON object.'],
  ])('PATCH with body %j is a 400 invalid_request', async (body, detail) => {
    const { serviceAccountId } = await createAccount(emulator, token);
    expect(await answer(await adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}`, body))).toEqual({
      status: 400,
      body: ssaError('invalid_request', detail),
    });
  });

  it('DELETE answers 204 with no body (and the JSON content type), and deletes the keys too', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid } = await createKey(emulator, token, serviceAccountId);
    const response = await adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}`);
    expect(response.status).toBe(204);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe('');
    expect(emulator.state.getServiceAccount(serviceAccountId)).toBeUndefined();
    expect(emulator.state.getKey(kid)).toBeUndefined();
    expect((await answer(await adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}`))).status).toBe(404);
  });

  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/keys'],
    ['GET', '/keys'],
  ])('%s an unknown account%s is a 404 not_found', async (method, suffix) => {
    const body = method === 'PATCH' ? { status: 'DISABLED' } : undefined;
    expect(await answer(await adminRequest(emulator, token, method, `/NOSUCHACCOUNT000${suffix}`, body))).toEqual({
      status: 404,
      body: ssaError('not_found', 'The service account is not found.'),
    });
  });
});

describe('Create Service Account validation (S1 rules, S3 texts)', () => {
  it.each([
    [{ firstName: 'Robot', lastName: 'Account' }, "The 'name' is empty."],
    [{ name: '', firstName: 'Robot', lastName: 'Account' }, "The 'name' is empty."],
    [accountBody('abcd'), "The length of the 'name' should be between 5 and 64 characters."],
    [accountBody('a'.repeat(101)), "The length of the 'name' should be between 5 and 64 characters."],
    [accountBody('has space'), "The 'name' contains invalid characters."],
    [accountBody('dot.name'), "The 'name' contains invalid characters."],
    [{ ...accountBody('x'), name: 12345 }, "The 'name' contains invalid characters."],
    [accountBody('-----'), "The 'name' should contain at least one alpha numeric character."],
    [{ name: 'valid-name', lastName: 'Account' }, "The 'firstName' is empty."],
    [{ name: 'valid-name', firstName: 'Robo', lastName: 'Account' }, "The length of the 'firstName' should be between 5 and 100 characters."],
    [{ name: 'valid-name', firstName: '50%-robot', lastName: 'Account' }, "The 'firstName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'a/b/c/d' }, "The 'lastName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'AT&#38;T' }, "The 'lastName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'x'.repeat(101) }, "The length of the 'lastName' should be between 5 and 100 characters."],
    [{ name: 'valid-name', firstName: 'Robot One', lastName: 'Account' }, "The 'firstName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'Service Account' }, "The 'lastName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'under_score' }, "The 'lastName' contains invalid characters."],
    [{ name: 'valid-name', firstName: 'Rob\u00e9rt', lastName: 'Account' }, "The 'firstName' contains invalid characters."],
    [{ name: 'valid-name', firstName: '_____', lastName: 'Account' }, "The 'firstName' should contain at least one alpha numeric character."],
    [{ name: 'valid-name', firstName: 'Robot', lastName: '-----' }, "The 'lastName' should contain at least one alpha numeric character."],
    ['{"name":', 'The request body should be a JSON object.'],
  ])('%j → 400 %s', async (body, detail) => {
    expect(await answer(await adminRequest(emulator, token, 'POST', '', body))).toEqual({ status: 400, body: ssaError('invalid_request', detail) });
  });

  it('accepts the limits of the strict rules: 5 and 64 characters, dashes inside; 100-character first and last names', async () => {
    for (const name of ['abcde', `a${'-'.repeat(62)}z`]) {
      const response = await adminRequest(emulator, token, 'POST', '', { name, firstName: 'First', lastName: 'L'.repeat(100) });
      expect(response.status).toBe(201);
    }
  });

  it("accepts S1's own example test-service-account, ServiceAccount and _ in firstName", async () => {
    const body = { name: 'test-service-account', firstName: 'Service_Account', lastName: 'ServiceAccount' };
    expect((await adminRequest(emulator, token, 'POST', '', body)).status).toBe(201);
  });

  it('refuses a name already used by the app', async () => {
    const name = uniqueName('twice');
    await createAccount(emulator, token, name);
    expect(await answer(await adminRequest(emulator, token, 'POST', '', accountBody(name)))).toEqual({
      status: 400,
      body: ssaError('invalid_request', "The 'name' already exists."),
    });
  });

  it('refuses a clientId naming another app (S3: allow-listed clients only)', async () => {
    const response = await adminRequest(emulator, token, 'POST', '', { ...accountBody(uniqueName()), clientId: 'SomeOtherClientId' });
    expect(await answer(response)).toEqual({
      status: 403,
      body: ssaError('invalid_client', 'The client is not allowed to create service accounts on behalf of other server-to-server applications.'),
    });
  });

  it('refuses an app that is not server-to-server', async () => {
    const web = emulator.state.createApp({ name: 'web-app', type: 'traditional-web' });
    const webToken = await adminToken(emulator, ADMIN_SCOPES, web);
    expect(await answer(await adminRequest(emulator, webToken, 'POST', '', accountBody(uniqueName())))).toEqual({
      status: 403,
      body: ssaError('invalid_client', 'The client is not a server-to-server application.'),
    });
    expect(await answer(await adminRequest(emulator, webToken, 'GET'))).toEqual({ status: 200, body: { serviceAccounts: [] } });
  });

  it('allows 10 service accounts per app, then 403 limit_exceeded; deleting one frees a place', async () => {
    const appToken = token;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await createAccount(emulator, appToken, `limit-account-${i}`)).serviceAccountId);
    const eleventh = await adminRequest(emulator, appToken, 'POST', '', accountBody('limit-account-10'));
    expect(await answer(eleventh)).toEqual({ status: 403, body: ssaError('limit_exceeded', 'The number of service accounts has exceeded the limit.') });
    expect(emulator.counters()['create-service-account'].limit_exceeded).toBeGreaterThanOrEqual(1);
    // A disabled account still counts: the limit is "at any given time".
    await adminRequest(emulator, appToken, 'PATCH', `/${ids[0]}`, { status: 'DISABLED' });
    expect((await adminRequest(emulator, appToken, 'POST', '', accountBody('limit-account-10'))).status).toBe(403);
    await adminRequest(emulator, appToken, 'DELETE', `/${ids[0]}`);
    expect((await adminRequest(emulator, appToken, 'POST', '', accountBody('limit-account-10'))).status).toBe(201);
  });
});

describe('the key operations', () => {
  it('create answers 201 {kid, privateKey}: a fresh PKCS#1 RSA-2048 key whose private half the emulator does not keep', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const response = await adminRequest(emulator, token, 'POST', `/${serviceAccountId}/keys`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as { kid: string; privateKey: string };
    expect(Object.keys(body).sort()).toEqual(['kid', 'privateKey']);
    expect(body.kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    expect(createPrivateKey(body.privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const record = emulator.state.getKey(body.kid)!;
    expect(record.publicKey.type).toBe('public');
    expect(JSON.stringify(await (await fetch(`${emulator.url}/_emulator/state`)).json())).not.toContain('PRIVATE KEY');
    expect((await exchangeFor(serviceAccountId, body.kid, body.privateKey)).status).toBe(200);
  });

  it('list answers the keys with Go-style times; accessedAt moves when the key is used in an exchange', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid, privateKey } = await createKey(emulator, token, serviceAccountId);
    const before = await adminRequest(emulator, token, 'GET', `/${serviceAccountId}/keys`);
    expect(before.status).toBe(200);
    const { keys } = (await before.json()) as { keys: Record<string, string>[] };
    expect(keys).toEqual([{ kid, status: 'ENABLED', createdAt: expect.stringMatching(GO_TIME), accessedAt: keys[0]!.createdAt }]);

    emulator.clock.setOffset(90_000);
    try {
      expect((await exchangeFor(serviceAccountId, kid, privateKey)).status).toBe(200);
      const after = ((await (await adminRequest(emulator, token, 'GET', `/${serviceAccountId}/keys`)).json()) as { keys: Record<string, string>[] }).keys[0]!;
      expect(goTimeMs(after.accessedAt!) - goTimeMs(after.createdAt!)).toBeGreaterThanOrEqual(89_000);
      const account = (await (await adminRequest(emulator, token, 'GET', `/${serviceAccountId}`)).json()) as Record<string, string>;
      // The same instant, in whichever of the two forms each answer took.
      expect(Math.floor(goTimeMs(account.accessedAt!) / 1000)).toBe(Math.floor(goTimeMs(after.accessedAt!) / 1000));
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('PATCH disables and enables a key (204); a disabled key signs no more; the same state again is a 400', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid, privateKey } = await createKey(emulator, token, serviceAccountId);
    const path = `/${serviceAccountId}/keys/${kid}`;
    const disabled = await adminRequest(emulator, token, 'PATCH', path, { status: 'DISABLED' });
    expect(disabled.status).toBe(204);
    expect(disabled.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await disabled.text()).toBe('');
    expect(await answer(await exchangeFor(serviceAccountId, kid, privateKey))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: "The 'assertion' is invalid." },
    });
    expect(await answer(await adminRequest(emulator, token, 'PATCH', path, { status: 'DISABLED' }))).toEqual({
      status: 400,
      body: ssaError('invalid_request', 'The key is already in a disabled state.'),
    });
    expect((await adminRequest(emulator, token, 'PATCH', path, { status: 'ENABLED' })).status).toBe(204);
    expect(await answer(await adminRequest(emulator, token, 'PATCH', path, { status: 'ENABLED' }))).toEqual({
      status: 400,
      body: ssaError('invalid_request', 'The key is already in an enabled state.'),
    });
    expect((await exchangeFor(serviceAccountId, kid, privateKey)).status).toBe(200);
  });

  it('DELETE removes a key (204); then it is not found', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid } = await createKey(emulator, token, serviceAccountId);
    const response = await adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}/keys/${kid}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(emulator.state.getKey(kid)).toBeUndefined();
    for (const [method, body] of [['DELETE', undefined], ['PATCH', { status: 'DISABLED' }]] as const) {
      expect(await answer(await adminRequest(emulator, token, method, `/${serviceAccountId}/keys/${kid}`, body))).toEqual({
        status: 404,
        body: ssaError('not_found', 'The key is not found.'),
      });
    }
  });

  it("a key of another account is not found through this one", async () => {
    const a = await createAccount(emulator, token);
    const b = await createAccount(emulator, token);
    const { kid } = await createKey(emulator, token, a.serviceAccountId);
    expect(await answer(await adminRequest(emulator, token, 'DELETE', `/${b.serviceAccountId}/keys/${kid}`))).toEqual({
      status: 404,
      body: ssaError('not_found', 'The key is not found.'),
    });
    expect(emulator.state.getKey(kid)).toBeDefined();
  });

  it('allows 3 keys per account, even when created concurrently, then 403 limit_exceeded', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const responses = await Promise.all(Array.from({ length: 5 }, () => adminRequest(emulator, token, 'POST', `/${serviceAccountId}/keys`)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 403, 403]);
    const refused = responses.find((r) => r.status === 403)!;
    expect(await refused.json()).toEqual(ssaError('limit_exceeded', 'The number of keys has exceeded the limit.'));
    expect(emulator.state.listKeys(serviceAccountId)).toHaveLength(3);
  });

  it('a disabled account cannot manage its keys (400), and its assertions are refused', async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid, privateKey } = await createKey(emulator, token, serviceAccountId);
    await adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}`, { status: 'DISABLED' });
    const notEnabled = { status: 400, body: ssaError('invalid_request', 'The service account is not currently in an enabled state.') };
    expect(await answer(await adminRequest(emulator, token, 'POST', `/${serviceAccountId}/keys`))).toEqual(notEnabled);
    expect(await answer(await adminRequest(emulator, token, 'GET', `/${serviceAccountId}/keys`))).toEqual(notEnabled);
    expect(await answer(await adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}/keys/${kid}`, { status: 'DISABLED' }))).toEqual(notEnabled);
    expect(await answer(await adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}/keys/${kid}`))).toEqual(notEnabled);
    expect(await answer(await exchangeFor(serviceAccountId, kid, privateKey))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The service account is not currently in an enabled state.' },
    });
    // Its details are still readable.
    expect((await adminRequest(emulator, token, 'GET', `/${serviceAccountId}`)).status).toBe(200);
  });
});

describe('admin authentication', () => {
  const invalid = { status: 401, body: ssaError('unauthorized', 'The token has expired or is invalid.') };

  it('refuses a missing, malformed, forged, revoked or expired token: 401 "expired or is invalid"', async () => {
    expect(await answer(await adminRequest(emulator, undefined, 'GET'))).toEqual(invalid);
    expect(await answer(await fetch(`${emulator.url}${SERVICE_ACCOUNTS}`, { headers: { authorization: `Basic ${token}` } }))).toEqual(invalid);
    const [header, payload] = token.split('.');
    expect(await answer(await adminRequest(emulator, `${header}.${payload}.c2lnbmF0dXJl`, 'GET'))).toEqual(invalid);

    const revokable = await adminToken(emulator, ADMIN_SCOPES, app);
    const revoke = await fetch(`${emulator.url}/authentication/v2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app.clientId, app.clientSecret) },
      body: new URLSearchParams({ token: revokable, token_type_hint: 'access_token' }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await answer(await adminRequest(emulator, revokable, 'GET'))).toEqual(invalid);

    emulator.clock.setOffset(3600_000);
    try {
      const response = await adminRequest(emulator, token, 'GET');
      expect(await answer(response)).toEqual(invalid);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(logEntryOf(emulator, response)).toMatchObject({ status: 401, outcome: 'unauthorized', message: 'The token has expired or is invalid.' });
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('refuses a 3-legged (SSA) token: 401 "should be a two-legged token"', async () => {
    const threeLegged = await tokenFor(emulator);
    for (const [method, path] of [['GET', ''], ['GET', `/${emulator.seed.serviceAccountId}/keys`]] as const) {
      expect(await answer(await adminRequest(emulator, threeLegged, method, path))).toEqual({
        status: 401,
        body: ssaError('unauthorized', 'The token should be a two-legged token.'),
      });
    }
  });

  const forbidden = { status: 403, body: ssaError('forbidden', 'The request was successfully validated but lacked the required permissions.') };
  it.each([
    ['POST', '', 'application:service_account:write'],
    ['GET', '', 'application:service_account:read'],
    ['GET', '/{sa}', 'application:service_account:read'],
    ['PATCH', '/{sa}', 'application:service_account:write'],
    ['DELETE', '/{sa}', 'application:service_account:write'],
    ['POST', '/{sa}/keys', 'application:service_account_key:write'],
    ['GET', '/{sa}/keys', 'application:service_account_key:read'],
    ['PATCH', '/{sa}/keys/{kid}', 'application:service_account_key:write'],
    ['DELETE', '/{sa}/keys/{kid}', 'application:service_account_key:write'],
  ])('%s %s needs %s (403 without it, and the other three scopes do not stand in)', async (method, template, scope) => {
    const others = ADMIN_SCOPES.filter((s) => s !== scope);
    const lacking = await adminToken(emulator, [...others, 'data:read']);
    const path = template.replace('{sa}', emulator.seed.serviceAccountId).replace('{kid}', emulator.seed.keyId);
    const body = method === 'PATCH' ? { status: 'ENABLED' } : method === 'POST' && template === '' ? accountBody(uniqueName()) : undefined;
    const response = await adminRequest(emulator, lacking, method, path, body);
    expect(await answer(response)).toEqual(forbidden);
    expect(logEntryOf(emulator, response).outcome).toBe('forbidden');
    // The scope alone is enough.
    const only = await adminToken(emulator, [scope]);
    const allowed = await adminRequest(emulator, only, method, path, body);
    expect(allowed.status).not.toBe(403);
    expect(allowed.status).not.toBe(401);
  });
});

describe('admin rate limits, faults and routing', () => {
  it('counts 10/min per client per operation, with ratelimit-* headers, then 429 + Retry-After', async () => {
    const limited = await startEmulator({ port: 0 });
    try {
      const adminTokenValue = await adminToken(limited);
      for (let i = 1; i <= 10; i++) {
        const response = await adminRequest(limited, adminTokenValue, 'GET');
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-value')).toBe('10');
        expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - i));
      }
      const refused = await adminRequest(limited, adminTokenValue, 'GET');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await refused.json()).toEqual({ developerMessage: 'Quota limit exceeded.' });
      // Another operation has its own budget.
      const other = await adminRequest(limited, adminTokenValue, 'GET', `/${limited.seed.serviceAccountId}`);
      expect(other.status).toBe(200);
      expect(other.headers.get('ratelimit-remaining')).toBe('9');
      expect(limited.counters()['get-all-service-accounts']).toMatchObject({ ok: 10, rate_limited: 1 });
      // A new minute, a new budget.
      limited.clock.setOffset(61_000);
      const fresh = await adminToken(limited);
      expect((await adminRequest(limited, fresh, 'GET')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('sends no ratelimit-* headers when rate limiting is off', async () => {
    const response = await adminRequest(emulator, token, 'GET');
    expect(response.headers.get('ratelimit-value')).toBeNull();
  });

  it('serves injected faults on an admin endpoint by its operation name', async () => {
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'get-all-service-accounts' });
    const response = await adminRequest(emulator, token, 'GET');
    expect(response.status).toBe(503);
    expect((await adminRequest(emulator, token, 'GET')).status).toBe(200);
    expect(emulator.counters()['get-all-service-accounts']['fault:server-error']).toBe(1);
  });

  it('answers 405 with Allow for a method the path does not have', async () => {
    const response = await adminRequest(emulator, token, 'PUT', `/${emulator.seed.serviceAccountId}`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const response = await adminRequest(emulator, token, 'POST', '', { ...accountBody('big-body'), padding: 'x'.repeat(70_000) });
    expect(await answer(response)).toEqual({ status: 413, body: ssaError('invalid_request', 'The request body is too large.') });
  });
});
