/** Retries kept short, so that an outage is reported in well under a second. */
export const FAST_FAILURE = { retry: { maxAttempts: 2, baseDelay: 10, maxDelay: 10, budget: 1_000 }, timeout: 2_000 } as const;
