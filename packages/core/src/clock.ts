import { SsaOptionError } from './errors.js';
import { describeType } from './options.js';

/**
 * Where a token provider reads the time and schedules its waits (retry back-off). Inject one to
 * test expiry and refresh without sleeping: `now()` alone moves the provider's idea of the time,
 * and `setTimeout`/`clearTimeout` (give both or neither) let a test fire the waits as well.
 * Without them, waits use real timers that never keep the process alive.
 *
 * Token age, refresh points and cool-downs are measured on `monotonic()`, which a wall-clock step
 * (NTP, a user, a resumed VM) does not move; `now()` is read only where a wall time is needed (the
 * assertion's `iat`/`exp`, comparing with a response's `Date`). A clock without `monotonic` uses
 * `now` for both, which is what a test clock that only moves forward wants.
 *
 * @example
 * ```ts
 * let now = Date.now();
 * const provider = createTokenProvider({ clock: { now: () => now } });
 * now += 55 * 60_000; // 55 minutes later: the next getToken() starts a background refresh
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch (the wall clock). */
  now(): number;
  /**
   * Milliseconds from any fixed origin, never going back and unmoved by wall-clock steps.
   *
   * @default `performance.now()` for {@link systemClock}; `now()` for a clock that does not have it
   */
  monotonic?(): number;
  /** Calls `callback` once, `ms` milliseconds from now; returns a handle for `clearTimeout`. */
  setTimeout?(callback: () => void, ms: number): unknown;
  /** Cancels a wait scheduled with this clock's `setTimeout`. */
  clearTimeout?(handle: unknown): void;
}

/** A clock whose three members are all present. */
export type FullClock = Required<Clock>;

/**
 * The real clock: `Date.now()`, `performance.now()` for durations, and timers that are unref'd so
 * that a pending wait never keeps the process from exiting.
 *
 * @example
 * ```ts
 * createTokenProvider({ clock: systemClock }); // the same as leaving `clock` out
 * ```
 */
export const systemClock: FullClock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms).unref(),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout),
});

/** Validates a clock option and fills in real, unref'd timers when it brings only `now`. */
export function normalizeClock(clock: unknown): FullClock {
  if (clock === undefined) return systemClock;
  if (typeof clock !== 'object' || clock === null || typeof (clock as Clock).now !== 'function') {
    throw new SsaOptionError('clock', `\`clock\` must be an object with a \`now()\` method returning milliseconds, got ${describeType(clock)}.`);
  }
  const { setTimeout: set, clearTimeout: clear, monotonic } = clock as Clock;
  if (monotonic !== undefined && typeof monotonic !== 'function') {
    throw new SsaOptionError('clock', `\`clock.monotonic\` must be a function returning milliseconds, got ${describeType(monotonic)}.`);
  }
  if ((set === undefined) !== (clear === undefined)) {
    throw new SsaOptionError('clock', '`clock` must have both `setTimeout` and `clearTimeout`, or neither (then real timers are used).');
  }
  if (set !== undefined && (typeof set !== 'function' || typeof clear !== 'function')) {
    throw new SsaOptionError('clock', '`clock.setTimeout` and `clock.clearTimeout` must be functions.');
  }
  const source = clock as Clock;
  return {
    now: () => source.now(),
    monotonic: monotonic === undefined ? () => source.now() : () => source.monotonic!(),
    setTimeout: set === undefined ? systemClock.setTimeout : (callback, ms) => source.setTimeout!(callback, ms),
    clearTimeout: clear === undefined ? systemClock.clearTimeout : (handle) => source.clearTimeout!(handle),
  };
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason (and clears the timer) when it aborts. */
export function sleep(clock: FullClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
