import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { JWK } from 'jose';
import { SsaKeyError } from './errors.js';
import type { SsaKeyErrorCode } from './errors.js';

/**
 * Anything {@link loadPrivateKey} accepts: a PEM string (PKCS#1 or PKCS#8, even with literal `\n`
 * escapes, CRLF line ends, surrounding quotes or whitespace), the base64 of such a PEM, a JWK (object
 * or JSON text), a path to a file holding any of these, the raw bytes of a PEM or DER key, or a
 * `KeyObject`.
 */
export type PrivateKeyInput = string | Uint8Array | KeyObject | JWK;

/**
 * The smallest RSA modulus accepted, in bits. APS issues 2048-bit keys.
 *
 * @default 2048
 */
export const MIN_RSA_MODULUS_LENGTH = 2048;

const FORMS_HINT =
  'Expected the PEM private key that Create Key returned (`-----BEGIN RSA PRIVATE KEY-----`, or PKCS#8 ' +
  '`-----BEGIN PRIVATE KEY-----`), the base64 of that PEM, a JWK, or the path of a file holding one of these.';
const LOST_KEY_HINT = 'APS keeps only the public half of a key: if the private key is lost, create a new key for the service account.';
const MAX_PATH_LENGTH = 4096;
const KEY_FILE_EXTENSION = /\.(pem|key|json|jwk|txt|p8|pk8|der|b64|base64)$/i;
const DER_SEQUENCE = 0x30;
// A run this long of base64, base64url or hex characters may be a piece of a key: such a value is never quoted.
const KEY_MATERIAL_RUN = /[A-Za-z0-9+/=_-]{40,}/;
// A BEGIN or END line: an END line alone is a PEM whose start was lost, reported as such rather than taken for a path.
const PEM_BOUNDARY = /-----(BEGIN|END)/;
const JWK_KEY_TYPE = /^[A-Za-z0-9-]{1,16}$/;
const SELF_TEST_DATA = Buffer.from('aps-ssa private key self-test');
// KeyObjects are immutable: one that signed verifiably once always will, so a key passed on every call is tested once.
const selfTested = new WeakSet<KeyObject>();

/**
 * Loads an RSA private key (2048 bits or more) from any form users hold it in, and returns a
 * `KeyObject` ready for signing.
 *
 * How a string is read, in this order:
 * 1. Surrounding whitespace and one pair of matching quotes are removed; literal `\n` / `\r\n`
 *    escapes and CRLF line ends are accepted.
 * 2. It contains `-----BEGIN`: a PEM (the first private-key block is used, so a bundle works too).
 * 3. It starts with `{`: a JWK as JSON text.
 * 4. It is one line naming an existing file: the file is read, and its contents (PEM, base64, JWK or
 *    DER) are the key. A file's contents are never taken as a path again.
 * 5. It is base64: the decoded PEM, JWK or DER.
 * 6. It looks like a path (starts with `/`, `./`, `../`, `~/`, `C:\` or ends with `.pem`, `.key`,
 *    `.json`...) but is not a readable file: `ERR_SSA_KEY_FILE`, naming the path and why; unless it
 *    could be key material (a run of 40 or more base64 characters), which is never quoted:
 *    `ERR_SSA_KEY_UNRECOGNIZED`, "neither a key nor an existing file".
 *    Anything else: `ERR_SSA_KEY_UNRECOGNIZED`, which never quotes the value.
 *
 * A key is returned only once it has signed a test message that its own public key verifies:
 * OpenSSL does not check an RSA key's parts when it reads one, so a key damaged in a copy and
 * paste could load, and sign assertions that APS refuses without saying why.
 *
 * @throws {SsaKeyError} `ERR_SSA_KEY_EMPTY`, `ERR_SSA_KEY_UNRECOGNIZED`, `ERR_SSA_KEY_PUBLIC` (a public
 * key or certificate), `ERR_SSA_KEY_NOT_RSA`, `ERR_SSA_KEY_TOO_SMALL` (under 2048 bits),
 * `ERR_SSA_KEY_ENCRYPTED` or `ERR_SSA_KEY_FILE`. Messages never contain key material, and quote a
 * path only when it cannot be key material.
 *
 * @example
 * ```ts
 * import { loadPrivateKey } from '@aps-ssa/core';
 *
 * const key = loadPrivateKey(process.env.APS_SA_PRIVATE_KEY!); // PEM, escaped PEM, base64 PEM, JWK or path
 * ```
 */
export function loadPrivateKey(input: PrivateKeyInput): KeyObject {
  if (input instanceof KeyObject) return checkKeyObject(input, 'The KeyObject');
  if (input instanceof Uint8Array) return fromBytes(input, 'The private key bytes');
  if (typeof input === 'string') return fromText(input, 'The private key value', true);
  if (typeof input === 'object' && input !== null) return fromJwk(input, 'The JWK');
  if (input === undefined || input === null) {
    throw keyError('ERR_SSA_KEY_EMPTY', `No private key was given. ${FORMS_HINT}`);
  }
  throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `The private key is a ${typeof input}, which is not a key. ${FORMS_HINT}`);
}

/**
 * Reads a private key file (PEM, base64 PEM, JWK JSON or DER) and loads it like {@link loadPrivateKey}.
 * A leading `~/` means the home directory.
 *
 * @throws {SsaKeyError} `ERR_SSA_KEY_FILE` when the file cannot be read, or any code of {@link loadPrivateKey}.
 *
 * @example
 * ```ts
 * const key = await loadPrivateKeyFile('./secrets/service-account.pem');
 * ```
 */
export async function loadPrivateKeyFile(path: string): Promise<KeyObject> {
  const given = requirePath(path);
  let contents: Buffer;
  try {
    contents = await readFile(resolvePath(given));
  } catch (cause) {
    throw fileError(given, cause);
  }
  return fromBytes(contents, fileLabel(given));
}

/** The synchronous form of {@link loadPrivateKeyFile}, for configuration loaded at startup. */
export function loadPrivateKeyFileSync(path: string): KeyObject {
  const given = requirePath(path);
  let contents: Buffer;
  try {
    contents = readFileSync(resolvePath(given));
  } catch (cause) {
    throw fileError(given, cause);
  }
  return fromBytes(contents, fileLabel(given));
}

function fromText(raw: string, source: string, allowPath: boolean): KeyObject {
  const text = unwrap(raw);
  if (text === '') throw keyError('ERR_SSA_KEY_EMPTY', `${source} is empty. ${FORMS_HINT}`);

  const unescaped = text.replace(/\\r\\n|\\n|\\r/g, '\n');
  if (PEM_BOUNDARY.test(unescaped)) return fromPem(unescaped, source);
  if (text.startsWith('{')) return fromJsonText(text, source);

  const singleLine = !/[\r\n]/.test(text) && text.length <= MAX_PATH_LENGTH;
  if (allowPath && singleLine && isFile(resolvePath(text))) return loadPrivateKeyFileSync(text);

  const decoded = decodeBase64(text);
  if (decoded !== undefined) {
    const key = fromDecoded(decoded, `${source} (base64-decoded)`);
    if (key !== undefined) return key;
  }

  if (allowPath && singleLine && looksLikePath(text)) {
    // Reading fails here, but names the path and the reason: missing, a directory, or unreadable.
    if (isQuotable(text)) return loadPrivateKeyFileSync(text);
    // A cut or damaged key can start with `/` too: it is not echoed as a path.
    throw keyError(
      'ERR_SSA_KEY_UNRECOGNIZED',
      `${source} is neither a key in a recognised form nor an existing file (it is not quoted, as it may hold key material). ${FORMS_HINT}`,
    );
  }
  throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `${source} is not in a recognised form. ${FORMS_HINT}`);
}

function fromBytes(bytes: Uint8Array, source: string): KeyObject {
  if (bytes.length > 0 && bytes[0] === DER_SEQUENCE) return fromDer(Buffer.from(bytes), source);
  return fromText(Buffer.from(bytes).toString('utf8'), source, false);
}

/** A base64-decoded value is a key only if it decodes to a PEM, a JWK or DER; else `undefined`. */
function fromDecoded(decoded: Buffer, source: string): KeyObject | undefined {
  if (decoded[0] === DER_SEQUENCE) return fromDer(decoded, source);
  const text = decoded.toString('utf8');
  if (PEM_BOUNDARY.test(text) || text.trimStart().startsWith('{')) return fromText(text, source, false);
  return undefined;
}

function fromPem(text: string, source: string): KeyObject {
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  const block = blocks.find((b) => b[1]?.endsWith('PRIVATE KEY')) ?? blocks[0];
  if (block === undefined) {
    const lost = /-----BEGIN [A-Z0-9 ]+-----/.test(text)
      ? 'a `-----BEGIN` line without its matching `-----END` line'
      : 'an `-----END` line without its matching `-----BEGIN` line';
    throw keyError(
      'ERR_SSA_KEY_UNRECOGNIZED',
      `${source} has ${lost}: it was probably cut off. ` +
        'In a .env file, put a multi-line PEM in double quotes, or write it on one line with `\\n` escapes.',
    );
  }
  const label = block[1] ?? '';
  const body = block[2] ?? '';
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,\s*ENCRYPTED/i.test(body)) throw encryptedError(source);
  if (label.endsWith('CERTIFICATE')) {
    throw keyError('ERR_SSA_KEY_PUBLIC', `${source} is a certificate, not a private key. Use the private key that Create Key returned. ${LOST_KEY_HINT}`);
  }
  if (label.endsWith('PUBLIC KEY')) throw publicKeyError(source);
  if (label === 'OPENSSH PRIVATE KEY') {
    throw keyError(
      'ERR_SSA_KEY_UNRECOGNIZED',
      `${source} is in OpenSSH format, which is not used by APS. Use the PEM that Create Key returned, or convert an RSA ` +
        'key with `ssh-keygen -p -m PKCS8 -f <file>`.',
    );
  }
  if (label === 'EC PRIVATE KEY' || label === 'DSA PRIVATE KEY') throw notRsaError(source, label.split(' ')[0] ?? label);
  if (label !== 'RSA PRIVATE KEY' && label !== 'PRIVATE KEY') {
    throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `${source} is a PEM block labelled \`${label}\`, not a private key. ${FORMS_HINT}`);
  }

  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw damagedError(source, 'its PEM body is not base64');
  const pem = `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw damagedError(source, 'OpenSSL could not decode its PEM body', cause);
  }
  return checkKeyObject(key, source);
}

function fromDer(der: Buffer, source: string): KeyObject {
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return checkKeyObject(createPrivateKey({ key: der, format: 'der', type }), source);
    } catch (err) {
      if (err instanceof SsaKeyError) throw err;
    }
  }
  if (succeeds(() => new X509Certificate(der))) {
    throw keyError('ERR_SSA_KEY_PUBLIC', `${source} is a certificate, not a private key. ${LOST_KEY_HINT}`);
  }
  // A PKCS#1 `RSA PUBLIC KEY` body is what the public PEM of Create Key's key holds.
  for (const type of ['spki', 'pkcs1'] as const) {
    if (succeeds(() => createPublicKey({ key: der, format: 'der', type }))) throw publicKeyError(source);
  }
  throw damagedError(source, 'it is binary (DER) data that is not a PKCS#1 or PKCS#8 private key');
}

function fromJsonText(text: string, source: string): KeyObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `${source} starts with \`{\` but is not valid JSON, so it is not a JWK. ${FORMS_HINT}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `${source} is JSON but not a JWK object. ${FORMS_HINT}`);
  }
  return fromJwk(parsed as JWK, `${source} (JWK)`);
}

function fromJwk(jwk: JWK, source: string): KeyObject {
  if (typeof jwk.kty !== 'string') {
    throw keyError('ERR_SSA_KEY_UNRECOGNIZED', `${source} has no \`kty\` member, so it is not a JWK. ${FORMS_HINT}`);
  }
  if (jwk.kty !== 'RSA') throw notRsaError(source, JWK_KEY_TYPE.test(jwk.kty) ? jwk.kty : 'of an unknown `kty`');
  if (jwk.d === undefined) throw publicKeyError(source);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    // Node's message can quote a member's value, so it is not kept as the cause.
    throw damagedError(source, 'an RSA private JWK needs the members n, e, d, p, q, dp, dq and qi as base64url strings');
  }
  return checkKeyObject(key, source);
}

function checkKeyObject(key: KeyObject, source: string): KeyObject {
  if (key.type === 'public') throw publicKeyError(source);
  if (key.type !== 'private') throw notRsaError(source, 'symmetric (secret)');
  if (key.asymmetricKeyType !== 'rsa') throw notRsaError(source, describeKeyType(key));
  // Before the size: a damaged modulus can read as a smaller one, and "too small" would mislead.
  if (!signsVerifiably(key)) {
    throw damagedError(source, 'its parts do not fit together (a signature made with it does not verify with its own public key)');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_LENGTH) {
    throw keyError(
      'ERR_SSA_KEY_TOO_SMALL',
      `${source} is a ${bits}-bit RSA key; APS needs at least ${MIN_RSA_MODULUS_LENGTH} bits. Use the key that Create Key returned.`,
    );
  }
  return key;
}

function signsVerifiably(key: KeyObject): boolean {
  if (selfTested.has(key)) return true;
  let verified: boolean;
  try {
    verified = verify('sha256', SELF_TEST_DATA, createPublicKey(key), sign('sha256', SELF_TEST_DATA, key));
  } catch {
    verified = false;
  }
  if (verified) selfTested.add(key);
  return verified;
}

function describeKeyType(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'rsa-pss') return 'RSA-PSS (which cannot sign RS256)';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? type.toUpperCase() : `${type.toUpperCase()} (${curve})`;
}

/** Trims whitespace and one pair of matching quotes (a quoted value copied from a .env or JSON file). */
function unwrap(raw: string): string {
  const trimmed = raw.trim();
  const first = trimmed[0];
  if (trimmed.length >= 2 && (first === '"' || first === "'" || first === '`') && trimmed.endsWith(first)) {
    return trimmed.slice(1, -1).trim();
  }
  return trimmed;
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  // The shortest key-bearing base64 (a JWK or PEM) is far longer; short strings are names or paths.
  if (compact.length < 64 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
}

/** Whether a value may be quoted in a message: one short line with no run of characters that could be key material. */
function isQuotable(text: string): boolean {
  return text.length <= MAX_PATH_LENGTH && !/\p{Cc}/u.test(text) && !KEY_MATERIAL_RUN.test(text);
}

function looksLikePath(text: string): boolean {
  return /^(~|\.{1,2})?[\\/]/.test(text) || /^[A-Za-z]:[\\/]/.test(text) || KEY_FILE_EXTENSION.test(text);
}

function resolvePath(path: string): string {
  return resolve(path.startsWith('~/') || path.startsWith('~\\') ? `${homedir()}${path.slice(1)}` : path);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function requirePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw keyError('ERR_SSA_KEY_FILE', 'No private key file path was given. Pass the path of the PEM file holding the key.');
  }
  return path.trim();
}

function fileLabel(path: string): string {
  return isQuotable(path)
    ? `The private key file \`${resolvePath(path)}\``
    : 'The private key file (its path is not shown: it is too long, or could be key material)';
}

function fileError(path: string, cause: unknown): SsaKeyError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'does not exist (a relative path is resolved from the current directory)'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read: permission denied'
          : `cannot be read (${code ?? 'unknown error'})`;
  if (!isQuotable(path)) {
    // Node's error quotes the path: it is not kept as the cause.
    return keyError('ERR_SSA_KEY_FILE', `${fileLabel(path)} ${why}. If the value is the key itself rather than a path, pass it as the key.`);
  }
  return keyError('ERR_SSA_KEY_FILE', `${fileLabel(path)} ${why}. Check the path and the file's permissions.`, cause);
}

function publicKeyError(source: string): SsaKeyError {
  return keyError(
    'ERR_SSA_KEY_PUBLIC',
    `${source} is a public key, not a private key. Use the private key that Create Key returned. ${LOST_KEY_HINT}`,
  );
}

function notRsaError(source: string, type: string): SsaKeyError {
  return keyError(
    'ERR_SSA_KEY_NOT_RSA',
    `${source} is not an RSA key (it is ${type}). APS service account keys are RSA and assertions are signed with RS256: ` +
      'use the private key that Create Key returned.',
  );
}

function encryptedError(source: string): SsaKeyError {
  return keyError(
    'ERR_SSA_KEY_ENCRYPTED',
    `${source} is encrypted with a passphrase. Decrypt it once (e.g. \`openssl pkey -in encrypted.pem -out key.pem\`), ` +
      'store the decrypted key as a secret, and pass that.',
  );
}

function damagedError(source: string, why: string, cause?: unknown): SsaKeyError {
  return keyError(
    'ERR_SSA_KEY_UNRECOGNIZED',
    `${source} looks like a private key but is damaged: ${why}. Check that it was copied whole. ${FORMS_HINT}`,
    cause,
  );
}

function succeeds(action: () => unknown): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}

function keyError(code: SsaKeyErrorCode, message: string, cause?: unknown): SsaKeyError {
  return new SsaKeyError(code, message, cause === undefined ? undefined : { cause });
}
