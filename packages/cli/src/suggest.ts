import { closestName } from '@aps-ssa/core/adapter';

/** The candidate closest to `name` (edit distance at most a third of its length, and at least 2), if any. */
export const closest = closestName;

/** ` Did you mean 'x'?`, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const suggestion = closest(name, candidates);
  return suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
}

/**
 * How a message names an argument it did not expect: by its position alone. Only a word of the command line's own
 * (a command or flag name in the wrong place) is ever quoted back; anything else, a typo included, may be a secret
 * pasted one argument off (a 16-character client secret looks like a word) and must not reach a terminal, a CI log or
 * a shell history scraper by way of an error message. A suggestion names the word meant instead.
 *
 * @example
 * ```ts
 * `Unexpected ${describeArgument(3)}.` // "Unexpected argument #3 (not shown: it may be a secret)."
 * ```
 */
export function describeArgument(position: number): string {
  return `argument #${position} (not shown: it may be a secret)`;
}
