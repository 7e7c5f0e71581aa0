import type { KeyObject } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { SsaSignerError, loadPrivateKey } from '@aps-ssa/core';
import type { PrivateKeyInput } from '@aps-ssa/core';
import { rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import { openTokenSession, setup } from './pkcs11-session.js';
import type { TokenOptions } from './pkcs11-session.js';

/** Options of {@link importKeyToToken}. */
export interface ImportKeyOptions extends TokenOptions {
  /** The APS key id (Create Key's `kid`): the label (and `CKA_ID`) the key gets on the token. */
  kid: string;
  /** The private key Create Key returned, in any form core's `loadPrivateKey` accepts. */
  privateKey: PrivateKeyInput;
  /** The label of the key objects, when it is not `kid`. @default kid */
  keyLabel?: string;
}

const KNOWN_OPTIONS = ['module', 'token', 'pin', 'pinFile', 'env', 'kid', 'privateKey', 'keyLabel'];

/**
 * Stores an RSA private key in a PKCS#11 token as a sensitive, non-extractable signing key (and its public key
 * beside it), labelled with the APS key id. From then on it signs only inside the token.
 *
 * @throws {SsaSignerError} `ERR_SSA_SIGNER_SETUP` when the token refuses, or already holds a key with that label.
 * @throws {SsaKeyError} when `privateKey` is not a usable RSA private key.
 *
 * @example
 * ```ts
 * await importKeyToToken({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'aps', kid, privateKey: pem });
 * ```
 */
export async function importKeyToToken(options: ImportKeyOptions): Promise<void> {
  requireOptionsObject(options as unknown, 'importKeyToToken()');
  rejectUnknownOptions(options, KNOWN_OPTIONS, 'importKeyToToken()');
  const key = loadPrivateKey(options.privateKey);
  const label = options.keyLabel ?? options.kid;
  if (typeof label !== 'string' || label === '' || /\s/.test(label)) {
    throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', '`kid` must be the key id that Create Key returned (no whitespace).');
  }
  const session = openTokenSession(options);
  try {
    const { pkcs11, handle } = session;
    const existing = setup('search the token for the key', () => {
      pkcs11.C_FindObjectsInit(handle, [{ type: pkcs11js.CKA_LABEL, value: label }]);
      try {
        return pkcs11.C_FindObjects(handle, 1);
      } finally {
        pkcs11.C_FindObjectsFinal(handle);
      }
    });
    if (existing.length > 0) {
      throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `Token "${options.token}" already holds a key labelled "${label}"; nothing was imported.`);
    }
    const parts = rsaParts(key);
    const common = [
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: Buffer.from(label) },
      { type: pkcs11js.CKA_MODULUS, value: parts.n },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: parts.e },
    ];
    const privateHandle = setup(`store the private key on token "${options.token}"`, () =>
      pkcs11.C_CreateObject(handle, [
        ...common,
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: parts.d },
        { type: pkcs11js.CKA_PRIME_1, value: parts.p },
        { type: pkcs11js.CKA_PRIME_2, value: parts.q },
        { type: pkcs11js.CKA_EXPONENT_1, value: parts.dp },
        { type: pkcs11js.CKA_EXPONENT_2, value: parts.dq },
        { type: pkcs11js.CKA_COEFFICIENT, value: parts.qi },
      ]),
    );
    try {
      setup(`store the public key on token "${options.token}"`, () =>
        pkcs11.C_CreateObject(handle, [
          ...common,
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
          { type: pkcs11js.CKA_VERIFY, value: true },
        ]),
      );
    } catch (error) {
      pkcs11.C_DestroyObject(handle, privateHandle);
      throw error;
    }
  } finally {
    session.close();
  }
}

type RsaParts = Record<'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi', Buffer>;

function rsaParts(key: KeyObject): RsaParts {
  const jwk = key.export({ format: 'jwk' });
  const part = (name: keyof RsaParts): Buffer => Buffer.from(jwk[name] ?? '', 'base64url');
  return { n: part('n'), e: part('e'), d: part('d'), p: part('p'), q: part('q'), dp: part('dp'), dq: part('dq'), qi: part('qi') };
}
