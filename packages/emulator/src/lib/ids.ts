import { randomInt, randomUUID } from 'node:crypto';

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALPHANUMERIC = `${UPPER_ALPHANUMERIC}abcdefghijklmnopqrstuvwxyz`;

function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** APS client IDs are 32 (or 48) mixed-case alphanumerics. */
export const newClientId = (): string => randomString(32, ALPHANUMERIC);
export const newClientSecret = (): string => randomString(64, ALPHANUMERIC);
/** SA IDs look like `6BNJQT7RR7GTJ5QY`: 16 uppercase alphanumerics (reference §1). */
export const newServiceAccountId = (): string => randomString(16, UPPER_ALPHANUMERIC);
export const newSigningKeyId = (): string => randomString(32, ALPHANUMERIC);
export const newKeyId = (): string => randomUUID();
export const newRequestId = (): string => randomUUID();
