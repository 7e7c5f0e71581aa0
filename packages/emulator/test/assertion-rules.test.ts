import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ASSERTION_RULES, startEmulator, type AssertionRule, type Emulator } from '../src/index.js';
import {
  APS_AUDIENCE,
  claimsFor,
  exchange,
  INVALID_ASSERTION,
  logEntryOf,
  nowSeconds,
  seedAssertion,
  signAssertion,
} from './support.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.state.setKeyStatus(emulator.seed.keyId, 'ENABLED');
  emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'ENABLED');
});

/** Waits for the start of the next second of the emulator's clock, so a few requests share that second. */
async function atSecondStart(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (emulator.clock.now() % 1000) + 5));
  return nowSeconds(emulator);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs any payload text with the seed's key, valid JSON object or not (RFC 7519 §7.2 wants an object). */
async function signRaw(payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'RS256', kid: emulator.seed.keyId })
    .sign(createPrivateKey(emulator.seed.privateKey));
}

/** The verdict of one rule in the log entry of an exchange. */
async function verdictOf(response: Response, rule: AssertionRule) {
  return logEntryOf(emulator, response).rules!.find((r) => r.rule === rule)!;
}

/** The whole number of seconds in a verdict's text (`exp … is N s …`), and checks it lies in [low, high]. */
function secondsIn(detail: string, pattern: RegExp, low: number, high: number): void {
  const seconds = Number(pattern.exec(detail)?.[1]);
  expect(seconds, detail).toBeGreaterThanOrEqual(low);
  expect(seconds, detail).toBeLessThanOrEqual(high);
}

/** Exchanges and checks APS's single answer, then returns the log entry. */
async function expectRefused(assertion: string, failedRule: AssertionRule, extra: Record<string, string> = {}) {
  const response = await exchange(emulator, assertion, extra);
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(INVALID_ASSERTION);
  const entry = logEntryOf(emulator, response);
  expect(entry.outcome).toBe('invalid_grant');
  expect(entry.failedRule).toBe(failedRule);
  const index = ASSERTION_RULES.indexOf(failedRule);
  expect(entry.rules?.map((r) => r.rule)).toEqual([...ASSERTION_RULES]);
  const failed = entry.rules![index]!;
  expect(failed.ok).toBe(false);
  expect(failed.fix).toMatch(/\w/);
  // Every verdict explains itself, the rules not checked included.
  expect(entry.rules!.filter((r) => !/\w/.test(r.detail))).toEqual([]);
  expect(entry.rules!.slice(index + 1).every((r) => r.ok === null)).toBe(true);
  expect(entry.rules!.slice(0, index).every((r) => r.ok !== false)).toBe(true);
  return { entry, failed };
}

describe('a correct assertion', () => {
  it('is accepted, and every rule is recorded as passed', async () => {
    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(response.status).toBe(200);
    const entry = logEntryOf(emulator, response);
    expect(entry.rules?.every((r) => r.ok === true && /\w/.test(r.detail) && r.fix === null)).toBe(true);
    expect(entry.failedRule).toBeUndefined();
    expect(entry.assertion?.header).toEqual({ alg: 'RS256', kid: emulator.seed.keyId });
    expect(entry.issued).toMatchObject({ serviceAccountId: emulator.seed.serviceAccountId, scopes: [...emulator.seed.scopes] });
    expect(entry.issued?.jti).toMatch(/^SA-/);
  });

  it('accepts the extra claims some SDKs add (iat, nbf, jti, typ)', async () => {
    const now = nowSeconds(emulator);
    const assertion = await signAssertion(
      { ...claimsFor(emulator.seed, now), iat: now, nbf: now, jti: 'abc' },
      { kid: emulator.seed.keyId, privateKey: emulator.seed.privateKey, header: { typ: 'JWT' } },
    );
    expect((await exchange(emulator, assertion)).status).toBe(200);
  });

  it('accepts a PKCS#8-signed assertion (same key, other encoding)', async () => {
    const pkcs8 = createPrivateKey(emulator.seed.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
    const assertion = await signAssertion(claimsFor(emulator.seed, nowSeconds(emulator)), { kid: emulator.seed.keyId, privateKey: pkcs8 });
    expect((await exchange(emulator, assertion)).status).toBe(200);
  });

  it('narrows the token to a requested subset of its scope', async () => {
    const response = await exchange(emulator, await seedAssertion(emulator), { scope: 'data:read' });
    expect(response.status).toBe(200);
    expect(logEntryOf(emulator, response).issued?.scopes).toEqual(['data:read']);
    const both = await exchange(emulator, await seedAssertion(emulator), { scope: 'user-profile:read data:read' });
    expect((await verdictOf(both, 'requested scope')).detail).toBe("The form scope user-profile:read data:read is a subset of the assertion's scope.");
  });

  it('never logs the raw assertion or its signature', async () => {
    const assertion = await seedAssertion(emulator);
    await exchange(emulator, assertion);
    const log = JSON.stringify(emulator.requests());
    expect(log).not.toContain(assertion.split('.')[2]);
    expect(log).not.toContain(assertion.split('.')[1]);
  });
});

describe('signature/alg', () => {
  it('refuses alg none', async () => {
    const claims = claimsFor(emulator.seed, nowSeconds(emulator));
    const { failed } = await expectRefused(`${b64({ alg: 'none', kid: emulator.seed.keyId })}.${b64(claims)}.`, 'signature/alg');
    expect(failed.detail).toContain('"none"');
  });

  it('refuses HS256 signed with the client secret', async () => {
    const assertion = await new SignJWT(claimsFor(emulator.seed, nowSeconds(emulator)))
      .setProtectedHeader({ alg: 'HS256', kid: emulator.seed.keyId })
      .sign(new TextEncoder().encode(emulator.seed.clientSecret));
    await expectRefused(assertion, 'signature/alg');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await seedAssertion(emulator)).split('.');
    const forged = { ...claimsFor(emulator.seed, nowSeconds(emulator)), scope: ['data:write'] };
    const { failed } = await expectRefused(`${header}.${b64(forged)}.${signature}`, 'signature/alg');
    expect(failed.detail).toContain('does not verify');
  });

  it('refuses a signature by another key under the right kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = await signAssertion(claimsFor(emulator.seed, nowSeconds(emulator)), { kid: emulator.seed.keyId, privateKey });
    await expectRefused(assertion, 'signature/alg');
  });

  it.each([
    ['not a JWT', 'not-a-jwt'],
    ['two parts', 'abc.def'],
    ['non-JSON header', 'abc.def.ghi'],
    ['an array payload', `${b64({ alg: 'RS256' })}.${b64([1])}.sig`],
    ['a JWE-like five parts', 'a.b.c.d.e'],
  ])('refuses a malformed JWT: %s', async (_name, assertion) => {
    await expectRefused(assertion, 'signature/alg');
  });

  it("refuses base64 padding or characters outside base64url (RFC 7515 §2: base64url, no '='), and decodes nothing", async () => {
    const [header, payload, signature] = (await seedAssertion(emulator)).split('.');
    for (const assertion of [`${header}=.${payload}.${signature}`, `${header}.${payload}==.${signature}`, `${header}.+${payload}.${signature}`]) {
      const { entry, failed } = await expectRefused(assertion, 'signature/alg');
      expect(failed.detail).toContain('not a JWS compact serialization');
      expect(entry.assertion).toBeUndefined();
    }
  });

  it.each([
    ['a number', '1'],
    ['a string', '"data:read"'],
    ['null', 'null'],
  ])('refuses a correctly signed payload that is %s, not a JSON object (RFC 7519 §7.2)', async (_name, payload) => {
    const { entry, failed } = await expectRefused(await signRaw(payload), 'signature/alg');
    expect(failed.detail).toContain('not a JWS compact serialization');
    expect(entry.assertion).toBeUndefined();
  });
});

describe('kid', () => {
  it('refuses an unknown kid (signature not verifiable)', async () => {
    const assertion = await signAssertion(claimsFor(emulator.seed, nowSeconds(emulator)), {
      kid: '00000000-0000-4000-8000-000000000000',
      privateKey: emulator.seed.privateKey,
    });
    const { entry } = await expectRefused(assertion, 'kid');
    expect(entry.rules![0]).toMatchObject({ rule: 'signature/alg', ok: null });
  });

  it.each([
    ['missing', {}, 'missing'],
    ['a number', { kid: 42 }, '42'],
  ])('refuses a kid that is %s, and says the header has no string kid', async (_name, kid, shown) => {
    const claims = claimsFor(emulator.seed, nowSeconds(emulator));
    const assertion = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...kid }).sign(createPrivateKey(emulator.seed.privateKey));
    const { failed } = await expectRefused(assertion, 'kid');
    expect(failed.detail).toBe(`The header has no string kid (${shown}).`);
    expect(failed.fix).toBe('Put the key id (a UUID from Create Key) in the JWT header as kid.');
  });

  it('refuses the key of another service account of the same client', async () => {
    const other = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name: 'other-account' });
    const key = await emulator.state.createKey(other.serviceAccountId);
    const assertion = await signAssertion(claimsFor(emulator.seed, nowSeconds(emulator)), { kid: key.kid, privateKey: key.privateKey });
    const { failed } = await expectRefused(assertion, 'kid');
    expect(failed.detail).toBe(`Key ${key.kid} belongs to service account ${other.serviceAccountId}, not to sub ${emulator.seed.serviceAccountId}.`);
    emulator.state.deleteServiceAccount(other.serviceAccountId);
  });

  it('refuses a deleted key', async () => {
    const key = await emulator.state.createKey(emulator.seed.serviceAccountId);
    emulator.state.deleteKey(key.kid);
    const assertion = await signAssertion(claimsFor(emulator.seed, nowSeconds(emulator)), { kid: key.kid, privateKey: key.privateKey });
    await expectRefused(assertion, 'kid');
  });
});

describe('claims', () => {
  it.each([
    ['iss', 'The iss claim is missing.'],
    ['sub', 'The sub claim is missing.'],
    ['aud', `aud is missing; it must be exactly ${APS_AUDIENCE} (a string, or an array of that one string).`],
    ['exp', 'The exp claim is missing; it must be a NumericDate (seconds since the epoch).'],
    ['scope', 'The scope claim is missing; it must be a JSON array of strings.'],
  ] as const)('refuses a missing %s, and says it is missing', async (claim, detail) => {
    const { failed } = await expectRefused(await seedAssertion(emulator, { [claim]: undefined }), claim);
    expect(failed.detail).toBe(detail);
  });

  it.each([
    ['iss', 'The iss claim is 42.'],
    ['sub', 'The sub claim is 42.'],
  ] as const)('refuses a %s that is not a string, and shows it', async (claim, detail) => {
    const { failed } = await expectRefused(await seedAssertion(emulator, { [claim]: 42 }), claim);
    expect(failed.detail).toBe(detail);
  });

  it('refuses iss of another client', async () => {
    const { failed } = await expectRefused(await seedAssertion(emulator, { iss: 'AnotherClientIdAnotherClientId12' }), 'iss');
    expect(failed.detail).toContain(emulator.seed.clientId);
  });

  it('refuses a service account of another client', async () => {
    const otherApp = emulator.state.createApp({ name: 'other-app' });
    const otherAccount = emulator.state.createServiceAccount({ clientId: otherApp.clientId, name: 'foreign-account' });
    const key = await emulator.state.createKey(otherAccount.serviceAccountId);
    const claims = { ...claimsFor(emulator.seed, nowSeconds(emulator)), sub: otherAccount.serviceAccountId };
    const assertion = await signAssertion(claims, { kid: key.kid, privateKey: key.privateKey });
    await expectRefused(assertion, 'sub');
    emulator.state.deleteServiceAccount(otherAccount.serviceAccountId);
  });

  it.each([
    ['the emulator URL', () => `${emulator.url}/authentication/v2/token`],
    ['the API host', () => 'https://developer.api.autodesk.com'],
    ['a trailing slash', () => `${APS_AUDIENCE}/`],
    ['an array of two audiences', () => [APS_AUDIENCE, 'https://autodesk.com']],
    ['an empty array', () => []],
    ['an array of another audience', () => ['https://developer.api.autodesk.com']],
    ['an array inside an array', () => [[APS_AUDIENCE]]],
  ])('refuses aud as %s', async (_name, aud) => {
    await expectRefused(await seedAssertion(emulator, { aud: aud() }), 'aud');
  });

  it("accepts aud as a one-element array of the audience (the docs' Go snippet, golang-jwt v4), and says which form it was", async () => {
    const array = await exchange(emulator, await seedAssertion(emulator, { aud: [APS_AUDIENCE] }));
    expect(array.status).toBe(200);
    expect(await verdictOf(array, 'aud')).toMatchObject({ ok: true, detail: 'aud is the APS token endpoint (as a one-element array).' });
    const string = await exchange(emulator, await seedAssertion(emulator));
    expect(await verdictOf(string, 'aud')).toMatchObject({ ok: true, detail: 'aud is the APS token endpoint.' });
  });

  it('refuses exp past, now, more than 300 s ahead, or not a number: no leeway', async () => {
    const now = await atSecondStart();
    await expectRefused(await seedAssertion(emulator, { exp: now - 60 }), 'exp');
    await expectRefused(await seedAssertion(emulator, { exp: now }), 'exp');
    const { failed } = await expectRefused(await seedAssertion(emulator, { exp: now + 3600 }), 'exp');
    expect(failed.detail).toContain('at most 300 s');
    await expectRefused(await seedAssertion(emulator, { exp: now + 301 }), 'exp');
    await expectRefused(await seedAssertion(emulator, { exp: String(now + 100) }), 'exp');
  });

  it('says how far in the past or ahead a refused exp is, and how far ahead an accepted one is', async () => {
    const now = nowSeconds(emulator);
    const past = await expectRefused(await seedAssertion(emulator, { exp: now - 60 }), 'exp');
    secondsIn(past.failed.detail, /^exp \d+ is (\d+) s in the past \(or now\)\.$/, 60, 120);
    const ahead = await expectRefused(await seedAssertion(emulator, { exp: now + 3600 }), 'exp');
    secondsIn(ahead.failed.detail, /^exp \d+ is (\d+) s ahead; at most 300 s is accepted\.$/, 3540, 3600);
    const accepted = await exchange(emulator, await seedAssertion(emulator, { exp: now + 300 }));
    secondsIn((await verdictOf(accepted, 'exp')).detail, /^exp is (\d+) s ahead\.$/, 240, 300);
  });

  it('refuses an exp too large for a number (1e999 parses as Infinity) or a string: not a NumericDate, shown as read', async () => {
    const claims = JSON.stringify(claimsFor(emulator.seed, nowSeconds(emulator))).replace(/"exp":\d+/, '"exp":1e999');
    const infinite = await expectRefused(await signRaw(claims), 'exp');
    expect(infinite.failed.detail).toBe('The exp claim is Infinity; it must be a NumericDate (seconds since the epoch).');
    const text = await expectRefused(await seedAssertion(emulator, { exp: '1700000000' }), 'exp');
    expect(text.failed.detail).toBe('The exp claim is "1700000000"; it must be a NumericDate (seconds since the epoch).');
  });

  it('accepts exp exactly 300 s ahead, and 1 s ahead', async () => {
    const now = await atSecondStart();
    expect((await exchange(emulator, await seedAssertion(emulator, { exp: now + 300 }))).status).toBe(200);
    expect((await exchange(emulator, await seedAssertion(emulator, { exp: now + 1 }))).status).toBe(200);
  });

  it('does not judge iat or nbf: APS documents no check of them (future or odd values pass)', async () => {
    const now = nowSeconds(emulator);
    for (const extra of [{ nbf: now + 120 }, { iat: now + 120 }, { iat: 'yesterday', nbf: null }]) {
      const response = await exchange(emulator, await seedAssertion(emulator, extra));
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['a space-separated string', 'data:read user-profile:read'],
    ['an empty array', []],
    ['an array with a number', ['data:read', 1]],
    ['an unknown scope', ['data:read', 'data:everything']],
  ])('refuses scope as %s', async (_name, scope) => {
    await expectRefused(await seedAssertion(emulator, { scope }), 'scope');
  });

  it('says a scope array holding a non-string is not an array of strings, and names every unknown scope', async () => {
    const mixed = await expectRefused(await seedAssertion(emulator, { scope: ['data:read', 1] }), 'scope');
    expect(mixed.failed.detail).toBe('The scope claim is ["data:read",1]; it must be a JSON array of strings.');
    const unknown = await expectRefused(await seedAssertion(emulator, { scope: ['data:read', 'data:everything', 'data:nothing'] }), 'scope');
    expect(unknown.failed.detail).toBe('Unknown scope(s): data:everything, data:nothing.');
  });

  it('accepts 50 scopes and refuses 51 (at most 50 per token request, reference §2)', async () => {
    const scopes = (count: number) => Array.from({ length: count }, (_, i) => `data:read:urn:adsk.objects:os.object:bucket/object-${i}`);
    expect((await exchange(emulator, await seedAssertion(emulator, { scope: scopes(50) }))).status).toBe(200);
    const { failed } = await expectRefused(await seedAssertion(emulator, { scope: scopes(51) }), 'scope');
    expect(failed.detail).toBe('The scope array has 51 entries.');
  });

  it('answers a form scope wider than the assertion\'s, or empty, with its own invalid_scope text', async () => {
    const assertion = await seedAssertion(emulator, { scope: ['data:read'] });
    const wider = await exchange(emulator, assertion, { scope: 'data:read data:write user-profile:read' });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toEqual({
      error: 'invalid_scope',
      error_description: "The requested 'scope' is wider than the assertion's scope. Request only scopes that the assertion's scope claim lists.",
    });
    const entry = logEntryOf(emulator, wider);
    expect(entry.failedRule).toBe('requested scope');
    expect(await verdictOf(wider, 'requested scope')).toMatchObject({
      detail: "The form scope asks for data:write, user-profile:read, not in the assertion's scope.",
      fix: "Request only scopes listed in the assertion's scope claim.",
    });

    for (const scope of ['', ' ']) {
      const empty = await exchange(emulator, await seedAssertion(emulator), { scope });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toEqual({
        error: 'invalid_scope',
        error_description: "The 'scope' parameter is empty. Omit it to get the assertion's scope, or list a subset of that scope.",
      });
      expect(await verdictOf(empty, 'requested scope')).toMatchObject({
        detail: 'The form scope is empty.',
        fix: "Omit the form scope to get the assertion's scope, or list a subset of it.",
      });
    }
  });
});

describe('key and account states', () => {
  it('refuses a disabled key', async () => {
    emulator.state.setKeyStatus(emulator.seed.keyId, 'DISABLED');
    await expectRefused(await seedAssertion(emulator), 'key state');
  });

  it.each(['DISABLED', 'DEACTIVATED'] as const)('answers a %s account with its own message', async (status) => {
    emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, status);
    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'The service account is not currently in an enabled state.' });
    expect(logEntryOf(emulator, response).failedRule).toBe('account state');
    expect(await verdictOf(response, 'account state')).toMatchObject({
      ok: false,
      detail: `Service account ${emulator.seed.serviceAccountId} is ${status}.`,
      fix: 'Enable the service account (PATCH /service-accounts/{id} {"status":"ENABLED"}).',
    });
  });

  it('reports a disabled account as such even when its key is disabled too', async () => {
    emulator.state.setKeyStatus(emulator.seed.keyId, 'DISABLED');
    emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'DISABLED');
    const response = await exchange(emulator, await seedAssertion(emulator));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'The service account is not currently in an enabled state.' });
    expect(logEntryOf(emulator, response).failedRule).toBe('account state');
  });

  it('still answers "assertion is invalid" when a disabled account also has a bad assertion', async () => {
    emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'DISABLED');
    await expectRefused(await seedAssertion(emulator, { aud: 'https://example.com' }), 'aud');
  });
});

describe("the docs' example assertion (reference §9)", () => {
  it('is refused with invalid_grant, not 500', async () => {
    const example =
      'eyJraWQiOiI1ZGU5OTNmNC02MmIwLTQ5NWEtYTQzYS1iOTg5NmQ2ZTk1ODIiLCJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJKbE85VEExempmSlFPR1hwSm1xOUpISlNJMEQ0VWtRNCIsInN1YiI6Ilo3NTJDVDVNS1cyUzlON0UiLCJhdWQiOiJodHRwczovL2RldmVsb3Blci5hcGkuYXV0b2Rlc2suY29tL2F1dGhlbnRpY2F0aW9uL3YyL3Rva2VuIiwiZXhwIjoxNzEwOTA3MTAwLCJzY29wZSI6WyJ1c2VyOnJlYWQiLCJkYXRhOnJlYWQiXX0.p9RNN28G38VCczbO6JgkTRfcb079_xDcDm2i4-HUqUdSZKre6jllx1IWhmwG0cm79EhC3OjJ0_zoPfKj2sP4lrPm27iXzd6x_SfD4LKS4zAJI2IERXjU05T9zWU4bfZWk0EinBysV0stvvEtZIBHczD_uAXCB5YLvyBX-O_kXqqkigNQupG9RsmE4GOjhG7pGLL_tdDYXkN46JAw-vMyXlhsdOntuZCjDOpcD4hsIueKwaqm6aLBKUTE1Htwpk0MUYmvl7AF03XDgWjhwRnJVOk_MkdF44bjSCAmsQ5uTYbWipUJjDqUy38b4xiRRRB0_qsg_kZ-DBOAFzUtYN6ilA';
    const { entry } = await expectRefused(example, 'kid');
    expect(entry.assertion?.claims).toMatchObject({ sub: 'Z752CT5MKW2S9N7E', scope: ['user:read', 'data:read'] });
  });
});
