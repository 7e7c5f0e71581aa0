/**
 * The longest wait, in seconds, that a `Retry-After` (from the token endpoint, the admin API, or a
 * failure shared through a token store) can impose. A proxy answering `Retry-After: 99999999`, or
 * a forged failure record in a shared store, must not switch a provider off: past this, the next
 * exchange is tried anyway. Ten minutes is ten times APS's rate-limit window (10 exchanges a minute
 * per client), so an honest `Retry-After` is never cut short, and a longer outage then costs six
 * exchanges an hour.
 *
 * @default 600 (10 min)
 *
 * @example
 * ```ts
 * import { MAX_RETRY_AFTER } from '@aps-ssa/core';
 *
 * const seconds = Math.min(Number(record.retryAfter), MAX_RETRY_AFTER);
 * ```
 */
export const MAX_RETRY_AFTER = 600;

/**
 * `seconds` bounded to 0..{@link MAX_RETRY_AFTER}, rounded up to whole seconds; `undefined` for
 * anything that is not a number (absent, NaN, a string in a forged record).
 *
 * @example
 * ```ts
 * clampRetryAfter(99_999_999); // 600
 * clampRetryAfter(-5); // 0
 * clampRetryAfter(Number.NaN); // undefined
 * ```
 */
export function clampRetryAfter(seconds: unknown): number | undefined {
  if (typeof seconds !== 'number' || Number.isNaN(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER, Math.max(0, Math.ceil(seconds)));
}

/**
 * A `Retry-After` header in seconds, at most {@link MAX_RETRY_AFTER}: delay-seconds, or an HTTP-date
 * taken relative to `reference` (ms since the epoch, the response's `Date` when it has one).
 * `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('7', Date.now()); // 7
 * parseRetryAfter('99999999', Date.now()); // 600 (MAX_RETRY_AFTER)
 * parseRetryAfter(response.headers.get('retry-after'), Date.parse(response.headers.get('date') ?? '') || Date.now());
 * ```
 */
export function parseRetryAfter(value: string | null, reference: number): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return clampRetryAfter(Number(text));
  // Every HTTP-date form has an hh:mm:ss time; Date.parse alone would read "-5" or "x 7" as dates in 2001.
  const date = /\d\d:\d\d:\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : clampRetryAfter((date - reference) / 1000);
}
