import type { Clock } from '../../../src/clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` fires the timers that fall due, in order, each
 * at its own time. Lets tests check that nothing happens before a deadline without sleeping.
 * `stepWall(ms)` moves the wall clock alone (an NTP step): `monotonic()` and the timers ignore it.
 */
export class ManualClock implements Required<Clock> {
  #now: number;
  #wallStep = 0;
  #nextId = 1;
  #timers: Timer[] = [];

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now + this.#wallStep;
  }

  monotonic(): number {
    return this.#now;
  }

  /** Steps the wall clock by `ms` (negative: back), as an NTP correction or a user would. */
  stepWall(ms: number): void {
    this.#wallStep += ms;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** When the next timer falls due, if any. */
  get nextDueAt(): number | undefined {
    return this.#timers[0]?.at;
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const timer = this.#timers[0];
      if (timer === undefined || timer.at > target) break;
      this.#timers.shift();
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = target;
  }
}
