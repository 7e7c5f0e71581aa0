import { randomBytes, createSecretKey } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTokenCipher, deriveEncryptionKey, type TokenCipher } from './token-cipher.js';

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

describe('the sealed format (a fleet of mixed versions shares entries: it must not drift)', () => {
  // Sealed once with the key derived from 'client-secret-1', the IV 07…07 and KEY_NAME (UTF-8 text and additional data).
  const VECTOR = 'v1.BwcHBwcHBwcHBwcH.L5ZLqgx8s-kSuw76F8DN5x_541AWdO6yDzHLA5ENuPcDymUuvkA';
  // Made in each test, not when the file loads: a derivation that throws must fail a test, not hide the file.
  let cipher: TokenCipher;
  beforeEach(() => {
    cipher = createTokenCipher(deriveEncryptionKey('client-secret-1'));
  });

  it('derives the same key from a client secret as every earlier version (HKDF-SHA256, fixed salt and info)', () => {
    expect(deriveEncryptionKey('client-secret-1').export().toString('hex')).toBe('7b47d29f5d4d785dffd593f035d45e24b14c544225202521a7193483cefed7d7');
  });

  it('opens an entry sealed by an earlier version, and refuses it cut short, lengthened or under another version tag', () => {
    expect(cipher.open(VECTOR, KEY_NAME)).toBe('{"accessToken":"tök"}');
    const [, iv, body] = VECTOR.split('.') as [string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    expect(cipher.open(`v1.${iv}.${bytes.subarray(0, bytes.length - 1).toString('base64url')}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${iv}.${bytes.subarray(bytes.length - 16).toString('base64url')}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${iv}.${bytes.subarray(bytes.length - 15).toString('base64url')}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${iv}.`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${iv}AA.${body}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${iv.slice(0, 8)}.${body}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1..${body}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v2.${iv}.${body}`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`${VECTOR}.`, KEY_NAME)).toBeUndefined();
    expect(cipher.open(`v1.${body}`, KEY_NAME)).toBeUndefined();
  });

  it('seals text and key names beyond ASCII so that they open', () => {
    const name = 'aps-ssa:{clé}:token';
    expect(cipher.open(cipher.seal('tök €', name), name)).toBe('tök €');
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
