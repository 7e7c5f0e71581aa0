import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { SsaSignerError } from '@aps-ssa/core';
import { rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import type { AssertionSigner } from '@aps-ssa/core';
import { openTokenSession, pkcs11Reason, setup } from './pkcs11-session.js';
import type { TokenOptions, TokenSession } from './pkcs11-session.js';

/** Options of {@link openPkcs11Signer}. */
export interface Pkcs11SignerOptions extends TokenOptions {
  /** The APS key id (Create Key's `kid`): the assertions' `kid`, and the label the key was imported under. */
  kid: string;
  /** The label of the private key object, when it is not `kid`. @default kid */
  keyLabel?: string;
}

/** An {@link AssertionSigner} over a PKCS#11 token, with the key's public half (read from the token) and `close()`. */
export interface Pkcs11Signer extends AssertionSigner {
  /** The key's public half, read from the token: pass it as the provider's `publicKey` to check the first signature. */
  readonly publicKey: KeyObject;
  /** Logs out and closes the session (and the module, once no other signer uses it). */
  close(): Promise<void>;
}

const KNOWN_OPTIONS = ['module', 'token', 'pin', 'pinFile', 'env', 'kid', 'keyLabel'];

/**
 * Opens a signer over an RSA private key held in a PKCS#11 token (an HSM, SoftHSM2, a smart card): the key signs
 * inside the token (`CKM_SHA256_RSA_PKCS`, which is RS256) and is never read out. The PIN comes from `pin`, `pinFile`,
 * `APS_PKCS11_PIN` or `APS_PKCS11_PIN_FILE`, and is never logged.
 *
 * @throws {SsaSignerError} `ERR_SSA_SIGNER_SETUP` when the module, the token, the key or the login fails.
 *
 * @example
 * ```ts
 * import { createTokenProvider } from '@aps-ssa/core';
 * import { openPkcs11Signer } from '@aps-ssa/pkcs11';
 *
 * const signer = await openPkcs11Signer({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'aps', kid: process.env.APS_SA_KEY_ID! });
 * const provider = createTokenProvider({ signer, publicKey: signer.publicKey, scopes: ['data:read'] });
 * ```
 */
export async function openPkcs11Signer(options: Pkcs11SignerOptions): Promise<Pkcs11Signer> {
  requireOptionsObject(options as unknown, 'openPkcs11Signer()');
  rejectUnknownOptions(options, KNOWN_OPTIONS, 'openPkcs11Signer()');
  const { kid } = options;
  if (typeof kid !== 'string' || kid === '' || /\s/.test(kid)) {
    throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', '`kid` must be the key id that Create Key returned (no whitespace).');
  }
  const label = options.keyLabel ?? kid;
  const session = openTokenSession(options);
  try {
    const key = findPrivateKey(session, label, options.token);
    const publicKey = readPublicKey(session, key);
    return new TokenSigner(kid, session, key, publicKey);
  } catch (error) {
    session.close();
    throw error;
  }
}

class TokenSigner implements Pkcs11Signer {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly #session: TokenSession;
  readonly #key: pkcs11js.Handle;
  readonly #length: number;
  // One operation at a time per PKCS#11 session: a second C_SignInit during a sign is CKR_OPERATION_ACTIVE.
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(kid: string, session: TokenSession, key: pkcs11js.Handle, publicKey: KeyObject) {
    this.kid = kid;
    this.#session = session;
    this.#key = key;
    this.publicKey = publicKey;
    this.#length = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
  }

  sign(signingInput: Uint8Array): Promise<Uint8Array> {
    const result = this.#queue.then(() => this.#signNow(Buffer.from(signingInput)));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    this.#session.close();
  }

  toJSON(): { kid: string } {
    return { kid: this.kid };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Pkcs11Signer { kid: '${this.kid}' }`;
  }

  async #signNow(data: Buffer): Promise<Uint8Array> {
    if (this.#closed) throw new SsaSignerError('ERR_SSA_SIGNER_FAILED', `The PKCS#11 signer of key ${this.kid} was closed.`);
    const { pkcs11, handle } = this.#session;
    try {
      pkcs11.C_SignInit(handle, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, this.#key);
      return await pkcs11.C_SignAsync(handle, data, Buffer.alloc(this.#length));
    } catch (error) {
      throw new SsaSignerError('ERR_SSA_SIGNER_FAILED', `The PKCS#11 token could not sign with key ${this.kid}: ${pkcs11Reason(error)}.`);
    }
  }
}

function findPrivateKey(session: TokenSession, label: string, token: string): pkcs11js.Handle {
  const { pkcs11, handle } = session;
  const found = setup('search the token for the key', () => {
    pkcs11.C_FindObjectsInit(handle, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: label },
    ]);
    try {
      return pkcs11.C_FindObjects(handle, 2);
    } finally {
      pkcs11.C_FindObjectsFinal(handle);
    }
  });
  if (found.length !== 1) {
    throw new SsaSignerError(
      'ERR_SSA_SIGNER_SETUP',
      found.length === 0
        ? `Token "${token}" holds no private key labelled "${label}". Import the key first (\`aps-ssa-pkcs11 import\`), or pass its \`keyLabel\`.`
        : `Token "${token}" holds several private keys labelled "${label}"; give each key its own label.`,
    );
  }
  return found[0]!;
}

/** The RSA public key of a private key object, from its (non-sensitive) modulus and public exponent. */
function readPublicKey(session: TokenSession, key: pkcs11js.Handle): KeyObject {
  const { pkcs11, handle } = session;
  const [modulus, exponent] = setup('read the public half of the key', () =>
    pkcs11.C_GetAttributeValue(handle, key, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]),
  );
  const n = modulus?.value.toString('base64url');
  const e = exponent?.value.toString('base64url');
  if (!n || !e) throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', 'The key on the token has no RSA modulus: it is not an RSA key.');
  return createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
}
