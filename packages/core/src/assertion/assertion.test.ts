import { decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import type { TestKey } from '../../test/support/keys.js';
import { APS_TOKEN_AUDIENCE, ASSERTION_LIFETIME, createAssertion } from './assertion.js';
import type { AssertionOptions } from './assertion.js';
import { SsaKeyError, SsaOptionError } from '../errors.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0, 250);
const KEY_ID = 'c546e44b-4b98-48cc-a4fa-7a3af5289af5';
let key: TestKey;
let base: AssertionOptions;

beforeAll(() => {
  key = makeRsaKey();
  base = {
    clientId: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
    serviceAccountId: 'Z752CT5MKW2S9N7E',
    keyId: KEY_ID,
    privateKey: key.pkcs1,
    scopes: ['data:read', 'user:read'],
    now: () => NOW,
  };
});

async function verify(assertion: string) {
  return jwtVerify(assertion, key.publicKey, {
    algorithms: ['RS256'],
    audience: APS_TOKEN_AUDIENCE,
    issuer: base.clientId,
    subject: base.serviceAccountId,
    currentDate: new Date(NOW),
  });
}

async function expectOptionError(options: unknown, option: string, message: RegExp): Promise<void> {
  const error = await createAssertion(options as AssertionOptions).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SsaOptionError);
  expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option });
  expect((error as Error).message).toMatch(message);
}

describe('createAssertion', () => {
  it('signs RS256 with the kid, and the claims APS requires', async () => {
    const assertion = await createAssertion(base);
    const { payload, protectedHeader } = await verify(assertion);
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: KEY_ID });
    expect(payload).toEqual({
      iss: base.clientId,
      sub: base.serviceAccountId,
      aud: 'https://developer.api.autodesk.com/authentication/v2/token',
      iat: Math.floor(NOW / 1000),
      exp: Math.floor(NOW / 1000) + 240,
      scope: ['data:read', 'user:read'],
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
  });

  it('keeps the default lifetime 60 s under the 300 s cap', () => {
    expect(ASSERTION_LIFETIME).toBe(240);
  });

  it('uses the lifetime it is given, from 1 to 300 s', async () => {
    for (const lifetime of [1, 300]) {
      const { payload } = await verify(await createAssertion({ ...base, lifetime }));
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(lifetime);
    }
  });

  it('gives each assertion a unique jti', async () => {
    const jtis = new Set<unknown>();
    for (let i = 0; i < 5; i++) jtis.add((await verify(await createAssertion(base))).payload.jti);
    expect(jtis.size).toBe(5);
  });

  it('reads the time only from `now`', async () => {
    const past = Date.UTC(2020, 5, 1);
    const assertion = await createAssertion({ ...base, now: () => past });
    const { payload } = await jwtVerify(assertion, key.publicKey, { currentDate: new Date(past) });
    expect(payload.iat).toBe(past / 1000);
    await expect(verify(assertion)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('accepts the key as a KeyObject, PKCS#8 or escaped PEM', async () => {
    for (const privateKey of [key.privateKey, key.pkcs8, key.pkcs1.replace(/\n/g, '\\n')]) {
      expect(decodeProtectedHeader(await createAssertion({ ...base, privateKey })).kid).toBe(KEY_ID);
    }
  });

  it('accepts any key id without whitespace (UUIDs are expected, not required)', async () => {
    expect(decodeProtectedHeader(await createAssertion({ ...base, keyId: 'legacy-key-1' })).kid).toBe('legacy-key-1');
  });

  it('does not touch its (frozen) options', async () => {
    const options = Object.freeze({ ...base, scopes: Object.freeze(['data:read']) });
    await expect(createAssertion(options)).resolves.toMatch(/^ey/);
  });
});

describe('createAssertion validates before signing', () => {
  it('rejects scopes that are not a non-empty array of single scope strings', async () => {
    await expectOptionError({ ...base, scopes: 'data:read' }, 'scopes', /^`scopes` must be an array of scope strings such as \['data:read'\], got a string\.$/);
    await expectOptionError({ ...base, scopes: [] }, 'scopes', /^`scopes` must list at least one scope/);
    await expectOptionError(
      { ...base, scopes: ['data:read data:write'] },
      'scopes',
      "`scopes`[0] is \"data:read data:write\", which holds a comma, bracket, quote or space: give each scope as its own array element, e.g. ['data:read', 'data:write'].",
    );
    await expectOptionError(
      { ...base, scopes: ['data:read,user-profile:read'] },
      'scopes',
      "`scopes`[0] is \"data:read,user-profile:read\", which holds a comma, bracket, quote or space: give each scope as its own array element, e.g. ['data:read', 'user-profile:read'].",
    );
    for (const scope of ['["data:read"]', '"data:read"', 'data:read\n']) {
      await expectOptionError({ ...base, scopes: ['user:read', scope] }, 'scopes', /^`scopes`\[1\] is .*, which holds a comma, bracket, quote or space: .* e\.g\. \['data:read'\]\.$/);
    }
    await expectOptionError({ ...base, scopes: ['data:read', ''] }, 'scopes', /^`scopes`\[1\] must be a non-empty string, got an empty string\.$/);
    await expectOptionError({ ...base, scopes: [7] }, 'scopes', /^`scopes`\[0\] must be a non-empty string, got a number\.$/);
  });

  it('rejects missing, empty or space-bearing ids', async () => {
    await expectOptionError({ ...base, clientId: '' }, 'clientId', /^`clientId` \(the APS app client id\) is required \(got an empty string\)\.$/);
    await expectOptionError({ ...base, serviceAccountId: undefined }, 'serviceAccountId', /^`serviceAccountId` \(the service account id\) is required \(got undefined\)\.$/);
    await expectOptionError({ ...base, keyId: `${KEY_ID}\n` }, 'keyId', /^`keyId` \(the key id that Create Key returned\) contains whitespace \(a stray space or trailing newline\?\); remove it\.$/);
  });

  it('rejects a lifetime outside 1..300 whole seconds', async () => {
    for (const lifetime of [0, 301, 1.5, -5]) {
      await expectOptionError({ ...base, lifetime }, 'lifetime', new RegExp(`^\`lifetime\` must be a whole number of seconds from 1 to 300 .* got ${lifetime}\\.$`));
    }
    await expectOptionError({ ...base, lifetime: '60' }, 'lifetime', /got a string\.$/);
  });

  it('rejects a bad `now`', async () => {
    await expectOptionError({ ...base, now: 5 }, 'now', /^`now` must be a function returning milliseconds since the epoch, got a number\.$/);
    await expectOptionError({ ...base, now: () => Number.NaN }, 'now', /^`now\(\)` must return milliseconds since the epoch, got NaN\.$/);
    for (const time of [0, -1, Number.POSITIVE_INFINITY]) {
      await expectOptionError({ ...base, now: () => time }, 'now', new RegExp(`^\`now\\(\\)\` must return milliseconds since the epoch, got ${time}\\.$`));
    }
    // The first millisecond after the epoch is a time.
    await expect(createAssertion({ ...base, now: () => 1 })).resolves.toMatch(/^eyJ/);
  });

  it('rejects unknown options with a suggestion, and a missing options object', async () => {
    await expectOptionError({ ...base, scope: ['data:read'] }, 'scope', /^Unknown option `scope` passed to createAssertion\(\)\. Did you mean `scopes`\?$/);
    await expectOptionError({ ...base, expiresIn: 60 }, 'expiresIn', /Known options: `clientId`, `serviceAccountId`/);
    await expectOptionError(undefined, 'options', /^createAssertion\(\) expects an options object, got undefined\.$/);
  });

  it('rejects an unusable key with SsaKeyError', async () => {
    const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await expect(createAssertion({ ...base, privateKey: publicPem })).rejects.toSatisfy(
      (err: unknown) => err instanceof SsaKeyError && err.code === 'ERR_SSA_KEY_PUBLIC' && /is a public key/.test(err.message),
    );
  });
});
