import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { basic, exchange, INVALID_ASSERTION, JWT_BEARER } from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());

const part = (value: string) => Buffer.from(value).toString('base64url');

describe('garbage input is answered 4xx, never 500', () => {
  it.each([
    ['binary body', Buffer.from([0xff, 0xfe, 0x00, 0x25, 0x80])],
    ['bad percent-encoding', 'grant_type=%E0%A4%A&assertion=%%%'],
    ['only separators', '&&&==&'],
    ['a JSON document', '{"grant_type":"client_credentials"}'],
    ['grant_type=constructor', 'grant_type=constructor'],
    ['grant_type=__proto__', 'grant_type=__proto__'],
    ['grant_type=toString', 'grant_type=toString'],
  ])('token endpoint: %s', async (_name, body) => {
    const response = await fetch(`${emulator.url}/authentication/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: "The token request must specify a valid 'grant_type'." });
  });

  it.each([
    ['a huge exp', `${part('{"alg":"RS256","kid":"k"}')}.${part('{"exp":1e400}')}.AAAA`],
    ['a kid object', `${part('{"alg":"RS256","kid":{"a":1}}')}.${part('{}')}.AAAA`],
    ['__proto__ claims', `${part('{"alg":"RS256","kid":"k","__proto__":{"x":1}}')}.${part('{"__proto__":{"iss":"x"}}')}.AAAA`],
    ['a null payload', `${part('{"alg":"RS256"}')}.${part('null')}.AAAA`],
    ['non-base64url characters', 'ab$c.de!f.gh*i'],
    ['unicode', 'ééé.ñññ.☃☃☃'],
    ['a very long kid', `${part(JSON.stringify({ alg: 'RS256', kid: 'k'.repeat(40_000) }))}.${part('{}')}.AAAA`],
    ['a valid header with a bad signature encoding', `${part('{"alg":"RS256","kid":"KID"}')}.${part('{"sub":"x"}')}.!!!`],
  ])('assertion: %s', async (_name, raw) => {
    const assertion = raw.replace('KID', emulator.seed.keyId);
    const response = await exchange(emulator, assertion);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_ASSERTION);
  });

  it('Basic header with non-UTF-8 bytes and a body without grant', async () => {
    const response = await fetch(`${emulator.url}/authentication/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}` },
      body: `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=a.b.c`,
    });
    expect(response.status).toBe(401);
  });

  it('userprofile with a garbage bearer token', async () => {
    for (const authorization of ['Bearer', 'Bearer a.b.c', 'Bearer ' + 'x'.repeat(5000), 'Basic abc']) {
      expect((await fetch(`${emulator.url}/userprofile/v1/users/@me`, { headers: { authorization } })).status).toBe(401);
    }
  });

  it('left no emulator error in the counters', () => {
    const outcomes = Object.values(emulator.counters()).filter((v) => typeof v === 'object').flatMap((c) => Object.keys(c));
    expect(outcomes).not.toContain('emulator_error');
  });
});
