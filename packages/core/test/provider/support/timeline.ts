import type { Emulator } from '@aps-ssa/emulator';
import { ManualClock } from './manual-clock.js';

/**
 * One time line for the provider and the emulator: `advance(ms)` moves the provider's clock and the
 * emulator's (its tokens' expiry, its `Date` header, its rate-limit window) together, as real time
 * would. `clock` carries timers too, unless `realTimers` is set (then retries sleep in real time:
 * use small retry delays).
 */
export interface Timeline {
  readonly clock: ManualClock;
  /** What to pass as the provider's `clock`. */
  readonly providerClock: { now(): number; monotonic(): number } | ManualClock;
  advance(ms: number): void;
}

export function timeline(emulator: Emulator, options: { realTimers?: boolean } = {}): Timeline {
  const clock = new ManualClock();
  return {
    clock,
    providerClock: options.realTimers === true ? { now: () => clock.now(), monotonic: () => clock.monotonic() } : clock,
    advance(ms) {
      emulator.clock.setOffset(emulator.clock.offset + ms);
      clock.advance(ms);
    },
  };
}

/** Test-friendly retry settings: real-time back-off of a few milliseconds. */
export const FAST_RETRY = { baseDelay: 5, maxDelay: 20 } as const;
