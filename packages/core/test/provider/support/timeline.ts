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

/**
 * How far past a refresh point a test moves the clock, in ms. The provider learns the endpoint's clock from
 * whole-second `Date` headers; this test clock stands still while the emulator's runs in real time, so each response
 * may move the estimate (and the refresh point as `stats` shows it in local time) by up to about a second. A test
 * that lands 1 ms past the refresh point can then find itself before it again on a loaded machine.
 */
export const PAST_REFRESH_POINT = 2_000;

/** Test-friendly retry settings: real-time back-off of a few milliseconds. */
export const FAST_RETRY = { baseDelay: 5, maxDelay: 20 } as const;
