import { describe, expect, it } from 'vitest';
import { ClockSkew, describeSkew, estimateClockOffset, judgeClockSkew } from './clock-skew.js';

describe('ClockSkew', () => {
  it('is zero until a Date header is seen', () => {
    const skew = new ClockSkew();
    skew.observe(null, 0, 10);
    skew.observe('not a date', 0, 10);
    expect(skew.offset).toBe(0);
    expect(skew.observed).toBe(false);
  });

  it('estimates server minus local time from the middle of the round trip and the middle of the Date second', () => {
    const skew = new ClockSkew();
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    // The server says 12:10:00 (anywhere in that second) while this machine went from 12:00:00.000 to 12:00:00.200.
    skew.observe('Thu, 01 Jan 2026 12:10:00 GMT', local, local + 200);
    expect(skew.offset).toBe(10 * 60_000 + 500 - 100);
    expect(skew.observed).toBe(true);
  });

  it('keeps its estimate while samples agree with it, so rounding does not make it jitter', () => {
    const skew = new ClockSkew();
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    skew.observe('Thu, 01 Jan 2026 12:10:00 GMT', local, local); // the server was in 12:10:00.000-.999
    expect(skew.offset).toBe(10 * 60_000 + 500);
    skew.observe('Thu, 01 Jan 2026 12:10:00 GMT', local + 400, local + 400);
    skew.observe('Thu, 01 Jan 2026 12:10:01 GMT', local + 700, local + 700);
    expect(skew.offset).toBe(10 * 60_000 + 500);
  });

  it('follows a clock that really changed', () => {
    const skew = new ClockSkew();
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    skew.observe('Thu, 01 Jan 2026 12:10:00 GMT', local, local);
    skew.observe('Thu, 01 Jan 2026 12:00:05 GMT', local + 5_000, local + 5_000);
    expect(skew.offset).toBe(500);
  });
});

describe('describeSkew', () => {
  it('says which way and by how much', () => {
    expect(describeSkew(600_000)).toBe('about 10 min behind');
    expect(describeSkew(-45_000)).toBe('about 45 s ahead of');
  });
});

describe('estimateClockOffset', () => {
  it('takes the middle of what one Date header allows', () => {
    const date = 'Wed, 15 Jan 2026 12:00:00 GMT';
    const server = Date.parse(date);
    // Sent 10 s before the server's second began, received 200 ms later: the offset lies in [server − (sent + 200), server + 1000 − sent].
    expect(estimateClockOffset(date, server - 10_000, server - 9_800)).toBe(10_400);
    expect(estimateClockOffset(null, 0, 1)).toBeUndefined();
    expect(estimateClockOffset('not a date', 0, 1)).toBeUndefined();
  });
});

describe('judgeClockSkew', () => {
  it('refuses past 60 s ahead or 240 s behind, and notes 30 s either way', () => {
    expect([-61_000, -60_000, -30_000, -29_000, 0, 29_000, 30_000, 240_000, 241_000].map(judgeClockSkew)).toEqual([
      'refused',
      'notable',
      'notable',
      'ok',
      'ok',
      'ok',
      'notable',
      'notable',
      'refused',
    ]);
    expect(describeSkew(400)).toBe('within a second of');
  });
});
