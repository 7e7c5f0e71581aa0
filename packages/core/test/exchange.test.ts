import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { SignJWT, decodeJwt } from 'jose';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APS_TOKEN_AUDIENCE } from '../src/adapter/index.js';
import {
  SsaAssertionInvalidError,
  SsaTokenEndpointError,
  configFromEnv,
  createAccessToken,
  createAssertion,
  exchangeAssertion,
  loadPrivateKey,
} from '../src/index.js';
import type { AssertionIssueCause, AssertionOptions, SsaConfig, SsaTokenEndpointErrorCode } from '../src/index.js';
import { expectNoSecrets } from './support/secrets.js';

// The whole sign-and-exchange path against the real emulator over loopback HTTP.
let emulator: Emulator;
let config: SsaConfig;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  config = configFromEnv(emulator.seed.env);
});
afterAll(() => emulator.close());

/** What must never show in an error: the secret, the Basic credentials, the key, and the assertion sent. */
function secrets(...extra: string[]): string[] {
  const body = emulator.seed.privateKey.replace(/-----[A-Z ]+-----|\s/g, '');
  const basic = Buffer.from(`${emulator.seed.clientId}:${emulator.seed.clientSecret}`).toString('base64');
  return [emulator.seed.clientSecret, basic, body, ...extra];
}

/** The assertion a client would sign from a configuration. */
function signFor(from: SsaConfig, overrides: Partial<AssertionOptions> = {}): Promise<string> {
  const { clientId, serviceAccountId, keyId, privateKey, scopes } = from;
  return createAssertion({ clientId, serviceAccountId, keyId, privateKey, scopes, ...overrides });
}

function assertion(overrides: Partial<AssertionOptions> = {}): Promise<string> {
  return signFor(config, overrides);
}

/** Signs claims and a header exactly as given, for assertions createAssertion refuses to make. */
async function handMade(header: Record<string, unknown>, claims: JWTPayload, key: KeyObject = config.privateKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(key);
}

function goodClaims(): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: config.clientId, sub: config.serviceAccountId, aud: APS_TOKEN_AUDIENCE, iat: now, exp: now + 240, scope: [...config.scopes] };
}

async function exchangeFailure(signed: string, overrides: Record<string, unknown> = {}): Promise<SsaTokenEndpointError> {
  const error = await exchangeAssertion({
    baseUrl: emulator.url,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    assertion: signed,
    ...overrides,
  }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SsaTokenEndpointError);
  expectNoSecrets(error, secrets(signed));
  return error as SsaTokenEndpointError;
}

async function expectRejectedAssertion(signed: string, cause: AssertionIssueCause | undefined, message: RegExp): Promise<SsaAssertionInvalidError> {
  const error = await exchangeFailure(signed);
  expect(error).toBeInstanceOf(SsaAssertionInvalidError);
  expect(error).toMatchObject({ code: 'ERR_SSA_ASSERTION_INVALID', status: 400, error: 'invalid_grant', errorDescription: "The 'assertion' is invalid.", retryable: false });
  expect(error.requestId).toEqual(expect.any(String));
  const { issues } = error as SsaAssertionInvalidError;
  expect(issues.map((i) => i.cause)).toEqual(cause === undefined ? [] : [cause]);
  expect(error.message).toMatch(message);
  return error as SsaAssertionInvalidError;
}

describe('exchange against the emulator', () => {
  it('turns a fresh assertion into a three-legged SSA token', async () => {
    const result = await exchangeAssertion({ baseUrl: config.baseUrl, clientId: config.clientId, clientSecret: config.clientSecret, assertion: await assertion() });
    expect(result).toMatchObject({ tokenType: 'Bearer', expiresIn: 3599, scopes: [...config.scopes] });
    expect(result.requestId).toEqual(expect.any(String));
    expect(Math.abs((result.serverDate ?? 0) - Date.now())).toBeLessThan(60_000);
    const claims = decodeJwt(result.accessToken);
    expect(claims.jti).toMatch(/^SA-/);
    expect(claims.scope).toEqual([...config.scopes]);
    expect(JSON.stringify(result)).not.toContain(result.accessToken);

    const token = createAccessToken({ accessToken: result.accessToken, expiresAt: Date.now() + result.expiresIn * 1000, scopes: result.scopes });
    expect(JSON.stringify(token)).not.toContain(result.accessToken);
  });

  it('accepts the key in the forms users hold it', async () => {
    for (const privateKey of [emulator.seed.privateKey.replace(/\n/g, '\\n'), Buffer.from(emulator.seed.privateKey).toString('base64')]) {
      const signed = await assertion({ privateKey: loadPrivateKey(privateKey) });
      await expect(exchangeAssertion({ baseUrl: emulator.url, clientId: config.clientId, clientSecret: config.clientSecret, assertion: signed })).resolves.toMatchObject({ expiresIn: 3599 });
    }
  });

  it('gets a narrower scope when asked', async () => {
    const result = await exchangeAssertion({
      baseUrl: emulator.url,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      assertion: await assertion(),
      scopes: [config.scopes[0] ?? ''],
    });
    expect(result.scopes).toEqual([config.scopes[0]]);
    expect(decodeJwt(result.accessToken).scope).toEqual([config.scopes[0]]);
  });

  it("authenticates with a secret holding + / = % as Autodesk's SDKs do (Basic base64 of id:secret)", async () => {
    const secret = 'Ab+cD/eF=gH%2Bij0123456789';
    const app = emulator.state.createApp({ name: 'basic-encoding-app', clientSecret: secret });
    const account = emulator.state.createServiceAccount({ clientId: app.clientId, name: 'basic-encoding-robot' });
    const key = await emulator.state.createKey(account.serviceAccountId);
    const signed = await createAssertion({ clientId: app.clientId, serviceAccountId: account.serviceAccountId, keyId: key.kid, privateKey: key.privateKey, scopes: config.scopes });
    const result = await exchangeAssertion({ baseUrl: emulator.url, clientId: app.clientId, clientSecret: secret, assertion: signed });
    expect(decodeJwt(result.accessToken).client_id).toBe(app.clientId);
  });

  it('maps a wrong client secret to ERR_SSA_INVALID_CLIENT', async () => {
    const wrong = `${config.clientSecret}x`;
    const error = await exchangeFailure(await assertion(), { clientSecret: wrong });
    expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_CLIENT', status: 401, retryable: false });
    expect(error.message).toMatch(/^The token endpoint refused the client credentials \(HTTP 401 .*\)\. Check APS_CLIENT_ID and APS_CLIENT_SECRET/);
    expectNoSecrets(error, [wrong]);
  });
});

describe('a rejected assertion names the visible cause', () => {
  it('scope as a space-delimited string', async () => {
    const signed = await handMade({ kid: config.keyId }, { ...goodClaims(), scope: config.scopes.join(' ') });
    await expectRejectedAssertion(signed, 'scope-not-array', /The assertion that was sent shows 1 problem\(s\): The claim scope is ".*"; APS needs a JSON array of strings/);
  });

  it('no kid, and a kid that is the service account id', async () => {
    await expectRejectedAssertion(await handMade({}, goodClaims()), 'kid', /The header has no kid/);
    await expectRejectedAssertion(await handMade({ kid: config.serviceAccountId }, goodClaims()), 'kid', /does not look like a key id/);
  });

  it('each missing claim', async () => {
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'scope']) {
      const { [claim]: _dropped, ...claims } = goodClaims();
      await expectRejectedAssertion(await handMade({ kid: config.keyId }, claims), 'missing-claim', new RegExp(`The claim ${claim} is missing`));
    }
  });

  it('exp more than 300 s after now', async () => {
    const claims = goodClaims();
    // 3600 s after iat, read when the answer arrives: a second or more may have passed since iat on a loaded machine.
    await expectRejectedAssertion(await handMade({ kid: config.keyId }, { ...claims, exp: (claims.iat ?? 0) + 3600 }), 'exp-too-far', /The claim exp is 3(59\d|600) s from now/);
  });

  it("aud set to the emulator's own URL", async () => {
    const signed = await handMade({ kid: config.keyId }, { ...goodClaims(), aud: `${emulator.url}/authentication/v2/token` });
    await expectRejectedAssertion(signed, 'aud', /The claim aud is "http:\/\/127\.0\.0\.1:\d+\/authentication\/v2\/token"; it must be exactly/);
  });

  it('an iss that is not the authenticating client', async () => {
    await expectRejectedAssertion(await handMade({ kid: config.keyId }, { ...goodClaims(), iss: 'another-client-id' }), 'iss', /The claim iss is "another-client-id", but the request authenticates as client/);
  });
});

describe('a rejected assertion with no visible cause points at what cannot be seen', () => {
  const pairing = /Nothing wrong is visible in the assertion locally, so the likely cause is one APS checks on its side: the key id \(kid\) does not belong to this private key .*pairing.*disabled or deleted.*clock/;

  it('a private key that is not the one of the kid', async () => {
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRejectedAssertion(await assertion({ privateKey: otherKey }), undefined, pairing);
  });

  it('a disabled key', async () => {
    emulator.state.setKeyStatus(config.keyId, 'DISABLED');
    try {
      await expectRejectedAssertion(await assertion(), undefined, pairing);
    } finally {
      emulator.state.setKeyStatus(config.keyId, 'ENABLED');
    }
  });

  it('a clock far behind the server: exp judged on the server clock, with the skew in the message', async () => {
    emulator.clock.setOffset(15 * 60_000);
    try {
      const error = await expectRejectedAssertion(await assertion(), 'expired', /The assertion expired \d+ s ago \(exp\)/);
      expect(error.message).toMatch(/This machine's clock is about 15 min behind the server's \(from its Date header\)\./);
      expect(Math.round(((error.serverDate ?? 0) - Date.now()) / 60_000)).toBe(15);
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('a disabled service account is its own grant error', async () => {
    emulator.state.setServiceAccountStatus(config.serviceAccountId, 'DISABLED');
    try {
      const error = await exchangeFailure(await assertion());
      expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_GRANT', errorDescription: 'The service account is not currently in an enabled state.', retryable: false });
      expect(error.message).toMatch(/Enable the service account/);
    } finally {
      emulator.state.setServiceAccountStatus(config.serviceAccountId, 'ENABLED');
    }
  });
});

describe('transient failures are retryable', () => {
  it('429 from a low rate limit, with Retry-After', async () => {
    const limited = await startEmulator({ port: 0, rateLimit: 2 });
    try {
      const seed = configFromEnv(limited.seed.env);
      const exchange = async () =>
        exchangeAssertion({ baseUrl: seed.baseUrl, clientId: seed.clientId, clientSecret: seed.clientSecret, assertion: await signFor(seed) });
      await exchange();
      await exchange();
      const error = await exchange().then(
        () => undefined,
        (err: unknown) => err as SsaTokenEndpointError,
      );
      expect(error).toBeInstanceOf(SsaTokenEndpointError);
      expect(error).toMatchObject({ code: 'ERR_SSA_RATE_LIMITED', status: 429, retryable: true });
      expect(error?.retryAfter).toBeGreaterThan(0);
      expect(error?.retryAfter).toBeLessThanOrEqual(60);
      expect(error?.message).toMatch(/^The token endpoint is rate-limiting this client \(HTTP 429.*\); retry after \d+ s\. APS allows about 10 exchanges a minute/);
    } finally {
      await limited.close();
    }
  });

  const faults: Array<[string, Parameters<Emulator['faults']['inject']>[0], SsaTokenEndpointErrorCode, boolean, RegExp]> = [
    ['a 503', { kind: 'server-error', status: 503 }, 'ERR_SSA_SERVER', true, /^The token endpoint failed \(HTTP 503/],
    ['a gateway HTML page', { kind: 'html', status: 502 }, 'ERR_SSA_SERVER', true, /^The token endpoint failed \(HTTP 502\)/],
    ['a hung request', { kind: 'hang' }, 'ERR_SSA_TIMEOUT', true, /did not answer within 500 ms/],
    ['a reset connection', { kind: 'reset' }, 'ERR_SSA_NETWORK', true, /^Could not reach the token endpoint/],
    ['a cut-short JSON body', { kind: 'malformed-json' }, 'ERR_SSA_BAD_RESPONSE', true, /answered HTTP 200 with a body that is not valid JSON/],
    ['a 200 without access_token', { kind: 'missing-fields', omit: ['access_token'] }, 'ERR_SSA_BAD_RESPONSE', false, /answered HTTP 200 without an access_token/],
    ['a string expires_in', { kind: 'missing-fields', expiresIn: '3599' }, 'ERR_SSA_BAD_RESPONSE', false, /with an expires_in that is not a positive number/],
  ];
  it.each(faults)('%s from the emulator', async (_name, fault, code, retryable, message) => {
    emulator.faults.inject(fault);
    try {
      const error = await exchangeFailure(await assertion(), { timeout: 500 });
      expect(error).toMatchObject({ code, retryable });
      expect(error.message).toMatch(message);
    } finally {
      emulator.faults.clear();
    }
  });

  it('a closed emulator is a network error', async () => {
    const gone = await startEmulator({ port: 0 });
    const { url } = gone;
    await gone.close();
    const error = await exchangeFailure(await assertion(), { baseUrl: url });
    expect(error).toMatchObject({ code: 'ERR_SSA_NETWORK', retryable: true });
    expect(error.message).toMatch(/\(ECONNREFUSED\)/);
  });
});
