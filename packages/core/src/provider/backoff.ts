/**
 * How a token provider retries a failed exchange (network error, timeout, 429, 5xx). Durations in ms.
 *
 * @example
 * ```ts
 * createTokenProvider({ retry: { maxAttempts: 6, baseDelay: 250, maxDelay: 4_000, budget: 15_000 } });
 * ```
 */
export interface RetryPolicy {
  /** Exchanges per refresh, the first included. */
  readonly maxAttempts: number;
  /** The wait before the first retry, in ms; it doubles at each retry. */
  readonly baseDelay: number;
  /** The longest wait between two attempts, in ms (a `Retry-After` may ask for longer). */
  readonly maxDelay: number;
  /** The longest a refresh keeps retrying, in ms, from its first attempt. */
  readonly budget: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential, capped at `maxDelay`,
 * with "equal jitter" (a random half of the step is added to the other half) so that a fleet that
 * failed together does not retry together, yet never retries at once.
 */
export function backoffDelay(retry: number, policy: Pick<RetryPolicy, 'baseDelay' | 'maxDelay'>, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + (step / 2) * random());
}
