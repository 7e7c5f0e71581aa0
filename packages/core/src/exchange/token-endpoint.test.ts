import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import type { TestKey } from '../../test/support/keys.js';
import { closedPort, startLocalServer } from '../../test/support/local-server.js';
import type { LocalServer, ReceivedRequest } from '../../test/support/local-server.js';
import { expectNoSecrets } from '../../test/support/secrets.js';
import { createAssertion } from '../assertion/assertion.js';
import { SsaAssertionInvalidError, SsaOptionError, SsaTokenEndpointError } from '../errors.js';
import type { SsaTokenEndpointErrorCode } from '../errors.js';
import { exchangeAssertion } from './token-endpoint.js';
import type { ExchangeOptions } from './token-endpoint.js';

// Real HTTP against a scripted local server: for the answers (HTML, bad JSON, redirects, stalls)
// that neither APS nor the emulator give. The APS behaviours are tested against the emulator in test/.
const CLIENT_ID = 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4';
const SECRET = 'se cr+et:/é%-0123456789-abcdefghij';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJTQS0xIn0.dG9rZW4tc2lnbmF0dXJlLXRoYXQtbXVzdC1zdGF5LWhpZGRlbg';
const DATE = 'Wed, 15 Jan 2026 12:00:00 GMT';

let key: TestKey;
let assertion: string;
let server: LocalServer;
let respond: (res: ServerResponse, request: ReceivedRequest) => void;

function json(status: number, body: unknown, headers: Record<string, string> = {}): typeof respond {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', date: DATE, 'x-request-id': 'req-123', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

function options(overrides: Partial<ExchangeOptions> = {}): ExchangeOptions {
  return { baseUrl: server.url, clientId: CLIENT_ID, clientSecret: SECRET, assertion, ...overrides };
}

async function failure(overrides: Partial<ExchangeOptions> = {}): Promise<SsaTokenEndpointError> {
  const error = await exchangeAssertion(options(overrides)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SsaTokenEndpointError);
  const basic = Buffer.from(`${CLIENT_ID}:${new URLSearchParams({ s: SECRET }).toString().slice(2)}`).toString('base64');
  expectNoSecrets(error, [SECRET, basic, assertion, TOKEN, ...key.material]);
  return error as SsaTokenEndpointError;
}

async function expectFailure(
  code: SsaTokenEndpointErrorCode,
  message: RegExp,
  fields: Partial<SsaTokenEndpointError>,
  overrides: Partial<ExchangeOptions> = {},
): Promise<SsaTokenEndpointError> {
  const error = await failure(overrides);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(error).toMatchObject(fields);
  return error;
}

beforeAll(async () => {
  key = makeRsaKey();
  assertion = await createAssertion({
    clientId: CLIENT_ID,
    serviceAccountId: '6BNJQT7RR7GTJ5QY',
    keyId: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5',
    privateKey: key.privateKey,
    scopes: ['data:read', 'data:write'],
  });
  server = await startLocalServer((res, request) => respond(res, request));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  respond = json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3599 });
});

describe('exchangeAssertion sends', () => {
  it("a jwt-bearer POST with Basic credentials as Autodesk's SDKs send them: base64 of id:secret, not urlencoded", async () => {
    await exchangeAssertion(options());
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/authentication/v2/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    const basic = Buffer.from((request?.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    // The secret holds `+ / % :` and a non-ASCII letter: each reaches the server as itself.
    expect(basic).toBe(`${CLIENT_ID}:${SECRET}`);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    });
  });

  it.each([
    [{ 'ratelimit-value': '10', 'ratelimit-remaining': '9' }, { limit: 10, remaining: 9 }],
    [{ 'ratelimit-limit': '500', 'ratelimit-remaining': ' 499 ' }, { limit: 500, remaining: 499 }],
    [{ 'ratelimit-value': '10' }, undefined],
    [{ 'ratelimit-value': 'ten', 'ratelimit-remaining': '9' }, undefined],
    [{ 'ratelimit-value': '10', 'ratelimit-remaining': '-1' }, undefined],
    [{ 'ratelimit-value': '1e3', 'ratelimit-remaining': '9' }, undefined],
    [{ 'ratelimit-value': '99999999999999999999', 'ratelimit-remaining': '9' }, undefined],
    [{}, undefined],
  ])('the rate-limit headers %j as %j', async (headers, expected) => {
    respond = json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3599 }, headers);
    expect((await exchangeAssertion(options())).rateLimit).toEqual(expected);
  });

  it('a narrower scope, space-delimited, only when asked', async () => {
    await exchangeAssertion(options({ scopes: ['data:read', 'data:write'] }));
    expect(new URLSearchParams(server.requests[0]?.body).get('scope')).toBe('data:read data:write');
  });

  it('to a base URL with a path prefix, through an injected fetch', async () => {
    respond = (res, request) => json(request.path === '/proxy/authentication/v2/token' ? 200 : 404, { access_token: TOKEN, token_type: 'Bearer', expires_in: 60 })(res, request);
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const result = await exchangeAssertion(options({ baseUrl: `${server.url}/proxy/`, fetch: countingFetch }));
    expect(result.expiresIn).toBe(60);
    expect(seen).toEqual([`${server.url}/proxy/authentication/v2/token`]);
  });
});

describe('exchangeAssertion returns', () => {
  it('the token, its lifetime, scopes, the server date and the request id', async () => {
    const result = await exchangeAssertion(options());
    expect(result.accessToken).toBe(TOKEN);
    expect(result).toMatchObject({ tokenType: 'Bearer', expiresIn: 3599, serverDate: Date.parse(DATE), requestId: 'req-123' });
    expect(result.scopes).toEqual(['data:read', 'data:write']);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('with the token hidden from JSON and inspect', async () => {
    const result = await exchangeAssertion(options());
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ accessToken: '[redacted]', expiresIn: 3599 });
    expect(inspect(result)).toMatch(/^ExchangeResult \{[\s\S]*accessToken: '\[redacted\]'/);
    expect(inspect(result, { showHidden: true })).not.toContain(TOKEN);
  });

  it('the scopes of the response, else those asked for, else the assertion’s', async () => {
    respond = json(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 3599, scope: 'data:read' });
    expect((await exchangeAssertion(options())).scopes).toEqual(['data:read']);
    respond = json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 3599 });
    expect((await exchangeAssertion(options({ scopes: ['data:write'] }))).scopes).toEqual(['data:write']);
  });
});

describe('exchangeAssertion refuses what is not a token', () => {
  // The last column: a body that is not JSON at all (cut off, a proxy's page) is worth a retry; JSON that is
  // not a token will be the same next time.
  const cases: Array<[string, typeof respond, RegExp, boolean]> = [
    ['an HTML page', (res) => res.writeHead(200, { 'content-type': 'text/html', date: DATE }).end('<html>Sign in</html>'), /answered HTTP 200 with a text\/html body instead of JSON/, true],
    ['malformed JSON', json(200, '{"access_token": "abc'), /answered HTTP 200 with a body that is not valid JSON/, true],
    ['a JSON array', json(200, [TOKEN]), /with JSON that is not an object/, false],
    ['no access_token', json(200, { token_type: 'Bearer', expires_in: 3599 }), /answered HTTP 200 without an access_token/, false],
    ['a non-string access_token', json(200, { access_token: 42, token_type: 'Bearer', expires_in: 3599 }), /with an access_token that is not a non-empty string/, false],
    ['a string expires_in', json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: '3599' }), /with an expires_in that is not a positive number of seconds/, false],
    ['a zero expires_in', json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 0 }), /with an expires_in that is not a positive number/, false],
    ['a negative expires_in', json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: -1 }), /with an expires_in that is not a positive number/, false],
    ['an infinite expires_in (1e999 in JSON)', json(200, `{"access_token":"${TOKEN}","token_type":"Bearer","expires_in":1e999}`), /with an expires_in that is not a positive number/, false],
    ['an absurd expires_in (a billion seconds)', json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 1e9 }), /with an expires_in of 1000000000 s, more than a day/, false],
    ['an expires_in of a day and a second', json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 86_401 }), /with an expires_in of 86401 s, more than a day/, false],
    ['no token_type', json(200, { access_token: TOKEN, expires_in: 3599 }), /with a token_type other than Bearer/, false],
    ['an empty 204', (res) => res.writeHead(204).end(), /answered HTTP 204 with a body that is not valid JSON/, true],
  ];
  it.each(cases)('%s', async (_name, handler, message, retryable) => {
    respond = handler;
    const error = await expectFailure('ERR_SSA_BAD_RESPONSE', message, { retryable });
    expect(error.message).toMatch(/which is not an APS token response\. Check that the base URL points at APS/);
    expect(error.message).not.toContain('Sign in');
  });

  it('a 404 (a wrong base URL), naming it', async () => {
    respond = (res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    await expectFailure('ERR_SSA_BAD_RESPONSE', /answered HTTP 404, which APS's token endpoint never does\. Check the base URL/, { status: 404, retryable: false });
  });

  it('a redirect, without following it', async () => {
    respond = (res, request) => {
      if (request.path.startsWith('/elsewhere')) json(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 1 })(res, request);
      else res.writeHead(307, { location: `${server.url}/elsewhere` }).end();
    };
    await expectFailure('ERR_SSA_BAD_RESPONSE', /redirected the request, which APS's token endpoint never does/, { status: 307 });
    expect(server.requests.map((r) => r.path)).toEqual(['/authentication/v2/token']);
  });
});

describe('exchangeAssertion maps APS errors', () => {
  it('401 to ERR_SSA_INVALID_CLIENT, with APS fields, the request id and the server date', async () => {
    respond = json(401, { error: 'invalid_credentials', error_description: 'The client credentials are invalid.' });
    await expectFailure(
      'ERR_SSA_INVALID_CLIENT',
      /^The token endpoint refused the client credentials \(HTTP 401 invalid_credentials: "The client credentials are invalid\."\)\. Check APS_CLIENT_ID and APS_CLIENT_SECRET.* \(x-request-id: req-123\)$/,
      { status: 401, error: 'invalid_credentials', errorDescription: 'The client credentials are invalid.', requestId: 'req-123', serverDate: Date.parse(DATE), retryable: false },
    );
  });

  it('400 invalid_request and other invalid_grant errors', async () => {
    respond = json(400, { error: 'invalid_request', error_description: "The request is missing a required parameter 'assertion'." });
    await expectFailure('ERR_SSA_INVALID_REQUEST', /^The token endpoint called the request malformed \(HTTP 400 invalid_request: /, { status: 400, retryable: false });
    respond = json(400, { error: 'invalid_grant', error_description: 'The service account is not currently in an enabled state.' });
    await expectFailure('ERR_SSA_INVALID_GRANT', /^APS refused the service account grant \(.*\)\. Enable the service account/, { error: 'invalid_grant', retryable: false });
  });

  it("400 invalid_grant \"The 'assertion' is invalid.\" to SsaAssertionInvalidError", async () => {
    // A server clock that agrees with ours (the assertion was just signed): nothing to diagnose in its claims.
    respond = json(400, { error: 'invalid_grant', error_description: "The 'assertion' is invalid." }, { date: new Date().toUTCString() });
    const error = await expectFailure('ERR_SSA_ASSERTION_INVALID', /^APS rejected the assertion \(HTTP 400 invalid_grant: "The 'assertion' is invalid\."\)\. Nothing wrong is visible/, {
      retryable: false,
    });
    expect(error).toBeInstanceOf(SsaAssertionInvalidError);
    expect((error as SsaAssertionInvalidError).issues).toEqual([]);
  });

  it('403 to ERR_SSA_FORBIDDEN', async () => {
    respond = json(403, { detail: 'The request was successfully validated but lacked the required permissions' });
    await expectFailure('ERR_SSA_FORBIDDEN', /^The token endpoint refused the request \(HTTP 403: "The request was successfully validated but lacked the required permissions"\): the app lacks a permission/, {
      status: 403,
      retryable: false,
    });
  });

  it('429 to ERR_SSA_RATE_LIMITED with Retry-After in seconds', async () => {
    respond = json(429, { developerMessage: 'Quota limit exceeded.' }, { 'retry-after': '17' });
    await expectFailure('ERR_SSA_RATE_LIMITED', /^The token endpoint is rate-limiting this client \(HTTP 429: "Quota limit exceeded\."\); retry after 17 s\./, {
      status: 429,
      retryAfter: 17,
      retryable: true,
    });
  });

  it('429 with Retry-After as an HTTP-date, counted from the server Date', async () => {
    respond = json(429, {}, { 'retry-after': 'Wed, 15 Jan 2026 12:00:42 GMT' });
    await expectFailure('ERR_SSA_RATE_LIMITED', /retry after 42 s/, { retryAfter: 42, retryable: true });
  });

  it('5xx to ERR_SSA_SERVER, retryable, whatever the body', async () => {
    respond = json(503, { developerMessage: 'Service unavailable' }, { 'retry-after': '5' });
    await expectFailure('ERR_SSA_SERVER', /^The token endpoint failed \(HTTP 503: "Service unavailable"\); retry after 5 s\./, { status: 503, retryAfter: 5, retryable: true });
    respond = (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
    const error = await expectFailure('ERR_SSA_SERVER', /^The token endpoint failed \(HTTP 502\); retry later\.$/, { status: 502, retryable: true });
    expect(error.error).toBeUndefined();
  });

  it('408 to ERR_SSA_TIMEOUT, retryable', async () => {
    respond = (res) => res.writeHead(408, { 'content-type': 'text/plain' }).end('Request Timeout');
    await expectFailure('ERR_SSA_TIMEOUT', /^The token endpoint timed out waiting for the request \(HTTP 408\); retry later\.$/, { status: 408, retryable: true });
  });

  it('scrubs a secret or the assertion echoed by the server', async () => {
    respond = json(400, { error: 'invalid_request', error_description: `bad client_secret=${SECRET} assertion=${assertion}` });
    const error = await expectFailure('ERR_SSA_INVALID_REQUEST', /bad client_secret=\[redacted\] assertion=\[redacted\]/, {});
    expect(error.errorDescription).toBe('bad client_secret=[redacted] assertion=[redacted]');
  });
});

describe('exchangeAssertion when the endpoint does not answer', () => {
  it('times out on a server that never answers', async () => {
    respond = () => undefined;
    await expectFailure('ERR_SSA_TIMEOUT', /^The token endpoint at http:\/\/127\.0\.0\.1:\d+\/authentication\/v2\/token did not answer within 300 ms\. Retry later, or raise `timeout`\.$/, { retryable: true }, { timeout: 300 });
  });

  it('times out on a body that never ends', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token": "');
    };
    await expectFailure('ERR_SSA_TIMEOUT', /did not answer within 300 ms/, { retryable: true }, { timeout: 300 });
  });

  it('reports a refused connection as ERR_SSA_NETWORK, keeping only the socket error as cause', async () => {
    const error = await expectFailure('ERR_SSA_NETWORK', /^Could not reach the token endpoint at http:\/\/127\.0\.0\.1:\d+\/authentication\/v2\/token \(ECONNREFUSED\)\./, { retryable: true }, {
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it("rejects with the signal's reason when aborted, before or during the request", async () => {
    const reason = new Error('shutting down');
    await expect(exchangeAssertion(options({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
    respond = () => undefined;
    const controller = new AbortController();
    const pending = exchangeAssertion(options({ signal: controller.signal }));
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('exchangeAssertion validates its options', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an unknown option', { scope: 'data:read' }, 'scope', /^Unknown option `scope` passed to exchangeAssertion\(\)\. Did you mean `scopes`\?$/],
    ['a missing secret', { clientSecret: '' }, 'clientSecret', /^`clientSecret` \(the APS app's client secret\) is required, got an empty string\.$/],
    ['a missing assertion', { assertion: undefined }, 'assertion', /^`assertion` \(a signed assertion from createAssertion\(\)\) is required, got undefined\.$/],
    ['a space-delimited scopes string', { scopes: 'data:read data:write' }, 'scopes', /^`scopes` must be an array of scope strings/],
    ['plain http to a remote host', { baseUrl: 'http://developer.api.autodesk.com' }, 'baseUrl', /^`baseUrl` uses plain http: for a host that is not this machine/],
    ['a zero timeout', { timeout: 0 }, 'timeout', /^`timeout` must be a whole number of milliseconds from 1 to 2147483647, got 0\.$/],
    ['a fetch that is not a function', { fetch: 'node-fetch' }, 'fetch', /^`fetch` must be a function, got a string\.$/],
    ['a signal that is not an AbortSignal', { signal: {} }, 'signal', /^`signal` must be an AbortSignal, got an object\.$/],
  ];
  it.each(cases)('%s', async (_name, overrides, option, message) => {
    const error = await exchangeAssertion(options(overrides as Partial<ExchangeOptions>)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option });
    expect((error as Error).message).toMatch(message);
    expectNoSecrets(error, [SECRET, assertion]);
    expect(server.requests).toHaveLength(0);
  });
});
