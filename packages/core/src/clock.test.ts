import { describe, expect, it } from 'vitest';
import { ManualClock } from '../test/provider/support/manual-clock.js';
import { normalizeClock, sleep, systemClock } from './clock.js';
import { SsaClosedError, SsaOptionError } from './errors.js';

describe('normalizeClock', () => {
  it('uses the system clock by default, whose timers never keep the process alive', () => {
    expect(normalizeClock(undefined)).toBe(systemClock);
    const handle = systemClock.setTimeout(() => undefined, 60_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    systemClock.clearTimeout(handle);
  });

  it('fills in real timers for a clock that only tells the time', () => {
    let now = 1_000;
    const clock = normalizeClock({ now: () => now });
    now = 2_000;
    expect(clock.now()).toBe(2_000);
    expect(clock.monotonic()).toBe(2_000); // no monotonic(): now() counts durations too
    expect(clock.setTimeout).toBe(systemClock.setTimeout);
  });

  it("keeps a clock's own monotonic(), which a wall-clock step does not move", () => {
    const manual = new ManualClock(5_000);
    const clock = normalizeClock(manual);
    manual.stepWall(-3_600_000);
    expect([clock.now(), clock.monotonic()]).toEqual([5_000 - 3_600_000, 5_000]);
    const before = systemClock.monotonic();
    expect(systemClock.monotonic()).toBeGreaterThanOrEqual(before);
  });

  it('uses the given timers', () => {
    const manual = new ManualClock(0);
    const clock = normalizeClock(manual);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    manual.advance(10);
    expect(fired).toBe(true);
  });

  const zero = (): number => 0;
  it.each<[unknown, string]>([
    [null, '`clock` must be an object with a `now()` method returning milliseconds, got null.'],
    [{ now: 5 }, '`clock` must be an object with a `now()` method returning milliseconds, got an object.'],
    [{ now: zero, setTimeout: zero }, '`clock` must have both `setTimeout` and `clearTimeout`, or neither (then real timers are used).'],
    [{ now: zero, setTimeout: 1, clearTimeout: 2 }, '`clock.setTimeout` and `clock.clearTimeout` must be functions.'],
    [{ now: zero, monotonic: 1 }, '`clock.monotonic` must be a function returning milliseconds, got a number.'],
  ])('rejects %j', (clock, message) => {
    const error = (() => {
      try {
        normalizeClock(clock);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option: 'clock', message });
  });
});

describe('sleep', () => {
  it('resolves when the clock reaches the deadline, not before', async () => {
    const manual = new ManualClock(0);
    let done = false;
    const slept = sleep(manual, 500).then(() => (done = true));
    manual.advance(499);
    await Promise.resolve();
    expect(done).toBe(false);
    manual.advance(1);
    await slept;
    expect(done).toBe(true);
  });

  it('rejects with the abort reason and leaves no timer behind', async () => {
    const manual = new ManualClock(0);
    const controller = new AbortController();
    const slept = sleep(manual, 500, controller.signal);
    expect(manual.pending).toBe(1);
    controller.abort(new SsaClosedError());
    await expect(slept).rejects.toMatchObject({ code: 'ERR_SSA_CLOSED' });
    expect(manual.pending).toBe(0);
  });

  it('rejects at once for an already aborted signal', async () => {
    const manual = new ManualClock(0);
    await expect(sleep(manual, 5, AbortSignal.abort(new SsaClosedError()))).rejects.toBeInstanceOf(SsaClosedError);
    expect(manual.pending).toBe(0);
  });
});
