import { SSA_DETAILS } from './errors.js';

/** S1: names are 5..100 characters (S3's server-to-server table says 64, its on-behalf table 100; S1 wins). */
export const NAME_MIN_LENGTH = 5;
export const NAME_MAX_LENGTH = 100;

/** What a valid request carries, or the 400 `detail` to answer. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

const fail = (detail: string): { ok: false; detail: string } => ({ ok: false, detail });

/** Parses a JSON object body. */
export function parseJsonObject(body: Buffer): Checked<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return fail(SSA_DETAILS.bodyNotJson);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(SSA_DETAILS.bodyNotJson);
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * The characters each field of Create Service Account may hold. S1 describes `name` as "alphanumeric characters and
 * dashes", yet the beta spec's own example is `test_service_account` and the naming guidelines allow `_`
 * (reference §1), so `_` is accepted; `firstName` allows "alphanumeric characters, dashes, and underscores" and
 * `lastName` "only alphanumeric characters and dashes", word for word (S1 `create-service-account-payload`). That
 * also keeps out `%`, `/` and `&#`, which S1 names. "Alphanumeric" is read as ASCII letters and digits [U].
 */
const ALLOWED_CHARACTERS = {
  name: /^[A-Za-z0-9_-]+$/,
  firstName: /^[A-Za-z0-9_-]+$/,
  lastName: /^[A-Za-z0-9-]+$/,
} as const;

/** The fields of a Create Service Account body. */
export type AccountNameField = keyof typeof ALLOWED_CHARACTERS;

/**
 * S1's rules for `name`, `firstName` and `lastName`: 5..100 characters of the field's allowed set, at least one of
 * them a letter or digit. The `name` texts are S3's; the same sentences name the other fields, which APS does not
 * document [U]. A string only: anything else is "invalid characters".
 */
export function checkAccountName(field: AccountNameField, value: unknown): Checked<string> {
  if (value === undefined || value === null || value === '') return fail(`The '${field}' is empty.`);
  const invalid = `The '${field}' contains invalid characters.`;
  if (typeof value !== 'string') return fail(invalid);
  if (value.length < NAME_MIN_LENGTH || value.length > NAME_MAX_LENGTH) {
    return fail(`The length of the '${field}' should be between ${NAME_MIN_LENGTH} and ${NAME_MAX_LENGTH} characters.`);
  }
  if (!ALLOWED_CHARACTERS[field].test(value)) return fail(invalid);
  if (!/[A-Za-z0-9]/.test(value)) return fail(`The '${field}' should contain at least one alpha numeric character.`);
  return { ok: true, value };
}

/** The body of both PATCH operations: `{status: 'ENABLED' | 'DISABLED'}` (S1 `status` schema). */
export function parseStatusBody(body: Buffer): Checked<'ENABLED' | 'DISABLED'> {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return parsed;
  const { status } = parsed.value;
  if (status !== 'ENABLED' && status !== 'DISABLED') return fail(SSA_DETAILS.statusInvalid);
  return { ok: true, value: status };
}
