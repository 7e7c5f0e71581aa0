import { describe, expect, it } from 'vitest';
import { SsaApiError, SsaError, SsaOptionError, SsaTokenEndpointError } from '../../src/errors.js';
import { createAdminClient } from '../../src/admin/admin-client.js';
import { MAX_RETRY_AFTER } from '../../src/http/retry-after.js';
import { closedPort, startLocalServer } from '../support/local-server.js';
import { expectNoSecrets } from '../support/secrets.js';
import { adminClient, freshApp, person, rejection, uniqueName, useAdminEmulator } from './support.js';

const ctx = useAdminEmulator();

/** Asserts an SsaApiError's fields and its whole message. */
async function expectApiError(
  promise: Promise<unknown>,
  expected: { status: number; title?: string; detail?: string; message: string | RegExp; retryAfter?: number },
): Promise<SsaApiError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(SsaApiError);
  const api = error as unknown as SsaApiError;
  expect(api.code).toBe('ERR_SSA_API');
  expect(api.status).toBe(expected.status);
  expect(api.title).toBe(expected.title);
  expect(api.detail).toBe(expected.detail);
  expect(api.requestId).toMatch(/^[0-9a-f-]{36}$/);
  if ('retryAfter' in expected) expect(api.retryAfter).toBe(expected.retryAfter);
  const message = api.message.replace(` (x-request-id: ${api.requestId})`, '');
  if (typeof expected.message === 'string') expect(message).toBe(expected.message);
  else expect(message).toMatch(expected.message);
  return api;
}

describe('APS refusals as SsaApiError', () => {
  it('404 for an unknown account or key, on every operation that names one', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const notFound = { status: 404, title: 'not_found', detail: 'The service account is not found.' };
    const hint = 'Check the id: listServiceAccounts() and listKeys() show the existing ones.';
    await expectApiError(admin.getServiceAccount('NOSUCHACCOUNT000'), {
      ...notFound,
      message: `APS refused to get service account NOSUCHACCOUNT000 (HTTP 404 not_found: "The service account is not found."). ${hint}`,
    });
    for (const call of [
      () => admin.enableServiceAccount('NOSUCHACCOUNT000'),
      () => admin.disableServiceAccount('NOSUCHACCOUNT000'),
      () => admin.deleteServiceAccount('NOSUCHACCOUNT000'),
      () => admin.createKey('NOSUCHACCOUNT000'),
      () => admin.listKeys('NOSUCHACCOUNT000'),
      () => admin.deleteKey('NOSUCHACCOUNT000', 'c546e44b-4b98-48cc-a4fa-7a3af5289af5'),
    ]) {
      await expectApiError(call(), { ...notFound, message: /^APS refused to .+ \(HTTP 404 not_found: "The service account is not found."\)\. Check the id/ });
    }
    const { serviceAccountId } = await admin.createServiceAccount({ name: uniqueName(), ...person });
    await expectApiError(admin.disableKey(serviceAccountId, 'c546e44b-4b98-48cc-a4fa-7a3af5289af5'), {
      status: 404,
      title: 'not_found',
      detail: 'The key is not found.',
      message: `APS refused to disable key c546e44b-4b98-48cc-a4fa-7a3af5289af5 of service account ${serviceAccountId} (HTTP 404 not_found: "The key is not found."). ${hint}`,
    });
  });

  it('400 for a display name APS refuses (the client checks only what every source agrees on) and for a name already used', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    await expectApiError(admin.createServiceAccount({ name: uniqueName(), firstName: 'Nightly', lastName: 'Sync Robot' }), {
      status: 400,
      title: 'invalid_request',
      detail: "The 'lastName' contains invalid characters.",
      message: /^APS refused to create service account ".+" \(HTTP 400 invalid_request: "The 'lastName' contains invalid characters\."\)\. firstName is 5 to 100 letters, digits, dashes and underscores; lastName 5 to 100 letters, digits and dashes \(no spaces\)\.$/,
    });
    const name = uniqueName();
    await admin.createServiceAccount({ name, ...person });
    await expectApiError(admin.createServiceAccount({ name, ...person }), {
      status: 400,
      title: 'invalid_request',
      detail: "The 'name' already exists.",
      message: /^APS refused to create service account ".+" \(HTTP 400 invalid_request: "The 'name' already exists."\)\. A name is 5 to 64 lowercase letters, digits and dashes, a letter or digit first and last, unique within the app \(the strictest reading of APS's references: S3's length, S1's characters, the naming guidelines' lowercase and ends\)\./,
    });
  });

  it('403 limit_exceeded past 10 accounts per app and 3 keys per account', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await admin.createServiceAccount({ name: uniqueName('limit'), ...person })).serviceAccountId);
    const hint =
      'An app may have 10 service accounts and an account 3 keys at a time: delete unused ones (ssa-requests@autodesk.com can raise the account limit).';
    await expectApiError(admin.createServiceAccount({ name: uniqueName('limit'), ...person }), {
      status: 403,
      title: 'limit_exceeded',
      detail: 'The number of service accounts has exceeded the limit.',
      message: /^APS refused to create service account "limit-\d+-\d+" \(HTTP 403 limit_exceeded: "The number of service accounts has exceeded the limit."\)\. An app may have 10/,
    });
    const id = ids[0]!;
    for (let i = 0; i < 3; i++) await admin.createKey(id);
    await expectApiError(admin.createKey(id), {
      status: 403,
      title: 'limit_exceeded',
      detail: 'The number of keys has exceeded the limit.',
      message: `APS refused to create a key for service account ${id} (HTTP 403 limit_exceeded: "The number of keys has exceeded the limit."). ${hint}`,
    });
  });

  it('400 for key operations of a disabled account, and for a PATCH to the current state', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const { serviceAccountId: id } = await admin.createServiceAccount({ name: uniqueName(), ...person });
    const { kid } = await admin.createKey(id);
    await expectApiError(admin.enableServiceAccount(id), {
      status: 400,
      title: 'invalid_request',
      detail: 'The service account is already in an enabled state.',
      message: `APS refused to enable service account ${id} (HTTP 400 invalid_request: "The service account is already in an enabled state."). Nothing to change: it is already in that state.`,
    });
    await expectApiError(admin.enableKey(id, kid), {
      status: 400,
      title: 'invalid_request',
      detail: 'The key is already in an enabled state.',
      message: /Nothing to change: it is already in that state\.$/,
    });
    await admin.disableServiceAccount(id);
    await expectApiError(admin.disableServiceAccount(id), {
      status: 400,
      title: 'invalid_request',
      detail: 'The service account is already in a disabled state.',
      message: /^APS refused to disable service account \w+ \(HTTP 400 invalid_request: "The service account is already in a disabled state."\)/,
    });
    const notEnabled = {
      status: 400,
      title: 'invalid_request',
      detail: 'The service account is not currently in an enabled state.',
      message: /\(HTTP 400 invalid_request: "The service account is not currently in an enabled state."\)\. A disabled service account cannot manage its keys: enable it first \(enableServiceAccount\)\.$/,
    };
    await expectApiError(admin.createKey(id), notEnabled);
    await expectApiError(admin.listKeys(id), notEnabled);
    await expectApiError(admin.disableKey(id, kid), notEnabled);
    await expectApiError(admin.deleteKey(id, kid), notEnabled);
  });

  it('403 invalid_client for an app that is not server-to-server', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator, 'traditional-web'));
    await expectApiError(admin.createServiceAccount({ name: uniqueName(), ...person }), {
      status: 403,
      title: 'invalid_client',
      detail: 'The client is not a server-to-server application.',
      message: /\(HTTP 403 invalid_client: "The client is not a server-to-server application."\)\. Only a server-to-server app can own service accounts\.$/,
    });
  });

  it('403 when the 2-legged token lacks the scope (the `scopes` option narrowed it)', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator), { scopes: ['application:service_account:read'] });
    await expect(admin.listServiceAccounts()).resolves.toEqual([]);
    await expectApiError(admin.createServiceAccount({ name: uniqueName(), ...person }), {
      status: 403,
      title: 'forbidden',
      detail: 'The request was successfully validated but lacked the required permissions.',
      message:
        /\(HTTP 403 forbidden: "The request was successfully validated but lacked the required permissions."\)\. The token lacks the scope this operation needs: ask for application:service_account:read application:service_account:write application:service_account_key:read application:service_account_key:write\.$/,
    });
  });

  it("401 for a 3-legged token (from the emulator's exchange), tried twice and never sent a third time", async () => {
    const { emulator } = ctx;
    const threeLegged = await obtainSsaToken(emulator.url, emulator.seed.env);
    let asked = 0;
    const admin = createAdminClient({ baseUrl: emulator.url, getAccessToken: () => (asked++, threeLegged) });
    const error = await expectApiError(admin.listServiceAccounts(), {
      status: 401,
      title: 'unauthorized',
      detail: 'The token should be a two-legged token.',
      message:
        'APS refused to list the service accounts (HTTP 401 unauthorized: "The token should be a two-legged token."). ' +
        "The admin API takes an app's 2-legged (client_credentials) token, not a service account's token.",
    });
    expect(asked).toBe(2);
    expect(emulator.counters()['get-all-service-accounts'].unauthorized).toBeGreaterThanOrEqual(1);
    expectNoSecrets(error, [threeLegged]);
  });

  it('429 with retryAfter from Retry-After, tolerating the gateway\'s legacy {developerMessage} body', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    emulator.faults.inject({ kind: 'rate-limit', retryAfter: 7, endpoint: 'get-all-service-accounts' });
    await expectApiError(admin.listServiceAccounts(), {
      status: 429,
      detail: 'Quota limit exceeded.',
      retryAfter: 7,
      message:
        'APS refused to list the service accounts (HTTP 429: "Quota limit exceeded."). Retry after 7 s: APS allows 10 requests a minute per client for each operation.',
    });
  });

  it('a Retry-After of a day (a proxy, or a fault) is capped at MAX_RETRY_AFTER', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    emulator.faults.inject({ kind: 'rate-limit', retryAfter: 86_400, endpoint: 'get-all-service-accounts' });
    await expectApiError(admin.listServiceAccounts(), {
      status: 429,
      detail: 'Quota limit exceeded.',
      retryAfter: MAX_RETRY_AFTER,
      message: `APS refused to list the service accounts (HTTP 429: "Quota limit exceeded."). Retry after ${MAX_RETRY_AFTER} s: APS allows 10 requests a minute per client for each operation.`,
    });
  });

  it('the real 10/min budget: the 11th call of an operation is a 429', async () => {
    const { emulator } = ctx;
    emulator.setRateLimit(10);
    try {
      const admin = adminClient(emulator, freshApp(emulator));
      for (let i = 0; i < 10; i++) await admin.listServiceAccounts();
      const error = await expectApiError(admin.listServiceAccounts(), { status: 429, detail: 'Quota limit exceeded.', message: /^APS refused to list the service accounts \(HTTP 429/ });
      expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    } finally {
      emulator.setRateLimit(0);
    }
  });

  it('5xx and HTML bodies keep their status; no title or detail is invented', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    emulator.faults.inject({ kind: 'html', status: 502, endpoint: 'get-all-service-accounts' });
    await expectApiError(admin.listServiceAccounts(), {
      status: 502,
      message: 'APS refused to list the service accounts (HTTP 502 with a text/html body). APS failed; retry later.',
    });
  });
});

describe('the legacy gateway body and malformed answers (a scripted server)', () => {
  it('reads {errorCode, developerMessage} as title and detail, and scrubs a token echoed back', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    const server = await startLocalServer((res) => {
      res.writeHead(403, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
      res.end(JSON.stringify({ developerMessage: `Token ${token} does not have the privilege for this request.`, userMessage: '', errorCode: 'AUTH-010', 'more info': 'x' }));
    });
    try {
      const admin = createAdminClient({ baseUrl: server.url, getAccessToken: () => token });
      const error = (await rejection(admin.listServiceAccounts())) as unknown as SsaApiError;
      expect(error).toBeInstanceOf(SsaApiError);
      expect({ status: error.status, title: error.title, detail: error.detail, requestId: error.requestId }).toEqual({
        status: 403,
        title: 'AUTH-010',
        detail: 'Token [redacted] does not have the privilege for this request.',
        requestId: 'req-1',
      });
      expect(error.message).toBe(
        'APS refused to list the service accounts (HTTP 403 AUTH-010: "Token [redacted] does not have the privilege for this request."). ' +
          'The token lacks the scope this operation needs: ask for application:service_account:read application:service_account:write application:service_account_key:read application:service_account_key:write. (x-request-id: req-1)',
      );
      expectNoSecrets(error, [token]);
    } finally {
      await server.close();
    }
  });

  it('a success whose body is not what the spec says is ERR_SSA_BAD_RESPONSE, naming the field', async () => {
    const server = await startLocalServer((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ serviceAccounts: [{ serviceAccountId: 'A', email: 'e', createdBy: 'c', status: 'ENABLED', createdAt: 'last tuesday' }] }));
    });
    try {
      const admin = createAdminClient({ baseUrl: server.url, getAccessToken: () => 'token' });
      const error = await rejection(admin.listServiceAccounts());
      expect(error).toBeInstanceOf(SsaError);
      expect(error.code).toBe('ERR_SSA_BAD_RESPONSE');
      expect(error.message).toBe(
        'APS answered "list the service accounts" with HTTP 200, but its `createdAt` is not a time in Go\'s or ISO 8601 form. Check that the base URL points at APS (or the emulator).',
      );
    } finally {
      await server.close();
    }
  });

  it('an unreachable base URL is ERR_SSA_NETWORK; a token endpoint refusing the app is SsaTokenEndpointError', async () => {
    const { emulator } = ctx;
    const port = await closedPort();
    const network = await rejection(createAdminClient({ baseUrl: `http://127.0.0.1:${port}`, getAccessToken: () => 't' }).listServiceAccounts());
    expect(network.code).toBe('ERR_SSA_NETWORK');
    expect(network.message).toBe(
      `Could not list the service accounts: http://127.0.0.1:${port}/authentication/v2/service-accounts is unreachable (ECONNREFUSED). Check the base URL and the network; retry later.`,
    );
    const secret = 'not-the-secret-of-this-app-0123456789';
    const refused = await rejection(adminClient(emulator, { clientId: emulator.seed.clientId, clientSecret: secret }).listServiceAccounts());
    expect(refused).toBeInstanceOf(SsaTokenEndpointError);
    expect(refused.code).toBe('ERR_SSA_INVALID_CLIENT');
    expect(refused.message).toMatch(
      /^Could not get the admin API's 2-legged token from http:\/\/127\.0\.0\.1:\d+\/authentication\/v2\/token \(HTTP 401 invalid_credentials: "The client credentials are invalid."\)\. Check the client id and secret/,
    );
    expectNoSecrets(refused, [secret, Buffer.from(`${emulator.seed.clientId}:${secret}`).toString('base64')]);
  });
});

describe('client-side validation (SsaOptionError, before any request)', () => {
  const admin = createAdminClient({ baseUrl: 'http://127.0.0.1:9', getAccessToken: () => 'never-used' });

  it.each([
    ['', '`serviceAccountId` must be a non-empty string such as 6BNJQT7RR7GTJ5QY, got an empty string.'],
    [undefined, '`serviceAccountId` must be a non-empty string such as 6BNJQT7RR7GTJ5QY, got undefined.'],
    ['../keys', '`serviceAccountId` contains a slash; an id is a single path segment such as 6BNJQT7RR7GTJ5QY. Check where it came from.'],
    ['..', '`serviceAccountId` contains ".."; an id is a single path segment such as 6BNJQT7RR7GTJ5QY. Check where it came from.'],
    ['ABC DEF', '`serviceAccountId` contains whitespace; an id is a single path segment such as 6BNJQT7RR7GTJ5QY. Check where it came from.'],
    ['ABC\u0000', '`serviceAccountId` contains a control character; an id is a single path segment such as 6BNJQT7RR7GTJ5QY. Check where it came from.'],
  ])('refuses the service account id %j', async (id, message) => {
    const error = await rejection(admin.getServiceAccount(id as string));
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error.code).toBe('ERR_SSA_INVALID_OPTION');
    expect(error.option).toBe('serviceAccountId');
    expect(error.message).toBe(message);
  });

  it('refuses a key id with a slash', async () => {
    const error = await rejection(admin.deleteKey('6BNJQT7RR7GTJ5QY', 'a/b'));
    expect(error.option).toBe('keyId');
    expect(error.message).toBe('`keyId` contains a slash; an id is a single path segment such as c546e44b-4b98-48cc-a4fa-7a3af5289af5. Check where it came from.');
  });

  it.each([
    [{ name: 'abcd', ...person }, 'name', "`name` must be a string of 5 to 64 characters (S3's limit; S1 allows 100), got 4 characters."],
    [{ name: 'a'.repeat(65), ...person }, 'name', "`name` must be a string of 5 to 64 characters (S3's limit; S1 allows 100), got 65 characters."],
    ...['bad name', 'Report-Robot', 'report_robot'].map((name) => [
      { name, ...person },
      'name',
      "`name` may contain only lowercase letters, digits and dashes (S1 allows letters, digits and dashes, APS's naming guidelines only lowercase); it becomes the local part of the account's email.",
    ]),
    ...['-----', '-report-robot', 'report-robot-'].map((name) => [{ name, ...person }, 'name', "`name` must start and end with a letter or digit (APS's naming guidelines)."]),
    [{ name: 'valid-name', firstName: 'Robot' }, 'lastName', '`lastName` must be a string of 5 to 100 characters, got undefined.'],
    [{ name: 'valid-name', firstName: '100%-robot', lastName: 'Account' }, 'firstName', '`firstName` may not contain "%", "/" or "&#".'],
    [{ name: 'valid-name', firstName: 'Robot', lastName: 'AT&#38;T' }, 'lastName', '`lastName` may not contain "%", "/" or "&#".'],
    [{ name: 'valid-name', ...person, lastname: 'x' }, 'lastname', 'Unknown option `lastname` passed to createServiceAccount(). Did you mean `lastName`?'],
  ])('refuses the account %j', async (input, option, message) => {
    const error = await rejection(admin.createServiceAccount(input as never));
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });
});

/** A service account's (3-legged) token, from the emulator's jwt-bearer exchange. */
async function obtainSsaToken(baseUrl: string, env: Readonly<Record<string, string>>): Promise<string> {
  const { createAssertion } = await import('../../src/assertion/assertion.js');
  const { exchangeAssertion } = await import('../../src/exchange/token-endpoint.js');
  const assertion = await createAssertion({
    clientId: env['APS_CLIENT_ID']!,
    serviceAccountId: env['APS_SA_ID']!,
    keyId: env['APS_SA_KEY_ID']!,
    privateKey: env['APS_SA_PRIVATE_KEY']!,
    scopes: ['data:read'],
  });
  const result = await exchangeAssertion({ baseUrl, clientId: env['APS_CLIENT_ID']!, clientSecret: env['APS_CLIENT_SECRET']!, assertion });
  return result.accessToken;
}
