import { describe, expect, it } from 'vitest';
import { createClock } from '../lib/clock.js';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows `limit` requests per 60 s window per key, on the injected clock', () => {
    const clock = createClock();
    const limiter = new RateLimiter(clock);
    expect([1, 2, 3].map(() => limiter.take('a', 2).allowed)).toEqual([true, true, false]);
    expect(limiter.take('b', 2)).toEqual({ allowed: true, limit: 2, remaining: 1, retryAfter: 0 });
    clock.setOffset(30_000);
    const refused = limiter.take('a', 2);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(20);
    expect(refused.retryAfter).toBeLessThanOrEqual(30);
    clock.setOffset(61_000);
    expect(limiter.take('a', 2)).toEqual({ allowed: true, limit: 2, remaining: 1, retryAfter: 0 });
  });

  it('opens a new window when the clock moves backwards', () => {
    const clock = createClock();
    const limiter = new RateLimiter(clock);
    limiter.take('a', 1);
    expect(limiter.take('a', 1).allowed).toBe(false);
    clock.setOffset(-120_000);
    expect(limiter.take('a', 1).allowed).toBe(true);
  });

  it('remaining() reads a budget without taking from it', () => {
    const clock = createClock();
    const limiter = new RateLimiter(clock);
    expect(limiter.remaining('a', 3)).toBe(3);
    limiter.take('a', 3);
    expect([limiter.remaining('a', 3), limiter.remaining('a', 3)]).toEqual([2, 2]);
    clock.setOffset(61_000);
    expect(limiter.remaining('a', 3)).toBe(3);
  });
});
