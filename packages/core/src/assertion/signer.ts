import { KeyObject, createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { SsaError, SsaKeyError, SsaOptionError, SsaSignerError } from '../errors.js';
import { safeCause } from '../http/safe-cause.js';
import { describeType } from '../options.js';
import { MIN_RSA_MODULUS_LENGTH } from '../private-key.js';

/**
 * Signs assertions with a key that never leaves its keeper (an HSM through PKCS#11, a cloud KMS, Vault):
 * core builds the compact JWS (`alg: RS256`, `kid`) and hands `sign()` the bytes of its signing input,
 * `BASE64URL(header) || '.' || BASE64URL(payload)`; `sign()` returns the RSASSA-PKCS1-v1_5 SHA-256
 * signature of those bytes (the raw signature, as long as the key's modulus: 256 bytes for APS's keys).
 *
 * @example
 * ```ts
 * import { createSign } from 'node:crypto';
 * import type { AssertionSigner } from '@aps-ssa/core';
 *
 * const signer: AssertionSigner = {
 *   kid: process.env.APS_SA_KEY_ID!,
 *   sign: async (signingInput) => createSign('sha256').update(signingInput).sign(keyHeldElsewhere),
 * };
 * ```
 */
export interface AssertionSigner {
  /** The id Create Key returned with the key: the assertion's `kid` header. */
  readonly kid: string;
  /** Signs the JWS signing input with RS256 (RSASSA-PKCS1-v1_5 with SHA-256); resolves to the raw signature. */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/** The public half of a signer's key, to check its first signature: a PEM (SPKI or PKCS#1), a public JWK or a `KeyObject`. */
export type PublicKeyInput = string | KeyObject | JsonWebKey;

// The largest RSA modulus anyone signs with (16384 bits), in bytes: a longer "signature" is something else.
const MAX_SIGNATURE_LENGTH = 2048;
const MIN_SIGNATURE_LENGTH = MIN_RSA_MODULUS_LENGTH / 8;
// RSA keys in use (2048, 3072, 4096 bits...) have moduli in whole kilobits: a signature of another length, with no
// public key to tell the exact one, is an encoding of one (base64 of a 2048-bit signature is 344 bytes).
const SIGNATURE_LENGTH_STEP = 128;

/**
 * A signer whose options were checked, and whose signatures are checked: each one is as long as the
 * first (or as the public key's modulus), and the first verifies against the public key when one was given.
 * Internal: the provider and `createAssertion` sign through it.
 */
export class CheckedSigner {
  readonly kid: string;
  readonly #signer: AssertionSigner;
  readonly #publicKey: KeyObject | undefined;
  #length: number | undefined;
  #verified = false;

  constructor(signer: AssertionSigner, kid: string, publicKey: KeyObject | undefined) {
    this.kid = kid;
    this.#signer = signer;
    this.#publicKey = publicKey;
    const bits = publicKey?.asymmetricKeyDetails?.modulusLength;
    this.#length = bits === undefined ? undefined : Math.ceil(bits / 8);
  }

  /** Signs a JWS signing input; the signature is checked before it is returned. */
  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    let signature: unknown;
    try {
      signature = await this.#signer.sign(signingInput);
    } catch (error) {
      // A foreign error is summarised (name, code and message scrubbed): an HSM or KMS client may quote what it was given.
      throw new SsaSignerError(
        'ERR_SSA_SIGNER_FAILED',
        `The signer of key ${this.kid} failed to sign the assertion (see \`cause\`). Check that the HSM or KMS is reachable and the key usable.`,
        { cause: error instanceof SsaError ? error : safeCause(error, []) },
      );
    }
    if (!(signature instanceof Uint8Array) || signature.length === 0) {
      throw new SsaSignerError(
        'ERR_SSA_SIGNER_FAILED',
        `The signer of key ${this.kid} returned ${signature instanceof Uint8Array ? 'an empty signature' : describeType(signature)}; ` +
          '`sign()` must resolve to the signature bytes (a Uint8Array or Buffer).',
      );
    }
    this.#checkLength(signature.length);
    if (this.#publicKey !== undefined && !this.#verified) {
      const valid = verify('sha256', signingInput, this.#publicKey, signature);
      if (!valid) {
        throw new SsaSignerError(
          'ERR_SSA_SIGNER_SIGNATURE',
          `The signer of key ${this.kid} made a signature that the public key given does not verify: the signer holds another key, ` +
            'or does not sign RS256 (RSASSA-PKCS1-v1_5 with SHA-256 over the signing input itself, not a digest of it).',
        );
      }
      this.#verified = true;
    }
    return signature;
  }

  toJSON(): { kid: string } {
    return { kid: this.kid };
  }

  #checkLength(length: number): void {
    const expected = this.#length;
    const fits =
      expected === undefined
        ? length >= MIN_SIGNATURE_LENGTH && length <= MAX_SIGNATURE_LENGTH && length % SIGNATURE_LENGTH_STEP === 0
        : length === expected;
    if (!fits) {
        const wanted =
        expected === undefined
          ? `as long as the key's modulus: ${MIN_SIGNATURE_LENGTH} bytes for APS's 2048-bit keys (a multiple of ${SIGNATURE_LENGTH_STEP} up to ${MAX_SIGNATURE_LENGTH})`
          : `${expected} bytes, the key's modulus length`;
      throw new SsaSignerError(
        'ERR_SSA_SIGNER_SIGNATURE',
        `The signer of key ${this.kid} returned a ${length}-byte signature; an RS256 signature is ${wanted}. ` +
          'Return the raw signature (not base64, not DER-wrapped, not a digest).',
      );
    }
    this.#length = length;
  }
}

/**
 * Checks a `signer` option (and the optional `publicKey` that its first signature must verify against).
 *
 * @throws {SsaOptionError} when `signer` is not `{ kid, sign }`.
 * @throws {SsaKeyError} when `publicKey` is not an RSA public key of 2048 bits or more.
 */
export function normalizeSigner(value: unknown, publicKey: unknown): CheckedSigner {
  const candidate = value as Partial<AssertionSigner> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.sign !== 'function') {
    throw new SsaOptionError('signer', `\`signer\` must be an object with \`kid\` and \`sign(signingInput)\`, got ${describeType(value)}.`);
  }
  const kid: unknown = candidate.kid;
  if (typeof kid !== 'string' || kid === '' || /\s/.test(kid)) {
    throw new SsaOptionError('signer', `\`signer.kid\` must be the key id that Create Key returned (no whitespace), got ${describeType(kid)}.`);
  }
  return new CheckedSigner(candidate as AssertionSigner, kid, publicKey === undefined ? undefined : loadPublicKey(publicKey));
}

function loadPublicKey(value: unknown): KeyObject {
  let key: KeyObject;
  try {
    key =
      value instanceof KeyObject
        ? value.type === 'public'
          ? value
          : createPublicKey(value)
        : typeof value === 'string'
          ? createPublicKey(value.replace(/\\n/g, '\n'))
          : createPublicKey({ key: value as JsonWebKey, format: 'jwk' });
  } catch {
    throw new SsaKeyError('ERR_SSA_KEY_UNRECOGNIZED', '`publicKey` is not a public key: give the PEM (SPKI or PKCS#1), a public JWK or a KeyObject.');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SsaKeyError('ERR_SSA_KEY_NOT_RSA', '`publicKey` is not an RSA key; APS keys are RSA.');
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_LENGTH) {
    throw new SsaKeyError('ERR_SSA_KEY_TOO_SMALL', `\`publicKey\` is a ${bits}-bit RSA key; APS needs at least ${MIN_RSA_MODULUS_LENGTH} bits.`);
  }
  return key;
}

/** Signs a compact JWS (RS256, `kid`) of `payload` through `signer`. */
export async function signCompactJws(signer: CheckedSigner, payload: object): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: signer.kid })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signingInput = `${header}.${body}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url')}`;
}
