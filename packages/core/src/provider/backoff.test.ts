import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseDelay: 500, maxDelay: 8_000 };

  it('doubles each retry, between half and all of the step (equal jitter)', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([250, 500, 1_000, 2_000]);
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, policy, () => 1))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('never exceeds maxDelay', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(8_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(4_000);
  });

  it('spreads a fleet: different random draws give different delays within the bounds', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
