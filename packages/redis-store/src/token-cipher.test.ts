import { randomBytes, createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, deriveEncryptionKey } from './token-cipher.js';

const KEY_NAME = 'aps-ssa:{aps-ssa:token:v1:abc}:token';
const PLAINTEXT = JSON.stringify({ accessToken: 'eyJ.secret.token', expiresAt: 1 });

describe('token cipher', () => {
  const cipher = createTokenCipher(createSecretKey(randomBytes(32)));

  it('opens what it sealed, under the same key name', () => {
    const sealed = cipher.seal(PLAINTEXT, KEY_NAME);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(sealed).not.toContain('secret');
    expect(cipher.open(sealed, KEY_NAME)).toBe(PLAINTEXT);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.seal(PLAINTEXT, KEY_NAME)).not.toBe(cipher.seal(PLAINTEXT, KEY_NAME));
  });

  it('refuses an entry moved under another key name (the name is the additional data)', () => {
    const sealed = cipher.seal(PLAINTEXT, KEY_NAME);
    expect(cipher.open(sealed, KEY_NAME.replace('abc', 'abd'))).toBeUndefined();
  });

  it('refuses any flipped bit of IV, ciphertext or tag', () => {
    const sealed = cipher.seal(PLAINTEXT, KEY_NAME);
    const [version, iv, body] = sealed.split('.') as [string, string, string];
    const flip = (text: string, index: number): string => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[index] = bytes[index]! ^ 1;
      return bytes.toString('base64url');
    };
    const bodyLength = Buffer.from(body, 'base64url').length;
    expect(cipher.open(`${version}.${flip(iv, 0)}.${body}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`${version}.${iv}.${flip(body, 0)}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`${version}.${iv}.${flip(body, bodyLength - 1)}`, KEY_NAME)).toBeUndefined();
  });

  it('refuses malformed envelopes without throwing', () => {
    for (const envelope of ['', 'v1', 'v1..', 'v2.AAAAAAAAAAAAAAAA.AAAA', 'v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA', `${cipher.seal(PLAINTEXT, KEY_NAME)}.extra`, '{"accessToken":"x"}']) {
      expect(cipher.open(envelope, KEY_NAME)).toBeUndefined();
    }
  });

  it('refuses entries sealed with another key', () => {
    const other = createTokenCipher(createSecretKey(randomBytes(32)));
    expect(cipher.open(other.seal(PLAINTEXT, KEY_NAME), KEY_NAME)).toBeUndefined();
  });
});

describe('deriveEncryptionKey', () => {
  it('derives the same 32-byte key from the same secret, and another from another secret', () => {
    const a = deriveEncryptionKey('client-secret-1');
    expect(a.symmetricKeySize).toBe(32);
    expect(a.export().equals(deriveEncryptionKey('client-secret-1').export())).toBe(true);
    expect(a.export().equals(deriveEncryptionKey('client-secret-2').export())).toBe(false);
  });

  it('lets instances that share the secret read each other’s entries', () => {
    const sealed = createTokenCipher(deriveEncryptionKey('shared')).seal(PLAINTEXT, KEY_NAME);
    expect(createTokenCipher(deriveEncryptionKey('shared')).open(sealed, KEY_NAME)).toBe(PLAINTEXT);
    expect(createTokenCipher(deriveEncryptionKey('rotated')).open(sealed, KEY_NAME)).toBeUndefined();
  });
});
