import type { KeyObject } from 'node:crypto';
import { SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { loadPrivateKey } from '../private-key.js';
import type { PrivateKeyInput } from '../private-key.js';

/**
 * A service account key to sign assertions with from now on: what `rotateKey()` of a provider or a registry takes
 * (and what `watchKeyFile()` reads).
 *
 * @example
 * ```ts
 * provider.rotateKey({ keyId: created.kid, privateKey: created.privateKey });
 * ```
 */
export interface SigningKey {
  /** The key id (`kid`) APS gave the key. */
  readonly keyId: string;
  /** The private key, in any form `loadPrivateKey` accepts. */
  readonly privateKey: PrivateKeyInput;
  /** The service account the key belongs to: when given, a provider of another account refuses the key. */
  readonly serviceAccountId?: string;
}

/** A {@link SigningKey}, checked, its private key loaded. */
export interface CheckedSigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly serviceAccountId?: string;
}

/** Checks a {@link SigningKey} once (an unknown field is refused with a suggestion; a bad key throws `SsaKeyError`). */
export function checkSigningKey(key: SigningKey, where: string): CheckedSigningKey {
  requireOptionsObject(key as unknown, where);
  rejectUnknownOptions(key, ['keyId', 'privateKey', 'serviceAccountId'], where);
  for (const name of ['keyId', 'serviceAccountId'] as const) {
    const value: unknown = key[name];
    if ((name === 'keyId' || value !== undefined) && (typeof value !== 'string' || value.trim() === '')) {
      throw new SsaOptionError(name, `\`${name}\` must be a non-empty string, got ${describeType(value)}.`);
    }
  }
  return Object.freeze({
    keyId: key.keyId,
    privateKey: loadPrivateKey(key.privateKey),
    ...(key.serviceAccountId === undefined ? {} : { serviceAccountId: key.serviceAccountId }),
  });
}
