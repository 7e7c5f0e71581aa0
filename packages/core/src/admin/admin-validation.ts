import { SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import type { CreateServiceAccountInput } from './admin-types.js';

const MAX_ID_LENGTH = 256;
const NAME_MIN_LENGTH = 5;
const NAME_MAX_LENGTH = 100;
// S3's message says 64 for `name`, S1 says 100: the stricter holds, so that a name that passes here passes on APS.
const ACCOUNT_NAME_MAX_LENGTH = 64;
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
 * The Create Service Account body, checked before any request so that a mistake fails here with a clear message
 * rather than as APS's 400. Where the references disagree on `name` (reference §1), the strictest reading holds, as
 * in the emulator's default: 5 to 64 characters (S3), lowercase letters, digits and dashes (S1's letters, digits and
 * dashes; the naming guidelines' lowercase), a letter or digit first and last (the naming guidelines). Each refusal
 * names the rule's reference.
 */
export function requireAccountInput(input: unknown): CreateServiceAccountInput {
  const where = 'createServiceAccount()';
  requireOptionsObject(input, where);
  rejectUnknownOptions(input, ['name', 'firstName', 'lastName'], where);
  const name = requireText(input['name'], 'name', ACCOUNT_NAME_MAX_LENGTH);
  if (!/^[a-z0-9-]+$/.test(name)) {
    throw new SsaOptionError(
      'name',
      "`name` may contain only lowercase letters, digits and dashes (S1 allows letters, digits and dashes, APS's naming " +
        "guidelines only lowercase); it becomes the local part of the account's email.",
    );
  }
  if (!/^[a-z0-9](?:.*[a-z0-9])?$/.test(name)) {
    throw new SsaOptionError('name', "`name` must start and end with a letter or digit (APS's naming guidelines).");
  }
  const firstName = requireText(input['firstName'], 'firstName', NAME_MAX_LENGTH);
  const lastName = requireText(input['lastName'], 'lastName', NAME_MAX_LENGTH);
  for (const [option, value] of [['firstName', firstName], ['lastName', lastName]] as const) {
    if (/[%/]|&#/.test(value)) throw new SsaOptionError(option, `\`${option}\` may not contain "%", "/" or "&#".`);
  }
  return { name, firstName, lastName };
}

function requireText(value: unknown, option: 'name' | 'firstName' | 'lastName', max: number): string {
  if (typeof value !== 'string' || value.length < NAME_MIN_LENGTH || value.length > max) {
    const got = typeof value === 'string' ? `${value.length} characters` : describeType(value);
    // Only `name` has a limit below S1's: say whose it is.
    const reference = max === NAME_MAX_LENGTH ? '' : ` (S3's limit; S1 allows ${NAME_MAX_LENGTH})`;
    throw new SsaOptionError(option, `\`${option}\` must be a string of ${NAME_MIN_LENGTH} to ${max} characters${reference}, got ${got}.`);
  }
  return value;
}
