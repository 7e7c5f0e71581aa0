import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE_VERSION = 'v1';
// Fixed, public HKDF inputs: they separate this use of the client secret from every other one.
const HKDF_SALT = 'aps-ssa/redis-store';
const HKDF_INFO = 'token entry encryption, AES-256-GCM, v1';

/** Bytes in an AES-256 key. */
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * Seals and opens token entries with AES-256-GCM. The additional authenticated data is the Redis key
 * name, so an entry copied under another key does not open.
 */
export interface TokenCipher {
  seal(plaintext: string, boundTo: string): string;
  /** The plaintext, or `undefined` when the entry is malformed, tampered with, moved or sealed under another key. */
  open(envelope: string, boundTo: string): string | undefined;
}

/** Derives the entry key from a client secret with HKDF-SHA256. */
export function deriveEncryptionKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, ENCRYPTION_KEY_BYTES)));
}

/** `key` must be a 32-byte secret key (checked by the options). */
export function createTokenCipher(key: KeyObject): TokenCipher {
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv); // GCM's tag is 16 bytes (TAG_BYTES) by default
      cipher.setAAD(Buffer.from(boundTo));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return `${ENVELOPE_VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(envelope, boundTo) {
      const parts = envelope.split('.');
      if (parts.length !== 3 || parts[0] !== ENVELOPE_VERSION) return undefined;
      const iv = Buffer.from(parts[1]!, 'base64url');
      const sealed = Buffer.from(parts[2]!, 'base64url');
      try {
        // An IV of another length fails the tag check; a body shorter than a tag leaves a tag that setAuthTag refuses
        // (authTagLength), so that no truncated tag is ever tried.
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(boundTo));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // GCM's tag check failed: tampered, truncated, or another key. The caller reports it; no detail helps an attacker.
      }
      return undefined;
    },
  };
}
