import { SSA_DETAILS } from './admin-errors.js';

/** S1: names are 5..100 characters. */
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
 * S1's rule for `name`: 5..100 characters, alphanumerics and dashes only, at least one alphanumeric; the texts
 * are S3's. (The naming-guidelines page also allows `_` and asks for lowercase [U]; S1 is the spec followed.)
 */
export function checkServiceAccountName(value: unknown): Checked<string> {
  if (value === undefined || value === null || value === '') return fail(SSA_DETAILS.nameEmpty);
  if (typeof value !== 'string') return fail(SSA_DETAILS.nameInvalidCharacters);
  if (value.length < NAME_MIN_LENGTH || value.length > NAME_MAX_LENGTH) return fail(SSA_DETAILS.nameLength);
  if (!/^[A-Za-z0-9-]+$/.test(value)) return fail(SSA_DETAILS.nameInvalidCharacters);
  if (!/[A-Za-z0-9]/.test(value)) return fail(SSA_DETAILS.nameNoAlphanumeric);
  return { ok: true, value };
}

/**
 * S1's rule for `firstName` and `lastName`: 5..100 characters without `%`, `/` or `&#`. Their error texts are
 * not documented [U]: they follow the `name` ones.
 */
export function checkDisplayName(field: 'firstName' | 'lastName', value: unknown): Checked<string> {
  if (value === undefined || value === null || value === '') return fail(`The '${field}' is empty.`);
  const invalid = `The '${field}' contains invalid characters.`;
  if (typeof value !== 'string') return fail(invalid);
  if (value.length < NAME_MIN_LENGTH || value.length > NAME_MAX_LENGTH) {
    return fail(`The length of the '${field}' should be between ${NAME_MIN_LENGTH} and ${NAME_MAX_LENGTH} characters.`);
  }
  if (/[%/]|&#/.test(value)) return fail(invalid);
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
