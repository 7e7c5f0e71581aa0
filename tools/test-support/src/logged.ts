import { inspect } from 'node:util';

/** `util.inspect` and `JSON.stringify` of a value, as a logger would write it. */
export function logged(value: unknown): string {
  return `${inspect(value, { depth: 5, showHidden: true })}\n${JSON.stringify(value)}`;
}
