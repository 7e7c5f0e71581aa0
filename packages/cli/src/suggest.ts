import { closestName } from '@aps-ssa/core';

/** The candidate closest to `name` (edit distance at most a third of its length, and at least 2), if any. */
export const closest = closestName;

/** ` Did you mean 'x'?`, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const suggestion = closest(name, candidates);
  return suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
}
