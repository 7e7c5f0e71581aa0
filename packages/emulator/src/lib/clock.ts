/**
 * The emulator's clock: real time plus an adjustable offset, so tests can run the emulator ahead of or behind
 * the client without sleeping. It drives assertion `exp` checks, the `exp` of issued tokens, rate-limit
 * windows and the `Date` response header.
 *
 * @example
 * ```ts
 * emulator.clock.setOffset(10 * 60_000); // the emulator now lives 10 minutes in the future
 * ```
 */
export interface EmulatorClock {
  /** Milliseconds since the epoch, as the emulator sees it. */
  now(): number;
  /** The current offset in milliseconds (positive: ahead of real time). */
  readonly offset: number;
  /** Set the offset in milliseconds; `0` returns to real time. */
  setOffset(ms: number): void;
}

export function createClock(): EmulatorClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    get offset() {
      return offset;
    },
    setOffset(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms)) {
        throw new TypeError(`The clock offset must be a finite number of milliseconds, got ${String(ms)}.`);
      }
      offset = Math.trunc(ms);
    },
  };
}

export function nowSeconds(clock: EmulatorClock): number {
  return Math.floor(clock.now() / 1000);
}
