// A key that never leaves a token: the PEM Create Key returned is moved into a real SoftHSM2 token (the file is
// removed), a provider signs its assertions through the token, and the emulator accepts them and issues a token that
// its introspection endpoint reports active. The PIN appears in no error, inspect() or JSON.
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { SsaSignerError, createTokenProvider } from '@aps-ssa/core';
import { importKeyToToken, moveKeyFileToToken, openPkcs11Signer } from '../src/index.js';
import { createSoftHsmToken, softHsmAvailability } from './softhsm.js';
import type { SoftHsmToken } from './softhsm.js';

const { available } = softHsmAvailability();

describe.runIf(available)('PKCS#11 signer over SoftHSM2', () => {
  let emulator: Emulator;
  let hsm: SoftHsmToken;
  let kid: string;
  let privateKeyPem: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    hsm = await createSoftHsmToken();
    const key = await emulator.state.createKey(emulator.seed.serviceAccountId);
    kid = key.kid;
    privateKeyPem = key.privateKey;
  });
  afterAll(async () => {
    await emulator?.close();
    await hsm?.remove();
  });

  /** The seed's environment without a private key or key id: the token holds the key. */
  function keylessEnv(): NodeJS.ProcessEnv {
    const { APS_SA_PRIVATE_KEY: _key, APS_SA_PRIVATE_KEY_FILE: _file, APS_SA_KEY_ID: _kid, ...rest } = emulator.seed.env;
    return { ...rest, APS_PKCS11_PIN: hsm.pin };
  }

  it('moves the key file into the token, removes the file, and gets a token the emulator accepts', async () => {
    const keyFile = join(hsm.dir, 'aps-key.pem');
    await writeFile(keyFile, privateKeyPem, { mode: 0o600 });
    await moveKeyFileToToken({ module: hsm.module, token: hsm.token, kid, keyFile, pin: hsm.pin });
    expect(existsSync(keyFile)).toBe(false);

    const env = keylessEnv();
    const signer = await openPkcs11Signer({ module: hsm.module, token: hsm.token, kid, env });
    const provider = createTokenProvider({ env, signer, publicKey: signer.publicKey });
    try {
      const token = await provider.getToken();
      const { clientId, clientSecret } = emulator.seed;
      const response = await fetch(`${emulator.url}/authentication/v2/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: token.accessToken }),
      });
      expect(await response.json()).toMatchObject({ active: true });
      expect(provider.identity.keyId).toBe(kid);
      const shown = `${inspect(signer)} ${JSON.stringify(signer)} ${inspect(provider)} ${JSON.stringify(provider)}`;
      expect(shown).not.toContain(hsm.pin);
    } finally {
      await provider.close();
      await signer.close();
    }
  });

  it('signs inside the token: the key cannot be read out, and signatures verify with the public key', async () => {
    const signer = await openPkcs11Signer({ module: hsm.module, token: hsm.token, kid, pin: hsm.pin });
    try {
      const input = Buffer.from('header.payload');
      const signatures = await Promise.all([signer.sign(input), signer.sign(input), signer.sign(input)]);
      const publicKey = createPublicKey(privateKeyPem);
      for (const signature of signatures) expect(verify('sha256', input, publicKey, signature)).toBe(true);
      expect(signer.publicKey.export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
    } finally {
      await signer.close();
    }
  });

  it('reports a wrong PIN, an unknown token or key, a second import and a missing PIN with ERR_SSA_SIGNER_SETUP and no PIN', async () => {
    const wrongPin = `${hsm.pin}-wrong`;
    const attempts = [
      openPkcs11Signer({ module: hsm.module, token: hsm.token, kid, pin: wrongPin }),
      openPkcs11Signer({ module: hsm.module, token: 'no-such-token', kid, pin: hsm.pin }),
      openPkcs11Signer({ module: hsm.module, token: hsm.token, kid: 'no-such-key', pin: hsm.pin }),
      openPkcs11Signer({ module: hsm.module, token: hsm.token, kid, env: {} }),
      importKeyToToken({ module: hsm.module, token: hsm.token, kid, privateKey: privateKeyPem, pin: hsm.pin }),
    ];
    const errors = await Promise.all(attempts.map((attempt) => attempt.then(() => undefined, (e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(SsaSignerError);
      expect((error as SsaSignerError).code).toBe('ERR_SSA_SIGNER_SETUP');
      expect(`${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`).not.toContain(hsm.pin);
    }
    expect((errors[0] as Error).message).toContain('CKR_PIN_INCORRECT');
    expect((errors[1] as Error).message).toContain('"aps-ssa-test"');
    expect((errors[2] as Error).message).toContain('no private key labelled "no-such-key"');
    expect((errors[3] as Error).message).toContain('APS_PKCS11_PIN');
    expect((errors[4] as Error).message).toContain('already holds a key');
  });
});
