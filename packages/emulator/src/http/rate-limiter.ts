import type { EmulatorClock } from '../lib/clock.js';

const WINDOW_MS = 60_000;

export interface RateDecision {
  readonly allowed: boolean;
  /** `ratelimit-value`. */
  readonly limit: number;
  /** `ratelimit-remaining`. */
  readonly remaining: number;
  /** Seconds until the window resets, for `Retry-After` (only when refused). */
  readonly retryAfter: number;
}

interface Window {
  start: number;
  used: number;
}

/**
 * Fixed 60-second windows per key (client id + endpoint) on the emulator's clock. APS documents quotas per
 * minute (reference §5) but not the window algorithm [U]; a fixed window opened by the first request is the
 * simplest model whose `Retry-After` is exact.
 */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #clock: EmulatorClock;

  constructor(clock: EmulatorClock) {
    this.#clock = clock;
  }

  take(key: string, limit: number): RateDecision {
    const now = this.#clock.now();
    let window = this.#current(key, now);
    if (!window) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    if (window.used >= limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
      return { allowed: false, limit, remaining: 0, retryAfter };
    }
    window.used++;
    return { allowed: true, limit, remaining: limit - window.used, retryAfter: 0 };
  }

  /** What is left of the key's budget in its current window, without taking any of it. */
  remaining(key: string, limit: number): number {
    const window = this.#current(key, this.#clock.now());
    return window ? Math.max(0, limit - window.used) : limit;
  }

  /** The key's window, unless it has passed; a clock moved backwards (setOffset) also ends it. */
  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    return window && now >= window.start && now < window.start + WINDOW_MS ? window : undefined;
  }
}
