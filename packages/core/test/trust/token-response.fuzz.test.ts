// Trust: exchangeAssertion against a real local HTTP server that answers generated statuses,
// headers and bodies (and broken connections). Every answer ends in a token that really is one, or
// in an SsaTokenEndpointError whose code follows from the status; no error shows the client secret,
// the assertion, the Basic credentials or the token.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER } from '../../src/adapter/index.js';
import { SsaTokenEndpointError, createAssertion, exchangeAssertion } from '../../src/index.js';
import type { ExchangeResult } from '../../src/index.js';
import { startLocalServer } from '../support/local-server.js';
import type { LocalServer } from '../support/local-server.js';
import { addKeyMaterial, makeKeyRing } from './support/key-inputs.js';
import { LeakDetector } from './support/leak-detector.js';
import { expectTypedError } from './support/typed-errors.js';

// Real HTTP round trips: about 10 s on a shared 2-core machine.
const RUNS = 1000;
const CLIENT_ID = 'TRUSTclient0123456789abcdefABCDEF';
const SECRET = `CANARYsecret${randomBytes(26).toString('hex')}`;
const TOKEN = `CANARYtoken.${randomBytes(60).toString('base64url')}`;
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');

/** What the server does with the next request. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  transport: 'normal' | 'reset' | 'cut-body';
}

let server: LocalServer;
let answer: Answer;
let assertion: string;
const leaks = new LeakDetector();

beforeAll(async () => {
  const ring = makeKeyRing();
  assertion = await createAssertion({
    clientId: CLIENT_ID,
    serviceAccountId: 'TRUSTSA000000001',
    keyId: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5',
    privateKey: ring.rsa,
    scopes: ['data:read'],
  });
  addKeyMaterial(leaks, ring.rsa);
  leaks.add('client secret', SECRET).add('assertion', assertion).add('Basic credentials', BASIC);
  server = await startLocalServer((res) => {
    try {
      respond(res, answer);
    } catch (err) {
      res.socket?.destroy();
      throw err;
    }
  });
});
afterAll(() => server.close());

function respond(res: ServerResponse, { status, headers, body, transport }: Answer): void {
  // 204, 205 and 304 carry no body, so there is none to cut: drop the connection instead.
  if (transport === 'reset' || (transport === 'cut-body' && [204, 205, 304].includes(status))) {
    res.socket?.destroy();
    return;
  }
  if (transport === 'cut-body') {
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body) + 100) });
    res.write(body.slice(0, body.length >> 1));
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.writeHead(status, headers).end(body);
}

/** Generated answers: built once the assertion exists, since a misbehaving server may echo it. */
function answers(): fc.Arbitrary<Answer> {
  /** A secret the server may echo (APS never does; a misbehaving proxy or gateway might). */
  const echo = fc.constantFrom(SECRET, assertion, BASIC, `Basic ${BASIC}`, `grant_type=x&assertion=${assertion}`);
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom("The 'assertion' is invalid.", 'The client credentials are invalid.', 'Rate limit exceeded; wait some time before retrying.'),
    fc.tuple(fc.string({ maxLength: 400 }), fc.constantFrom(SECRET, assertion, BASIC), fc.string({ maxLength: 400 })).map(([a, s, b]) => `${a}${s}${b}`),
  );
  const oauthError = fc.record(
    {
      error: fc.oneof(fc.constantFrom('invalid_request', 'invalid_grant', 'invalid_credentials', 'invalid_client', 'unauthorized_client'), text, fc.integer()),
      error_description: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  );
  const otherErrorShapes = fc.oneof(
    fc.record({ title: text, detail: text }, { requiredKeys: [] }),
    fc.record({ developerMessage: text, userMessage: text, errorCode: fc.constantFrom('AUTH-006', 'AUTH-010'), 'more info': fc.webUrl() }, { requiredKeys: [] }),
  );
  const tokenBody = fc.record(
    {
      access_token: fc.oneof({ weight: 4, arbitrary: fc.constant(TOKEN) }, fc.constantFrom('', null, 42, ['x'], { t: TOKEN })),
      token_type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Bearer', 'bearer', 'BEARER') }, fc.constantFrom('', 'mac', 'Bearer ', null, 1)),
      expires_in: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(3599, 3600, 1, 0.5) },
        fc.constantFrom(0, -1, '3599', null, 1e308, -0, 86_400, 86_401, 1e9),
        fc.double(),
      ),
      scope: fc.oneof(fc.constantFrom('data:read', 'data:read data:write', '', '  '), fc.array(fc.string()), fc.integer()),
      refresh_token: text,
    },
    { requiredKeys: [] },
  );
  const body: fc.Arbitrary<string> = fc.oneof(
    { weight: 4, arbitrary: tokenBody.map((b) => JSON.stringify(b)) },
    { weight: 3, arbitrary: oauthError.map((b) => JSON.stringify(b)) },
    otherErrorShapes.map((b) => JSON.stringify(b)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    tokenBody.chain((b) => fc.nat().map((n) => JSON.stringify(b).slice(0, n % (JSON.stringify(b).length + 1)))),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom('', '<html><body><h1>502 Bad Gateway</h1></body></html>', '\uFEFF{"access_token":"x","token_type":"Bearer","expires_in":1}', 'null', '[]', '"Bearer"'),
    fc.constant(JSON.stringify({ error_description: 'x'.repeat(20_000) })),
  );
  const headers: fc.Arbitrary<Record<string, string>> = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'application/json;charset=UTF-8', 'text/html', 'text/plain', 'application/x-www-form-urlencoded', 'x/y; a=b'),
      'retry-after': fc.oneof(
        fc.nat().map(String),
        fc.constantFrom('99999999999999999999', '99999999', '3601', '-5', '1.5', 'soon', '', ' 7 '),
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toUTCString()),
      ),
      date: fc.oneof(fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toUTCString()), fc.constantFrom('yesterday', '0')),
      'x-request-id': fc.oneof(fc.uuid(), fc.string({ maxLength: 50 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), echo),
      location: fc.constantFrom('https://evil.test/token', '/authentication/v2/token', '//127.0.0.2/x'),
    },
    { requiredKeys: [] },
  );
  const STATUSES = [200, 201, 202, 204, 206, 300, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 408, 409, 413, 415, 418, 422, 429, 500, 501, 502, 503, 504, 599];
  return fc.record({
    status: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...STATUSES) }, fc.integer({ min: 200, max: 599 }), fc.constantFrom(600, 999)),
    headers,
    body,
    transport: fc.oneof({ weight: 18, arbitrary: fc.constant('normal' as const) }, fc.constantFrom('reset' as const, 'cut-body' as const)),
  });
}

/** The only code a status may give (400 has three, told apart by `error`/`error_description`). */
function codesFor({ status, transport }: Answer): readonly string[] {
  if (transport !== 'normal') return ['ERR_SSA_NETWORK'];
  // Not HTTP statuses: fetch may refuse them, or core may count them as server errors.
  if (status >= 600) return ['ERR_SSA_NETWORK', 'ERR_SSA_BAD_RESPONSE', 'ERR_SSA_SERVER'];
  // The Fetch standard turns a 407 into a network error.
  if (status === 407) return ['ERR_SSA_NETWORK'];
  // The Fetch standard sends a request answered 421 again on a new connection; under load undici's resend can
  // fail (UND_ERR_REQ_CONTENT_LENGTH_MISMATCH), a network error, else the second 421 is what APS never sends.
  if (status === 421) return ['ERR_SSA_BAD_RESPONSE', 'ERR_SSA_NETWORK'];
  if (status >= 200 && status < 300) return ['ERR_SSA_BAD_RESPONSE'];
  if (status === 400) return ['ERR_SSA_ASSERTION_INVALID', 'ERR_SSA_INVALID_GRANT', 'ERR_SSA_INVALID_REQUEST'];
  const byStatus: Record<number, string> = { 401: 'ERR_SSA_INVALID_CLIENT', 403: 'ERR_SSA_FORBIDDEN', 408: 'ERR_SSA_TIMEOUT', 429: 'ERR_SSA_RATE_LIMITED' };
  return [byStatus[status] ?? (status >= 500 ? 'ERR_SSA_SERVER' : 'ERR_SSA_BAD_RESPONSE')];
}

/** Whether a 2xx answer is a token by the README's rule (204 and 205 carry no body; fetch drops a UTF-8 BOM). */
function isToken({ status, body: raw }: Answer): boolean {
  if (status === 204 || status === 205) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const { access_token: token, token_type: type, expires_in: expiresIn } = parsed as Record<string, unknown>;
  // expires_in: positive, and at most a day (MAX_EXPIRES_IN; APS documents an hour).
  return typeof token === 'string' && token !== '' && typeof type === 'string' && type.toLowerCase() === 'bearer' && typeof expiresIn === 'number' && expiresIn > 0 && expiresIn <= 86_400;
}

describe('exchangeAssertion: generated token endpoint answers over real HTTP', () => {
  it(`a real token, or the typed error its status calls for, without secrets (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(answers(), async (generated) => {
        answer = generated;
        let result: ExchangeResult;
        try {
          result = await exchangeAssertion({ baseUrl: server.url, clientId: CLIENT_ID, clientSecret: SECRET, assertion, timeout: 5_000 });
        } catch (err) {
          expectTypedError(err, SsaTokenEndpointError, codesFor(generated), leaks);
          // (A 2xx that is not JSON at all may be retried: a cut-off body or a proxy's page passes.)
          if (err.code !== 'ERR_SSA_BAD_RESPONSE') {
            expect(err.retryable).toBe(['ERR_SSA_RATE_LIMITED', 'ERR_SSA_SERVER', 'ERR_SSA_TIMEOUT', 'ERR_SSA_NETWORK'].includes(err.code));
          }
          if (err.code !== 'ERR_SSA_NETWORK' && err.code !== 'ERR_SSA_TIMEOUT') expect(err.status).toBe(generated.status);
          const retryAfter = generated.headers['retry-after'];
          if ((err.code === 'ERR_SSA_RATE_LIMITED' || err.code === 'ERR_SSA_SERVER') && retryAfter !== undefined && /^\d+$/.test(retryAfter)) {
            // Obeyed up to MAX_RETRY_AFTER: a proxy's `Retry-After: 99999999` must not switch a provider off.
            expect(err.retryAfter).toBe(Math.min(Number(retryAfter), MAX_RETRY_AFTER));
          }
          if (err.retryAfter !== undefined) expect(err.retryAfter).toBeLessThanOrEqual(MAX_RETRY_AFTER);
          expect(err.code === 'ERR_SSA_BAD_RESPONSE' && generated.status >= 200 && generated.status < 300 && isToken(generated)).toBe(false);
          return;
        }
        expect(generated.transport).toBe('normal');
        expect(generated.status >= 200 && generated.status < 300 && isToken(generated), 'not a token, yet accepted').toBe(true);
        const sent = JSON.parse(generated.body.replace(/^\uFEFF/, '')) as { access_token: string; expires_in: number };
        expect(result.accessToken).toBe(sent.access_token);
        expect(result.expiresIn).toBe(sent.expires_in);
        expect(result.tokenType).toBe('Bearer');
        expect(Object.isFrozen(result)).toBe(true);
        expect(new LeakDetector({ token: [TOKEN] }).findIn(result, 'ExchangeResult')).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    // Every request really went out, and none carried the secret anywhere but the Basic header.
    for (const request of server.requests.slice(-50)) {
      expect(request.headers.authorization).toBe(`Basic ${BASIC}`);
      expect(leaks.find(request.body)?.secret).toBe('assertion');
      expect(request.body).not.toContain(SECRET);
    }
  }, 120_000);
});
