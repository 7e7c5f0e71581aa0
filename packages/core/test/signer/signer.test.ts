// A key held elsewhere: the provider and createAssertion sign through a `signer`, the emulator accepts what they
// make, and a signer that throws, returns a signature of the wrong length or one made with another key is refused
// with a typed error that carries no secret.
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SsaOptionError, SsaSignerError, SsaTokenUnavailableError, createAssertion } from '../../src/index.js';
import type { AssertionSigner } from '../../src/index.js';
import { ProviderRegistry } from '../../src/index.js';
import { providerSource } from '../../src/adapter/index.js';
import { useEmulator } from '../provider/support/setup.js';

const env = useEmulator({ rateLimit: 0 });

/** A signer over a key this process holds: what an HSM or a KMS does, in a few lines. */
function keySigner(kid: string, key: KeyObject, calls: Uint8Array[] = []): AssertionSigner {
  return {
    kid,
    sign: async (signingInput) => {
      calls.push(signingInput);
      return createSign('sha256').update(signingInput).sign(key);
    },
  };
}

function seedSigner(calls?: Uint8Array[]): AssertionSigner {
  const { keyId, privateKey } = env.emulator.seed;
  return keySigner(keyId, createPrivateKey(privateKey), calls);
}

/** The seed's environment without the private key and key id: a signer holds them. */
function keylessEnv(): NodeJS.ProcessEnv {
  const { APS_SA_PRIVATE_KEY: _key, APS_SA_PRIVATE_KEY_FILE: _file, APS_SA_KEY_ID: _kid, ...rest } = env.emulator.seed.env;
  return rest;
}

describe('signer option', () => {
  it('gets a token through a signer, with no private key in the environment, and checks the first signature against the public key', async () => {
    const calls: Uint8Array[] = [];
    const publicKey = createPublicKey(createPrivateKey(env.emulator.seed.privateKey)).export({ type: 'spki', format: 'pem' }).toString();
    const provider = env.provider({ env: keylessEnv(), signer: seedSigner(calls), publicKey });
    const token = await provider.getToken();
    expect(token.accessToken).toMatch(/\S{20,}/);
    expect(provider.identity.keyId).toBe(env.emulator.seed.keyId);
    expect(calls).toHaveLength(1);
    const [header, payload] = Buffer.from(calls[0]!).toString('ascii').split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'RS256', kid: env.emulator.seed.keyId });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ iss: env.emulator.seed.clientId, sub: env.emulator.seed.serviceAccountId });
  });

  it('reaches the provider through providerSource(), as every framework adapter passes its options', async () => {
    const registry = new ProviderRegistry();
    try {
      const { provider, client } = providerSource({ env: keylessEnv(), signer: seedSigner(), registry }, 'anAdapter()');
      expect((await provider.getToken()).accessToken).toMatch(/\S{20,}/);
      expect(provider.identity.keyId).toBe(env.emulator.seed.keyId);
      expect(typeof client.get).toBe('function');
    } finally {
      await registry.close();
    }
  });

  it('createAssertion signs a compact JWS that verifies with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = await createAssertion({
      clientId: 'client',
      serviceAccountId: 'ACCOUNT',
      signer: keySigner('kid-1', privateKey),
      publicKey,
      scopes: ['data:read'],
    });
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: 'kid-1' });
    const { payload } = await jwtVerify(assertion, publicKey, { issuer: 'client', subject: 'ACCOUNT' });
    expect(payload.scope).toEqual(['data:read']);
  });

  it('refuses a signature made with another key than the public key given', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const options = { clientId: 'client', serviceAccountId: 'ACCOUNT', scopes: ['data:read'], publicKey: other.publicKey };
    const error = await createAssertion({ ...options, signer: seedSigner() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsaSignerError);
    expect(error).toMatchObject({ code: 'ERR_SSA_SIGNER_SIGNATURE', message: expect.stringContaining('does not verify') });
  });

  it.each([
    ['a truncated signature', (s: Buffer) => s.subarray(0, 255), 'ERR_SSA_SIGNER_SIGNATURE', '255-byte'],
    ['base64 text instead of bytes', (s: Buffer) => Buffer.from(s.toString('base64')), 'ERR_SSA_SIGNER_SIGNATURE', '344-byte'],
    ['nothing', () => Buffer.alloc(0), 'ERR_SSA_SIGNER_FAILED', 'empty signature'],
  ])('refuses %s with a typed error', async (_name, damage, code, words) => {
    const signer = seedSigner();
    const damaged: AssertionSigner = { kid: signer.kid, sign: async (input) => damage(Buffer.from(await signer.sign(input))) };
    const options = { clientId: 'client', serviceAccountId: 'ACCOUNT', scopes: ['data:read'] };
    const error = await createAssertion({ ...options, signer: damaged }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsaSignerError);
    expect(error).toMatchObject({ code, message: expect.stringContaining(words) });
  });

  it('reports a signer that throws as ERR_SSA_SIGNER_FAILED without what it was given, through the provider', async () => {
    const pin = 'pin-4fa7c1d9e2';
    const failing: AssertionSigner = {
      kid: env.emulator.seed.keyId,
      sign: async () => {
        throw Object.assign(new Error(`CKR_PIN_INCORRECT for PIN ${pin.length} chars`), { code: 'CKR_PIN_INCORRECT' });
      },
    };
    const provider = env.provider({ env: keylessEnv(), signer: failing });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    const cause = (error as Error).cause as SsaSignerError;
    expect(cause).toBeInstanceOf(SsaSignerError);
    expect(cause.code).toBe('ERR_SSA_SIGNER_FAILED');
    expect(String((cause.cause as Error).message)).toContain('CKR_PIN_INCORRECT');
    expect(env.emulator.counters().exchanges).toBe(0);
    const shown = `${inspect(error, { depth: 5 })} ${JSON.stringify(provider)} ${inspect(provider)}`;
    expect(shown).not.toContain(pin);
    expect(shown).not.toContain(env.emulator.seed.env.APS_CLIENT_SECRET);
  });

  it('rejects a signer together with a private key, a different keyId, a malformed signer, or a public key alone', () => {
    const signer = seedSigner();
    const base = { env: keylessEnv() };
    expect(() => env.provider({ ...base, signer, privateKey: env.emulator.seed.privateKey })).toThrow(/both given/);
    expect(() => env.provider({ ...base, signer, keyId: 'another-kid' })).toThrow(/differs from `signer.kid`/);
    expect(() => env.provider({ ...base, signer: { kid: 'k' } as unknown as AssertionSigner })).toThrow(SsaOptionError);
    expect(() => env.provider({ ...base, signer: { kid: ' k', sign: signer.sign } })).toThrow(/signer.kid/);
    expect(() => env.provider({ publicKey: 'not a key' })).toThrow(/`publicKey` checks the signatures of a `signer`/);
    expect(() => env.provider({ ...base, signer, publicKey: 'not a key' })).toThrow(/is not a public key/);
  });

  it('createAssertion refuses the same contradictions, naming the option at fault, and takes a keyId equal to the signer kid', async () => {
    const signer = seedSigner();
    const { privateKey } = env.emulator.seed;
    const options = { clientId: 'client', serviceAccountId: 'ACCOUNT', scopes: ['data:read'] };
    const refusal = (option: string, words: RegExp) => ({ constructor: SsaOptionError, option, message: expect.stringMatching(words) });
    await expect(createAssertion({ ...options, signer, privateKey })).rejects.toMatchObject(refusal('signer', /both given/));
    await expect(createAssertion({ ...options, signer, keyId: 'another-kid' })).rejects.toMatchObject(refusal('keyId', /differs from `signer.kid`/));
    await expect(createAssertion({ ...options, keyId: signer.kid, privateKey, publicKey: 'not a key' })).rejects.toMatchObject(
      refusal('publicKey', /`publicKey` checks the signatures of a `signer`/),
    );
    expect(decodeProtectedHeader(await createAssertion({ ...options, signer, keyId: signer.kid })).kid).toBe(signer.kid);
  });
});
