import { closestName } from '@aps-ssa/core/adapter';

/** The candidate closest to `name` (edit distance at most a third of its length, and at least 2), if any. */
export const closest = closestName;

/** ` Did you mean 'x'?`, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const suggestion = closest(name, candidates);
  return suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
}

// A mistyped command or flag is a short word. Anything else in the wrong place may be a secret pasted one
// argument off (a token, a client secret, a PEM, a base64 key) and must not reach a terminal, a CI log or
// a shell history scraper by way of an error message.
const HARMLESS = /^-{0,2}[A-Za-z][A-Za-z0-9-]{0,23}$/;

/** Whether `argument` is a short word that can be shown in a message (and matched for a suggestion). */
export function isHarmless(argument: string): boolean {
  return HARMLESS.test(argument);
}

/**
 * How a message names an argument it did not expect: `'word'` for a short word, otherwise only its
 * position, as it may be a secret.
 *
 * @example
 * ```ts
 * `Unexpected ${describeArgument(argv[2], 3)}.` // "Unexpected argument #3 (not shown: it may be a secret)."
 * ```
 */
export function describeArgument(argument: string, position: number): string {
  return isHarmless(argument) ? `argument '${argument}'` : `argument #${position} (not shown: it may be a secret)`;
}
