import { SsaOptionError } from './errors.js';

/**
 * The option names of aps-ssa, in one place. The identity fields: what `configFromEnv()`'s overrides, and every
 * option object that describes a service account, take in place of the `APS_*` variables.
 */
export const IDENTITY_OPTIONS = ['clientId', 'clientSecret', 'serviceAccountId', 'keyId', 'privateKey', 'scopes', 'baseUrl'] as const;

/** The options of `createTokenProvider()` (its `TokenProviderOptions`): the identity, where to read the rest, and tuning. */
export const PROVIDER_OPTIONS = [
  ...IDENTITY_OPTIONS,
  'env',
  'refreshAhead',
  'refreshJitter',
  'minValidity',
  'retry',
  'timeout',
  'failureCoolDown',
  'store',
  'clock',
  'fetch',
  'dispatcher',
  'signer',
  'publicKey',
] as const;

/**
 * The keys of `ProviderSourceOptions`: a provider's options, or a `provider` or `registry` to take it from, and the
 * APS `client`'s options. For `rejectUnknownOptions` in framework adapters.
 *
 * @example
 * ```ts
 * rejectUnknownOptions(options, [...PROVIDER_SOURCE_OPTIONS, 'myOwnOption'], 'myAdapter()');
 * ```
 */
export const PROVIDER_SOURCE_OPTIONS: readonly string[] = Object.freeze(['provider', 'registry', 'client', ...PROVIDER_OPTIONS]);

/**
 * Throws {@link SsaOptionError} for the first key of `options` that is not in `known`, suggesting
 * the closest known key ("Did you mean `scopes`?"). `where` names the call, e.g. `createAssertion()`.
 * Exported so that every aps-ssa package validates its options the same way.
 *
 * @example
 * ```ts
 * rejectUnknownOptions({ scope: [] }, ['scopes', 'provider'], 'ssaTokenMiddleware()');
 * // SsaOptionError: Unknown option `scope` passed to ssaTokenMiddleware(). Did you mean `scopes`?
 * ```
 */
export function rejectUnknownOptions(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    const hint = suggestion === undefined ? ` Known options: ${known.map((k) => `\`${k}\``).join(', ')}.` : ` Did you mean \`${suggestion}\`?`;
    throw new SsaOptionError(key, `Unknown option \`${key}\` passed to ${where}.${hint}`);
  }
}

/**
 * Throws {@link SsaOptionError} unless `options` is an object (not null, not an array).
 *
 * @example
 * ```ts
 * requireOptionsObject(options, 'ssaTokenMiddleware()');
 * ```
 */
export function requireOptionsObject(options: unknown, where: string): asserts options is Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SsaOptionError('options', `${where} expects an options object, got ${describeType(options)}.`);
  }
}

/**
 * The known name closest to `name` (case-insensitive edit distance of at most a third of its length), if any:
 * the "Did you mean" of every aps-ssa option and command-line error.
 *
 * @example
 * ```ts
 * closestName('scope', ['scopes', 'provider']); // 'scopes'
 * ```
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Whether `value` is an object with a function under each of `methods`: how a store or provider given by a caller is recognised. */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/**
 * A short, secret-free description of a value's type for error messages (never the value itself).
 *
 * @example
 * ```ts
 * describeType('s3cret'); // 'a string'
 * ```
 */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
