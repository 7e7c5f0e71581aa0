import { SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import type { CreateServiceAccountInput } from './admin-types.js';

const MAX_ID_LENGTH = 256;
const NAME_MIN_LENGTH = 5;
const NAME_MAX_LENGTH = 100;
const ID_PROBLEMS: readonly [RegExp, string][] = [
  [/[/\\]/, 'a slash'],
  [/\.\./, '".."'],
  [/\s/, 'whitespace'],
  [/[\u0000-\u001f\u007f]/, 'a control character'],
];

/**
 * A service account id or key id, checked before it becomes a path segment: ids never contain `/`, `..`,
 * whitespace or control characters, and one that does would address another resource (`../keys`).
 */
export function requireId(value: unknown, option: 'serviceAccountId' | 'keyId'): string {
  const example = option === 'serviceAccountId' ? '6BNJQT7RR7GTJ5QY' : 'c546e44b-4b98-48cc-a4fa-7a3af5289af5';
  if (typeof value !== 'string' || value === '') {
    throw new SsaOptionError(option, `\`${option}\` must be a non-empty string such as ${example}, got ${describeType(value)}.`);
  }
  const problem =
    ID_PROBLEMS.find(([pattern]) => pattern.test(value))?.[1] ?? (value.length > MAX_ID_LENGTH ? `more than ${MAX_ID_LENGTH} characters` : undefined);
  if (problem !== undefined) {
    throw new SsaOptionError(option, `\`${option}\` contains ${problem}; an id is a single path segment such as ${example}. Check where it came from.`);
  }
  return value;
}

/**
 * The Create Service Account body, checked against the rules every source agrees on, so that a typo fails here
 * with a clear message rather than as APS's 400. `_` is let through: S1 allows only letters, digits and dashes,
 * but APS's naming guidelines and its beta examples (`test_service_account`) use underscores, so APS decides.
 */
export function requireAccountInput(input: unknown): CreateServiceAccountInput {
  const where = 'createServiceAccount()';
  requireOptionsObject(input, where);
  rejectUnknownOptions(input, ['name', 'firstName', 'lastName'], where);
  const name = requireText(input['name'], 'name');
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new SsaOptionError('name', "`name` may contain only letters, digits, dashes and underscores (it becomes the local part of the account's email).");
  }
  if (!/[A-Za-z0-9]/.test(name)) throw new SsaOptionError('name', '`name` must contain at least one letter or digit.');
  const firstName = requireText(input['firstName'], 'firstName');
  const lastName = requireText(input['lastName'], 'lastName');
  for (const [option, value] of [['firstName', firstName], ['lastName', lastName]] as const) {
    if (/[%/]|&#/.test(value)) throw new SsaOptionError(option, `\`${option}\` may not contain "%", "/" or "&#".`);
  }
  return { name, firstName, lastName };
}

function requireText(value: unknown, option: 'name' | 'firstName' | 'lastName'): string {
  if (typeof value !== 'string' || value.length < NAME_MIN_LENGTH || value.length > NAME_MAX_LENGTH) {
    const got = typeof value === 'string' ? `${value.length} characters` : describeType(value);
    throw new SsaOptionError(option, `\`${option}\` must be a string of ${NAME_MIN_LENGTH} to ${NAME_MAX_LENGTH} characters, got ${got}.`);
  }
  return value;
}
