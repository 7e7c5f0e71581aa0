import { EmulatorOptionError } from '../errors.js';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Throws on the first key of `input` not in `known`, suggesting the closest known key. */
export function rejectUnknownKeys(input: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const best = known.reduce((a, b) => (distance(key, a) <= distance(key, b) ? a : b));
    const hint = distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` Did you mean \`${best}\`?` : '';
    throw new EmulatorOptionError(`Unknown ${what}: \`${key}\`.${hint} Known: ${known.join(', ')}.`);
  }
}

export function requireInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new EmulatorOptionError(`\`${name}\` must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return value;
}
