import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SsaApiError, SsaTokenEndpointError, createAssertion, createTokenProvider, exchangeAssertion } from '../../src/index.js';
import type { RefreshFailedEvent } from '../../src/index.js';
import { createAdminClient } from '../../src/admin/index.js';
import { renderings } from '../support/secrets.js';

// A server (or a proxy in front of APS) that echoes the request it got into the fields aps-ssa quotes: the
// `error_description` / `detail`, the `title` / `error` and the `x-request-id` header. Whole, cut into pieces and
// URL-encoded, with control characters (CR, LF, ESC, C1 CSI, bidi overrides) around them.

const CLIENT_ID = 'echo-client-id-0001';
// Letters, digits and the characters that URL encoding, form encoding and base64 change.
const CLIENT_SECRET = 'Zq7/wX+e%3=k9LmPq2RsT4uVwY8zA1bC';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
const TOKEN = 'admin-2legged-eyJ0b2tlbiI6InNlY3JldCJ9-7f3a9c1d2e4b5a6f';
// What a log line must never hold: line breaks, ESC and other C0/C1 controls, bidi overrides and isolates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const FORGED = '\r\n2026-12-07 INFO forged line \u001b[31mred\u001b[0m \u009b2J \u202eevil\u202c';

/** Every piece of `secret` (of `length` characters) an echo might cut out of it. */
function windows(secret: string, length: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + length <= secret.length; i++) pieces.push(secret.slice(i, i + length));
  return pieces;
}

/** The secret, its URL encoding and its pieces of 16 characters (issue 19 showed 20-character windows surviving). */
function leakForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), ...windows(secret, 16), ...windows(encodeURIComponent(secret), 16)];
}

function expectClean(value: unknown, secrets: readonly string[]): void {
  const pieces = secrets.flatMap(leakForms);
  const leaks = renderings(value).flatMap((text) => pieces.filter((piece) => text.includes(piece)).map((piece) => `${piece} in ${text.slice(0, 200)}`));
  expect(leaks).toEqual([]);
}

function expectOneLine(...texts: Array<string | undefined>): void {
  for (const text of texts) if (text !== undefined) expect(text, JSON.stringify(text)).not.toMatch(CONTROL);
}

interface Echo {
  /** The `Authorization` header and the body the server got. */
  authorization: string;
  body: string;
}

/** What the server answers, made from the request it got. */
type Answer = (echo: Echo, request: IncomingMessage) => { status: number; headers?: Record<string, string>; body: unknown };

let server: Server;
let baseUrl: string;
let answer: Answer;
let assertion: string;
let signature: string;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const echo = { authorization: request.headers.authorization ?? '', body: Buffer.concat(chunks).toString() };
      const { status, headers = {}, body } = answer(echo, request);
      // One request per connection: a kept-alive socket the server closes could reset the next test's request.
      response.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assertion = await createAssertion({ clientId: CLIENT_ID, serviceAccountId: 'SA0000000001', keyId: 'kid-1', privateKey, scopes: ['data:read'] });
  signature = assertion.split('.')[2]!;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** Echoes the request's credential and body, whole, in 20-character windows and URL-encoded, into every field. */
function echoing(status: number, shape: 'oauth' | 'problem'): Answer {
  return ({ authorization, body }) => {
    const credential = authorization.replace(/^\S+\s+/, '');
    const sent = new URLSearchParams(body).get('assertion') ?? '';
    const pieces = [
      authorization,
      `secret window ${CLIENT_SECRET.slice(3, 23)}`,
      `credential window ${credential.slice(5, 25)}`,
      `signature window ${sent.split('.')[2]?.slice(10, 30) ?? ''}`,
      `encoded ${encodeURIComponent(CLIENT_SECRET)} ${encodeURIComponent(credential).slice(2, 24)}`,
      `body ${body.slice(0, 400)}`,
    ].join(' | ');
    const title = `${credential.slice(0, 20)}${FORGED}`;
    const description = `Rejected: ${pieces}${FORGED}`;
    return {
      status,
      // A header cannot carry CR or LF; it can carry the credential, windows of it, C1 controls as latin1.
      headers: { 'x-request-id': `${authorization} ${CLIENT_SECRET.slice(2, 22)} \u009b31m`, 'content-type': `application/json; x=${credential}` },
      body: shape === 'oauth' ? { error: title, error_description: description } : { title, detail: description, developerMessage: description },
    };
  };
}

describe('a server that echoes the request into its error fields', () => {
  beforeEach(() => {
    answer = echoing(400, 'oauth');
  });

  it.each([
    [400, 'oauth'],
    [401, 'problem'],
    [429, 'oauth'],
    [503, 'problem'],
  ] as const)('exchangeAssertion: HTTP %i (%s) shows no piece of the secret, credential or assertion, on one line', async (status, shape) => {
    answer = echoing(status, shape);
    const error = (await exchangeAssertion({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, assertion }).catch((e: unknown) => e)) as SsaTokenEndpointError;
    expect(error).toBeInstanceOf(SsaTokenEndpointError);
    expect(error.message).toContain('[redacted]');
    expect(error.requestId).toContain('[redacted]');
    expectClean(error, [CLIENT_SECRET, BASIC, assertion, signature]);
    expectOneLine(error.message, error.error, error.errorDescription, error.requestId);
  });

  it('a token provider: the refresh-failed event and the rejection hold no piece of a secret, on one line', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = createTokenProvider({
      baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      serviceAccountId: 'SA0000000001',
      keyId: 'kid-1',
      privateKey,
      scopes: ['data:read'],
    });
    const events: RefreshFailedEvent[] = [];
    provider.on('refresh-failed', (event) => events.push(event));
    let signed = '';
    answer = (echo, request) => {
      signed = new URLSearchParams(echo.body).get('assertion') ?? '';
      return echoing(400, 'oauth')(echo, request);
    };
    try {
      const error = await provider.getToken().catch((e: unknown) => e as Error);
      expect(events.length).toBeGreaterThan(0);
      expect(signed).not.toBe('');
      for (const value of [error, ...events]) expectClean(value, [CLIENT_SECRET, BASIC, signed, signed.split('.')[2]!]);
      expectOneLine(error.message, ...events.map((event) => event.error.message));
    } finally {
      await provider.close();
    }
  });

  it("the admin client's 2-legged token: the same", async () => {
    answer = echoing(401, 'oauth');
    const admin = createAdminClient({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const error = (await admin.listServiceAccounts().catch((e: unknown) => e)) as SsaTokenEndpointError;
    expect(error).toBeInstanceOf(SsaTokenEndpointError);
    expect(error.requestId).toContain('[redacted]');
    expectClean(error, [CLIENT_SECRET, BASIC]);
    expectOneLine(error.message, error.error, error.errorDescription, error.requestId);
  });

  it('the admin client: a refusal echoing the bearer token into title, detail and x-request-id', async () => {
    answer = (echo, request) =>
      request.url?.endsWith('/token') === true
        ? { status: 200, body: { access_token: TOKEN, token_type: 'Bearer', expires_in: 3599 } }
        : echoing(403, 'problem')(echo, request);
    const admin = createAdminClient({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const error = (await admin.listServiceAccounts().catch((e: unknown) => e)) as SsaApiError;
    expect(error).toBeInstanceOf(SsaApiError);
    expect(error.requestId).toContain('[redacted]');
    expectClean(error, [CLIENT_SECRET, BASIC, TOKEN]);
    expectOneLine(error.message, error.title, error.detail, error.requestId);
  });

  it("the admin client: a caller's own token echoed back", async () => {
    answer = echoing(404, 'problem');
    const admin = createAdminClient({ baseUrl, getAccessToken: () => TOKEN });
    const error = (await admin.getServiceAccount('SA0000000001').catch((e: unknown) => e)) as SsaApiError;
    expect(error).toBeInstanceOf(SsaApiError);
    expectClean(error, [TOKEN]);
    expectOneLine(error.message, error.title, error.detail, error.requestId);
  });

  it('keeps what is not a secret: a UUID request id and an ordinary description', async () => {
    const id = '3f2b8c1e-5a7d-4e9f-8b6a-0c1d2e3f4a5b';
    answer = () => ({ status: 400, headers: { 'x-request-id': id }, body: { error: 'invalid_request', error_description: "The 'grant_type' is missing." } });
    const error = (await exchangeAssertion({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, assertion }).catch((e: unknown) => e)) as SsaTokenEndpointError;
    expect(error).toMatchObject({ requestId: id, error: 'invalid_request', errorDescription: "The 'grant_type' is missing." });
  });
});
