/**
 * The token endpoint's rate-limit headers: how many requests the client may send in the current
 * window, and how many are left. APS sends `ratelimit-value` and `ratelimit-remaining` (reference
 * §1, §2: e.g. `10` and `9` on SSA operations, `500`/`499` on the token endpoint); the IETF draft's
 * `ratelimit-limit` is read too.
 *
 * @example
 * ```ts
 * const { rateLimit } = provider.stats;
 * if (rateLimit && rateLimit.remaining < 2) log.warn('close to the APS token rate limit', rateLimit);
 * ```
 */
export interface RateLimit {
  /** Requests allowed in the current window (`ratelimit-value`). */
  readonly limit: number;
  /** Requests left in the current window (`ratelimit-remaining`). */
  readonly remaining: number;
}

/** The headers' {@link RateLimit}, or `undefined` when either is absent or not a whole number. */
export function parseRateLimit(headers: Headers): RateLimit | undefined {
  const limit = wholeNumber(headers.get('ratelimit-value') ?? headers.get('ratelimit-limit'));
  const remaining = wholeNumber(headers.get('ratelimit-remaining'));
  return limit === undefined || remaining === undefined ? undefined : Object.freeze({ limit, remaining });
}

function wholeNumber(value: string | null): number | undefined {
  const text = value?.trim() ?? '';
  // Up to 9 digits: a garbage header cannot make a huge or imprecise number.
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
