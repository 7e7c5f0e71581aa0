import { spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { APS_AUDIENCE, exchange, INVALID_ASSERTION, logEntryOf, nowSeconds } from './support.js';

/**
 * The APS "JWT Assertions" page shows snippets for four libraries (reference §9): users arrive with assertions
 * made by any of them, and APS accepts what its docs present as working. Each style is rebuilt here byte for
 * byte as its library serialises it: header key order and `typ`, claim order, `aud` as a string or (golang-jwt v4
 * `RegisteredClaims`, which marshals a single audience as an array) a one-element array.
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());

type Aud = string | string[];
type Scope = string | string[];

/** A compact RS256 JWS of exactly these JSON texts, as a library that writes them so would produce it. */
function compact(headerJson: string, payloadJson: string): string {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), emulator.seed.privateKey).toString('base64url')}`;
}

/** PyJWT 2.x: `jwt.encode(payload, key, algorithm="RS256", headers={"kid": ...})`; header keys sorted, compact JSON. */
function pyjwtStyle(aud: Aud, scope: Scope): string {
  const { seed } = emulator;
  const header = JSON.stringify({ alg: 'RS256', kid: seed.keyId, typ: 'JWT' });
  const payload = JSON.stringify({ iss: seed.clientId, sub: seed.serviceAccountId, aud, exp: nowSeconds(emulator) + 300, scope });
  return compact(header, payload);
}

/**
 * golang-jwt v4: `jwt.NewWithClaims(jwt.SigningMethodRS256, claims)` with `token.Header["kid"] = ...`; Go sorts the
 * header map's keys; the claims struct (`Scope []string` then the embedded `RegisteredClaims`) marshals in field
 * order, `aud` as an array (`MarshalSingleStringAsArray`), times as whole seconds.
 */
function golangJwtStyle(aud: Aud, scope: Scope): string {
  const { seed } = emulator;
  const now = nowSeconds(emulator);
  const header = JSON.stringify({ alg: 'RS256', kid: seed.keyId, typ: 'JWT' });
  const payload = JSON.stringify({ scope, iss: seed.clientId, sub: seed.serviceAccountId, aud, exp: now + 300, iat: now });
  return compact(header, payload);
}

/** jsonwebtoken (the Node.js snippet's library) itself: `typ` first in the header, `iat` added, `expiresIn`. */
function jsonwebtokenStyle(aud: Aud, scope: Scope): string {
  const { seed } = emulator;
  return jwt.sign({ scope }, seed.privateKey, {
    algorithm: 'RS256',
    keyid: seed.keyId,
    issuer: seed.clientId,
    subject: seed.serviceAccountId,
    audience: aud,
    expiresIn: 300,
  });
}

const STYLES = [
  ['PyJWT', pyjwtStyle],
  ['golang-jwt v4', golangJwtStyle],
  ['jsonwebtoken', jsonwebtokenStyle],
] as const;

describe.each(STYLES)('%s-style assertions', (_library, make) => {
  it('are accepted with aud as a string and as a one-element array, scope as an array', async () => {
    for (const aud of [APS_AUDIENCE, [APS_AUDIENCE]]) {
      const response = await exchange(emulator, make(aud, ['data:read', 'user-profile:read']));
      expect(response.status, JSON.stringify(aud)).toBe(200);
    }
  });

  it('are refused with scope as a space-separated string', async () => {
    const response = await exchange(emulator, make(APS_AUDIENCE, 'data:read user-profile:read'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_ASSERTION);
    expect(logEntryOf(emulator, response).failedRule).toBe('scope');
  });
});

const PYTHON = '/usr/bin/python3';
const hasPyJwt = spawnSync(PYTHON, ['-c', 'import jwt, cryptography'], { stdio: 'ignore' }).status === 0;

describe('interoperability with the real PyJWT (Debian python3-jwt; skipped when it is not installed)', () => {
  it.skipIf(!hasPyJwt)('accepts what PyJWT itself signs, aud as a string and as a list', async () => {
    const script = [
      'import json, sys, jwt',
      'a = json.load(sys.stdin)',
      'print(jwt.encode(a["claims"], a["key"], algorithm="RS256", headers={"kid": a["kid"]}))',
    ].join('\n');
    const { seed } = emulator;
    for (const aud of [APS_AUDIENCE, [APS_AUDIENCE]]) {
      const claims = { iss: seed.clientId, sub: seed.serviceAccountId, aud, exp: nowSeconds(emulator) + 300, scope: ['data:read'] };
      // The throwaway key goes through stdin, never a file or the command line.
      const signed = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ claims, key: seed.privateKey, kid: seed.keyId }), encoding: 'utf8' });
      expect(signed.status, signed.stderr).toBe(0);
      expect((await exchange(emulator, signed.stdout.trim())).status, JSON.stringify(aud)).toBe(200);
    }
  });
});
