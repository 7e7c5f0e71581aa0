/** What a hidden secret shows as in `JSON.stringify` and `util.inspect` output. */
export const REDACTED = '[redacted]';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Inspect = (value: unknown, options?: object) => string;

/** The secret field names of each prototype made by {@link redactedPrototype}. */
const SECRETS = new WeakMap<object, readonly string[]>();

/**
 * The prototype of redacted objects named `name`: `toJSON()` and `util.inspect` show every own field,
 * each name in `secrets` as {@link REDACTED}. The view is computed on demand, so that an object (a
 * cached token) holds no copy of its fields and no closures of its own.
 */
export function redactedPrototype(name: string, secrets: readonly string[]): object {
  function view(this: object): Record<string, unknown> {
    const shown: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(this)) {
      shown[key] = secrets.includes(key) ? REDACTED : (this as Record<string, unknown>)[key];
    }
    return shown;
  }
  const prototype = Object.freeze({
    toJSON: view,
    [INSPECT](this: object, _depth: number, options: object, inspect: Inspect): string {
      return `${name} ${inspect(view.call(this), options)}`;
    },
  });
  SECRETS.set(prototype, secrets);
  return prototype;
}

/**
 * Builds a frozen object from `fields` on `prototype` (from {@link redactedPrototype}) in which each
 * secret is readable by name but non-enumerable, and `toJSON()` / `util.inspect` show it as
 * {@link REDACTED}. Non-enumerable, so that `{ ...obj }` or `Object.assign` (as some loggers do with
 * metadata) cannot copy a secret out from under the redaction. Fields that are `undefined` are left out.
 */
export function redactedObject<T extends object>(prototype: object, fields: T): Readonly<T> {
  const secrets = SECRETS.get(prototype);
  if (secrets === undefined) throw new TypeError('redactedObject() takes a prototype made by redactedPrototype().');
  const target = Object.create(prototype) as T;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    Object.defineProperty(target, key, { value, enumerable: !secrets.includes(key) });
  }
  return Object.freeze(target);
}
