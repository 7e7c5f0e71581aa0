// Trust: the emulator's token endpoint under generated requests (forms, credentials, JWTs, truncated
// and oversized bodies). Every answer is one APS documents (status and JSON shape), never a 500, never
// a secret; and a well-formed exchange is granted exactly when its assertion obeys every rule.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/index.js';
import type { Emulator } from '../../src/index.js';
import { APS_AUDIENCE, JWT_BEARER, basic } from '../support.js';

// Real HTTP round trips with RS256 signing: about 10-15 s on a shared 2-core machine.
const RUNS = { requests: 1000, assertions: 600 };
const TOKEN_ERRORS = ['invalid_request', 'invalid_grant', 'invalid_credentials', 'invalid_scope'];
const INVALID_ASSERTION = "The 'assertion' is invalid.";
const OVERSIZED = 64 * 1024 + 1;

let emulator: Emulator;
let seedKey: KeyObject;
let otherKey: KeyObject;
let secrets: string[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  seedKey = createPrivateKey(emulator.seed.privateKey);
  otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const body = emulator.seed.privateKey.replace(/-----[A-Z ]+-----|\s/g, '');
  secrets = [emulator.seed.clientSecret, ...Array.from({ length: Math.floor(body.length / 40) }, (_, i) => body.slice(i * 40, i * 40 + 40))];
});
afterAll(() => emulator.close());

/** One claim set change and whether APS must still grant the assertion. */
type ClaimChange = readonly [name: string, change: (claims: Record<string, unknown>, now: number) => void, valid: boolean];

const CLAIM_CHANGES: readonly ClaimChange[] = [
  ['as is', () => undefined, true],
  ['exp in 10 s', (c, now) => void (c.exp = now + 10), true],
  ['a jti, typ-like extras', (c) => Object.assign(c, { jti: 'SA-x', foo: { bar: [1] } }), true],
  ['iat and nbf in the past', (c, now) => Object.assign(c, { iat: now - 30, nbf: now - 30 }), true],
  ['a data:read:<URN> scope', (c) => void (c.scope = ['data:read:urn:adsk.wipprod:dm.lineage:x']), true],
  ['no exp', (c) => void delete c.exp, false],
  ['exp long past', (c, now) => void (c.exp = now - 120), false],
  ['exp 10 min ahead', (c, now) => void (c.exp = now + 600), false],
  ['exp as a string', (c, now) => void (c.exp = String(now + 60)), false],
  ['exp null', (c) => void (c.exp = null), false],
  // APS documents no check of iat or nbf (reference §4): the emulator invents none.
  ['iat in the future', (c, now) => void (c.iat = now + 120), true],
  ['nbf in the future', (c, now) => void (c.nbf = now + 120), true],
  ['exp now', (c, now) => void (c.exp = now), false],
  ['aud with a trailing slash', (c) => void (c.aud = `${APS_AUDIENCE}/`), false],
  // golang-jwt v4, the docs' Go snippet, sends a single audience as a one-element array (reference §9).
  ['aud as a one-element array', (c) => void (c.aud = [APS_AUDIENCE]), true],
  ['aud as a two-element array', (c) => void (c.aud = [APS_AUDIENCE, 'https://autodesk.com']), false],
  ['aud the emulator', (c) => void (c.aud = `${emulator.url}/authentication/v2/token`), false],
  ['no aud', (c) => void delete c.aud, false],
  ['iss another client', (c) => void (c.iss = 'someoneelse0123456789abcdefABCDE'), false],
  ['no iss', (c) => void delete c.iss, false],
  ['sub unknown', (c) => void (c.sub = 'NOSUCHACCOUNT000'), false],
  ['sub a number', (c) => void (c.sub = 42), false],
  ['scope a string', (c) => void (c.scope = 'data:read'), false],
  ['scope empty', (c) => void (c.scope = []), false],
  ['scope unknown', (c) => void (c.scope = ['data:readx']), false],
  ['scope with a number', (c) => void (c.scope = ['data:read', 1]), false],
  ['51 scopes', (c) => void (c.scope = Array.from({ length: 51 }, () => 'data:read')), false],
  ['no scope', (c) => void delete c.scope, false],
];

/** How the assertion is signed, and whether that can pass. */
const SIGNINGS = ['seed key', 'another key', 'alg none', 'HS256 with the client secret', 'kid unknown', 'no kid', 'payload tampered', 'signature cut'] as const;
type Signing = (typeof SIGNINGS)[number];

async function sign(claims: Record<string, unknown>, signing: Signing): Promise<string> {
  const kid = emulator.seed.keyId;
  const rs256 = (key: KeyObject | string, header: Record<string, unknown> = { kid }): Promise<string> =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
  switch (signing) {
    case 'seed key':
      return rs256(seedKey);
    case 'another key':
      return rs256(otherKey);
    case 'alg none':
      return new UnsecuredJWT(claims).encode().replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url'));
    case 'HS256 with the client secret':
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(emulator.seed.clientSecret));
    case 'kid unknown':
      return rs256(seedKey, { kid: '00000000-0000-4000-8000-000000000000' });
    case 'no kid':
      return rs256(seedKey, {});
    case 'payload tampered': {
      const [header, , signature] = (await rs256(seedKey)).split('.');
      return `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: 'tampered' })).toString('base64url')}.${signature}`;
    }
    case 'signature cut':
      return (await rs256(seedKey)).slice(0, -10);
  }
}

function post(body: string | Buffer, headers: Record<string, string>, method = 'POST'): Promise<Response> {
  return fetch(`${emulator.url}/authentication/v2/token`, { method, headers, ...(method === 'GET' ? {} : { body }) });
}

/** Checks an answer against what APS documents, and that it holds no secret; returns the parsed body. */
async function expectDocumentedAnswer(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  for (const secret of secrets) expect(text.includes(secret), 'a secret in the answer').toBe(false);
  expect([200, 400, 401, 405, 413], `status ${response.status}: ${text.slice(0, 200)}`).toContain(response.status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  const body = JSON.parse(text) as Record<string, unknown>;
  if (response.status === 200) {
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(typeof body.access_token).toBe('string');
    expect(body.expires_in).toBeGreaterThan(0);
  } else if (response.status === 405) {
    expect(typeof body.developerMessage).toBe('string');
  } else {
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(TOKEN_ERRORS).toContain(body.error);
    expect(typeof body.error_description).toBe('string');
  }
  return body;
}

describe('emulator token endpoint: generated assertions judged against the documented rules', () => {
  it(`grants an assertion exactly when every rule holds, else "The 'assertion' is invalid." (${RUNS.assertions} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...CLAIM_CHANGES), { minLength: 1, maxLength: 3 }),
        fc.oneof({ weight: 6, arbitrary: fc.constant<Signing>('seed key') }, fc.constantFrom(...SIGNINGS)),
        fc.boolean(),
        async (changes, signing, formScope) => {
          const now = Math.floor(emulator.clock.now() / 1000);
          const claims: Record<string, unknown> = {
            iss: emulator.seed.clientId,
            sub: emulator.seed.serviceAccountId,
            aud: APS_AUDIENCE,
            exp: now + 240,
            scope: [...emulator.seed.scopes],
          };
          // Valid changes first, so that a later one cannot repair an invalid one (both set `exp`...).
          for (const [, change] of [...changes].sort((a, b) => Number(b[2]) - Number(a[2]))) change(claims, now);
          const assertion = await sign(claims, signing);
          const scopes = Array.isArray(claims.scope) ? (claims.scope as unknown[]) : [];
          // A form scope narrower than the assertion's (its first scope) is fine; it is dropped when there is none.
          const scope: Record<string, string> = formScope && typeof scopes[0] === 'string' ? { scope: scopes[0] } : {};
          const response = await post(new URLSearchParams({ grant_type: JWT_BEARER, assertion, ...scope }).toString(), {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret),
          });
          const body = await expectDocumentedAnswer(response);
          const valid = signing === 'seed key' && changes.every(([, , ok]) => ok);
          const names = changes.map(([name]) => name).join(', ');
          if (valid) expect(response.status, `refused a valid assertion (${names}): ${JSON.stringify(body)}`).toBe(200);
          else expect(body, `wrong verdict for ${signing} + ${names}`).toEqual({ error: 'invalid_grant', error_description: INVALID_ASSERTION });
        },
      ),
      { numRuns: RUNS.assertions },
    );
  }, 120_000);
});

describe('emulator token endpoint: generated requests of any shape', () => {
  const printable = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });
  const randomJwt = fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.base64String({ maxLength: 60 }))
    .map(([h, p, s]) => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.${s}`);
  const field = fc.oneof(
    fc.constantFrom('grant_type', 'assertion', 'scope', 'client_id', 'client_secret'),
    printable(12),
  );
  const value = fc.oneof(
    fc.constantFrom(JWT_BEARER, 'client_credentials', 'data:read', 'data:read user-profile:read', '', 'constructor', '__proto__'),
    randomJwt,
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  const form = fc.oneof(
    fc.record({ grant_type: fc.constantFrom(JWT_BEARER, 'client_credentials'), assertion: randomJwt, scope: value }, { requiredKeys: ['grant_type'] }).map((f) => Object.entries(f)),
    fc.array(fc.tuple(field, value), { maxLength: 6 }),
  );
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant('seed'),
    fc.constantFrom('Basic', 'Basic ', 'Bearer x.y.z', 'Basic !!!!', 'basic Og=='),
    printable(60).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    printable(40),
  );
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') },
    fc.constantFrom('application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
  );
  const shape = fc.oneof(
    { weight: 6, arbitrary: fc.constant({ kind: 'whole' as const }) },
    fc.nat().map((at) => ({ kind: 'truncated' as const, at })),
    fc.constant({ kind: 'oversized' as const }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  );
  const request = fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE')),
    form,
    authorization,
    contentType,
    shape,
  });

  it(`answers each with a documented status and JSON body, never a 500 or a secret (${RUNS.requests} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, form: fields, authorization: auth, contentType: type, shape: how }) => {
        let body: string | Buffer = new URLSearchParams(fields).toString();
        if (how.kind === 'truncated') body = body.slice(0, how.at % (body.length + 1));
        if (how.kind === 'oversized') body = `${body}&pad=${'a'.repeat(OVERSIZED)}`;
        if (how.kind === 'bytes') body = Buffer.from(how.bytes);
        const headers: Record<string, string> = { 'content-type': type };
        if (auth !== undefined) headers.authorization = auth === 'seed' ? basic(emulator.seed.clientId, emulator.seed.clientSecret) : auth;
        const response = await post(body, headers, method);
        const answer = await expectDocumentedAnswer(response);
        if (how.kind === 'oversized' && method === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
          expect(response.status, JSON.stringify(answer)).toBe(413);
        }
      }),
      { numRuns: RUNS.requests },
    );
    const outcomes = Object.values(emulator.counters()).flatMap((counts) => (typeof counts === 'object' ? Object.keys(counts) : []));
    expect(outcomes).not.toContain('emulator_error');
  }, 120_000);
});
