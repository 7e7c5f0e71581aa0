import { SSA_DETAILS } from './errors.js';

/** S1: names are 5..100 characters; S3's message says 5..64 for `name`, which the strict reading keeps. */
export const NAME_MIN_LENGTH = 5;
export const NAME_MAX_LENGTH = 100;
export const STRICT_NAME_MAX_LENGTH = 64;

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
 * (reference §1), so `_` is accepted (the strict reading refuses it, see below); `firstName` allows "alphanumeric
 * characters, dashes, and underscores" and `lastName` "only alphanumeric characters and dashes", word for word (S1 `create-service-account-payload`). That
 * also keeps out `%`, `/` and `&#`, which S1 names. "Alphanumeric" is read as ASCII letters and digits [U].
 */
const ALLOWED_CHARACTERS = {
  name: /^[A-Za-z0-9_-]+$/,
  firstName: /^[A-Za-z0-9_-]+$/,
  lastName: /^[A-Za-z0-9-]+$/,
} as const;

/** The fields of a Create Service Account body. */
export type AccountNameField = keyof typeof ALLOWED_CHARACTERS;

/** What `strict: false` gives back, said at the end of each strict-only refusal. */
const RELAX = "The emulator's option `strict: false` relaxes this rule.";

/**
 * The strict `name` rules (option `strict`, on by default): where the references conflict (reference §1), the
 * intersection of them all, so that a name that passes here passes on APS. Each refusal keeps S3's sentence and
 * names the reference of the rule.
 */
function checkStrictName(value: string): Checked<string> {
  if (value.length > STRICT_NAME_MAX_LENGTH) {
    return fail(
      `The length of the 'name' should be between ${NAME_MIN_LENGTH} and ${STRICT_NAME_MAX_LENGTH} characters. ` +
        `(S3's limit; S1 allows ${NAME_MAX_LENGTH}. ${RELAX})`,
    );
  }
  const invalid = "The 'name' contains invalid characters.";
  if (!/^[a-z0-9-]+$/.test(value)) {
    return fail(`${invalid} (Only lowercase letters, digits and dashes: S1 allows letters, digits and dashes, APS's naming guidelines only lowercase. ${RELAX})`);
  }
  if (!/^[a-z0-9](?:.*[a-z0-9])?$/.test(value)) {
    return fail(`${invalid} (It must start and end with a letter or digit: APS's naming guidelines. ${RELAX})`);
  }
  return { ok: true, value };
}

/**
 * S1's rules for `name`, `firstName` and `lastName`: 5..100 characters of the field's allowed set, at least one of
 * them a letter or digit; with `strict`, `name` must also pass {@link checkStrictName}. The `name` texts are S3's;
 * the same sentences name the other fields, which APS does not document [U]. A string only: anything else is
 * "invalid characters".
 */
export function checkAccountName(field: AccountNameField, value: unknown, strict: boolean): Checked<string> {
  if (value === undefined || value === null || value === '') return fail(`The '${field}' is empty.`);
  const invalid = `The '${field}' contains invalid characters.`;
  if (typeof value !== 'string') return fail(invalid);
  if (value.length < NAME_MIN_LENGTH || value.length > NAME_MAX_LENGTH) {
    const max = strict && field === 'name' ? STRICT_NAME_MAX_LENGTH : NAME_MAX_LENGTH;
    return fail(`The length of the '${field}' should be between ${NAME_MIN_LENGTH} and ${max} characters.`);
  }
  if (!ALLOWED_CHARACTERS[field].test(value)) return fail(invalid);
  if (!/[A-Za-z0-9]/.test(value)) return fail(`The '${field}' should contain at least one alpha numeric character.`);
  return strict && field === 'name' ? checkStrictName(value) : { ok: true, value };
}

/** The body of both PATCH operations: `{status: 'ENABLED' | 'DISABLED'}` (S1 `status` schema). */
export function parseStatusBody(body: Buffer): Checked<'ENABLED' | 'DISABLED'> {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return parsed;
  const { status } = parsed.value;
  if (status !== 'ENABLED' && status !== 'DISABLED') return fail(SSA_DETAILS.statusInvalid);
  return { ok: true, value: status };
}
