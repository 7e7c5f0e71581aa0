/** What a hidden secret shows as in `JSON.stringify` and `util.inspect` output. */
export const REDACTED = '[redacted]';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Inspect = (value: unknown, options?: object) => string;

/**
 * Builds a frozen object from `fields` in which each name in `secrets` is readable by name but is
 * non-enumerable, and `toJSON()` / `util.inspect` show it as {@link REDACTED}. Non-enumerable, so
 * that `{ ...obj }` or `Object.assign` (as some loggers do with metadata) cannot copy a secret
 * out from under the redaction.
 */
export function redactedObject<T extends object>(name: string, fields: T, secrets: readonly (keyof T & string)[]): Readonly<T> {
  const target = {} as T;
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const secret = (secrets as readonly string[]).includes(key);
    Object.defineProperty(target, key, { value, enumerable: !secret });
    view[key] = secret ? REDACTED : value;
  }
  Object.defineProperties(target, {
    toJSON: { value: () => ({ ...view }) },
    [INSPECT]: { value: (_depth: number, options: object, inspect: Inspect) => `${name} ${inspect(view, options)}` },
  });
  return Object.freeze(target);
}
