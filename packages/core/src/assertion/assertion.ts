import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { SsaOptionError } from '../errors.js';
import { scopeListProblem } from './aps-scopes.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { loadPrivateKey } from '../private-key.js';
import type { PrivateKeyInput } from '../private-key.js';
import { CheckedSigner, normalizeSigner, signCompactJws } from './signer.js';
import type { AssertionSigner, PublicKeyInput } from './signer.js';

/**
 * The `aud` every assertion must carry: APS compares it exactly, and it stays this production URL
 * whatever base URL the exchange is sent to (an emulator or a proxy included).
 */
export const APS_TOKEN_AUDIENCE = 'https://developer.api.autodesk.com/authentication/v2/token';

/** The longest assertion lifetime APS accepts, in seconds (`exp` at most 5 minutes ahead). */
export const MAX_ASSERTION_LIFETIME = 300;

/**
 * The default assertion lifetime, in seconds. APS rejects an `exp` more than 300 s after *its*
 * clock; 240 s leaves a full minute for our clock running ahead of APS's before the assertion is
 * refused, and an assertion is exchanged within milliseconds of being signed anyway.
 *
 * @default 240
 */
export const ASSERTION_LIFETIME = 240;

/** What {@link createAssertion} needs to sign an assertion for one service account. */
export interface AssertionOptions {
  /** The APS app's client id: the `iss` claim. */
  clientId: string;
  /** The service account id (e.g. `6BNJQT7RR7GTJ5QY`): the `sub` claim. */
  serviceAccountId: string;
  /** The id Create Key returned with the private key (a UUID): the `kid` header. Taken from `signer.kid` with a signer. */
  keyId?: string;
  /** The private key, in any form {@link loadPrivateKey} accepts; or give `signer` instead. */
  privateKey?: PrivateKeyInput;
  /** Signs with a key held elsewhere (an HSM, a KMS) instead of `privateKey`. */
  signer?: AssertionSigner;
  /** With `signer`: the key's public half, which the signature must verify against. */
  publicKey?: PublicKeyInput;
  /** The scopes the token will carry (e.g. `['data:read']`): the `scope` claim, sent as a JSON array. */
  scopes: readonly string[];
  /**
   * Seconds from `iat` to `exp`, 1 to 300.
   *
   * @default ASSERTION_LIFETIME (240)
   */
  lifetime?: number;
  /**
   * The current time in milliseconds since the epoch (already skew-corrected by the caller if needed).
   *
   * @default Date.now
   */
  now?: () => number;
}

const KNOWN_OPTIONS = ['clientId', 'serviceAccountId', 'keyId', 'privateKey', 'signer', 'publicKey', 'scopes', 'lifetime', 'now'] as const;

/**
 * Signs a JWT assertion (RS256) for a service account, ready for {@link exchangeAssertion}.
 *
 * Header: `alg: RS256`, `kid`. Claims: `iss` (client id), `sub` (service account id),
 * `aud` ({@link APS_TOKEN_AUDIENCE}), `iat`, `exp` (`iat` + lifetime), `scope` (an array) and a
 * unique `jti`. The options are validated before anything is signed.
 *
 * @throws {SsaOptionError} for a missing, empty or malformed option (or an unknown one).
 * @throws {SsaKeyError} when the private key cannot be used.
 * @throws {SsaSignerError} when the `signer` fails, or its signature has the wrong length or does not verify.
 *
 * @example
 * ```ts
 * import { createAssertion } from '@aps-ssa/core';
 *
 * const assertion = await createAssertion({
 *   clientId: process.env.APS_CLIENT_ID!,
 *   serviceAccountId: process.env.APS_SA_ID!,
 *   keyId: process.env.APS_SA_KEY_ID!,
 *   privateKey: process.env.APS_SA_PRIVATE_KEY!,
 *   scopes: ['data:read'],
 * });
 * ```
 */
export async function createAssertion(options: AssertionOptions): Promise<string> {
  requireOptionsObject(options, 'createAssertion()');
  rejectUnknownOptions(options, KNOWN_OPTIONS, 'createAssertion()');
  const clientId = requireId(options.clientId, 'clientId', 'the APS app client id');
  const serviceAccountId = requireId(options.serviceAccountId, 'serviceAccountId', 'the service account id');
  const signer = options.signer === undefined ? undefined : normalizeSigner(options.signer, options.publicKey);
  if (signer !== undefined) checkSignerOptions(options, signer.kid);
  else if (options.publicKey !== undefined) throw publicKeyWithoutSigner();
  const keyId = signer?.kid ?? requireId(options.keyId, 'keyId', 'the key id that Create Key returned');
  const scopes = requireScopes(options.scopes, 'scopes');
  const lifetime = requireLifetime(options.lifetime);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new SsaOptionError('now', `\`now\` must be a function returning milliseconds since the epoch, got ${describeType(now)}.`);
  }
  const privateKey = signer ?? loadPrivateKey(options.privateKey as PrivateKeyInput);
  return signAssertion({ clientId, serviceAccountId, keyId, privateKey, scopes, lifetime, now });
}

/** What {@link signAssertion} signs: checked values (a provider's normalised options, or createAssertion's). */
export interface SigningInput {
  readonly clientId: string;
  readonly serviceAccountId: string;
  readonly keyId: string;
  /** The key, or the signer that holds it. */
  readonly privateKey: KeyObject | CheckedSigner;
  readonly scopes: readonly string[];
  /** Seconds. */
  readonly lifetime: number;
  readonly now: () => number;
}

/** Signs an assertion from values already checked (internal: the token provider signs through it each exchange). */
export async function signAssertion(input: SigningInput): Promise<string> {
  const { clientId, serviceAccountId, keyId, privateKey: key, scopes, lifetime, now } = input;
  const nowMs = now();
  if (!Number.isFinite(nowMs) || nowMs <= 0) {
    throw new SsaOptionError('now', `\`now()\` must return milliseconds since the epoch, got ${String(nowMs)}.`);
  }
  const iat = Math.floor(nowMs / 1000);
  const claims = { scope: [...scopes], iss: clientId, sub: serviceAccountId, aud: APS_TOKEN_AUDIENCE, iat, exp: iat + lifetime, jti: randomUUID() };
  if (key instanceof CheckedSigner) return signCompactJws(key, claims);
  // No `typ`: the header of the APS docs' own example has only alg and kid.
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keyId }).sign(key);
}

/**
 * With a `signer`, `privateKey` is not given and `keyId`, if given, is the signer's `kid`. Shared with the provider's options.
 *
 * @throws {SsaOptionError} naming the option that contradicts the signer.
 */
export function checkSignerOptions(options: { privateKey?: unknown; keyId?: unknown }, kid: string): void {
  if (options.privateKey !== undefined) {
    throw new SsaOptionError('signer', '`signer` and `privateKey` were both given: the signer holds the key, so pass one or the other.');
  }
  if (options.keyId !== undefined && options.keyId !== kid) {
    throw new SsaOptionError('keyId', '`keyId` differs from `signer.kid`: the assertion carries the signer\'s `kid`; leave `keyId` out.');
  }
}

/** The error for a `publicKey` given without a `signer` (it only checks a signer's signatures). */
export function publicKeyWithoutSigner(): SsaOptionError {
  return new SsaOptionError('publicKey', '`publicKey` checks the signatures of a `signer`, and no `signer` was given. Remove it, or add the signer.');
}

/** Why `value` is not a usable id (non-empty, no whitespace), or `undefined` when it is. */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `is required (got ${describeType(value)})`;
  if (/\s/.test(value)) return 'contains whitespace (a stray space or trailing newline?); remove it';
  return undefined;
}

/** Why `scopes` is not a usable scope list (a non-empty array of non-empty strings without spaces), or `undefined`. */
function scopesProblem(scopes: unknown): string | undefined {
  if (!Array.isArray(scopes)) return `must be an array of scope strings such as ['data:read'], got ${describeType(scopes)}`;
  if (scopes.length === 0) return "must list at least one scope, such as ['data:read']";
  for (const [index, scope] of scopes.entries()) {
    if (typeof scope !== 'string' || scope === '') return `[${index}] must be a non-empty string, got ${describeType(scope)}`;
    const listed = scopeListProblem(scope);
    if (listed !== undefined) return `[${index}] ${listed}`;
  }
  return undefined;
}

function requireId(value: unknown, option: string, what: string): string {
  const problem = idProblem(value);
  if (problem !== undefined) throw new SsaOptionError(option, `\`${option}\` (${what}) ${problem}.`);
  return value as string;
}

/** Validates a scope list with {@link scopesProblem}; throws {@link SsaOptionError} naming `option`. */
export function requireScopes(value: unknown, option: string): readonly string[] {
  const problem = scopesProblem(value);
  if (problem !== undefined) throw new SsaOptionError(option, `\`${option}\`${problem.startsWith('[') ? '' : ' '}${problem}.`);
  return value as readonly string[];
}

function requireLifetime(value: unknown): number {
  if (value === undefined) return ASSERTION_LIFETIME;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ASSERTION_LIFETIME) {
    throw new SsaOptionError(
      'lifetime',
      `\`lifetime\` must be a whole number of seconds from 1 to ${MAX_ASSERTION_LIFETIME} (APS rejects an assertion ` +
        `expiring more than 5 minutes ahead), got ${typeof value === 'number' ? value : describeType(value)}.`,
    );
  }
  return value;
}
