import { readFileSync } from 'node:fs';
import { SsaSignerError } from '@aps-ssa/core';

/** The environment variable holding the token's user PIN. */
export const PIN_VARIABLE = 'APS_PKCS11_PIN';
/** The environment variable naming a file that holds the token's user PIN (a mounted secret). */
export const PIN_FILE_VARIABLE = 'APS_PKCS11_PIN_FILE';

/** Where a token's user PIN comes from: given, a file, or the environment (in that order). */
export interface TokenPinSource {
  /** The PIN itself. Prefer `pinFile` or the environment: a PIN in code ends up in source control. */
  pin?: string;
  /** A file holding the PIN (one line; the trailing newline is dropped). */
  pinFile?: string;
  /** Where `APS_PKCS11_PIN` / `APS_PKCS11_PIN_FILE` are read when neither `pin` nor `pinFile` is given. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * The token's user PIN, from `pin`, `pinFile`, `APS_PKCS11_PIN` or `APS_PKCS11_PIN_FILE`. No message ever quotes it.
 *
 * @throws {SsaSignerError} `ERR_SSA_SIGNER_SETUP` when none is set, or the file cannot be read.
 */
export function readTokenPin(source: TokenPinSource): string {
  const env = source.env ?? process.env;
  if (source.pin !== undefined) return requirePin(source.pin, 'the `pin` option');
  const file = source.pinFile ?? (env[PIN_FILE_VARIABLE] || undefined);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `The PIN file ${file} cannot be read (${code}). Check the path and its permissions.`);
    }
    return requirePin(text.replace(/\r?\n$/, ''), `the PIN file ${file}`);
  }
  const pin = env[PIN_VARIABLE];
  if (pin !== undefined && pin !== '') return requirePin(pin, PIN_VARIABLE);
  throw new SsaSignerError(
    'ERR_SSA_SIGNER_SETUP',
    `No PIN for the PKCS#11 token: set ${PIN_VARIABLE}, or ${PIN_FILE_VARIABLE} to a file holding it (or pass \`pinFile\`).`,
  );
}

function requirePin(pin: unknown, where: string): string {
  if (typeof pin !== 'string' || pin === '') {
    throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `The PIN from ${where} is empty; it must be the token's user PIN.`);
  }
  return pin;
}
