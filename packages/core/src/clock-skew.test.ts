import { describe, expect, it } from 'vitest';
import { describeSkew, estimateClockOffset, judgeClockSkew, nextClockOffset } from './clock-skew.js';

describe('nextClockOffset', () => {
  it('stays undefined until a Date header is seen', () => {
    expect(nextClockOffset(undefined, undefined, 0, 10)).toBeUndefined();
    expect(nextClockOffset(undefined, Date.parse('not a date'), 0, 10)).toBeUndefined();
    expect(nextClockOffset(42, undefined, 0, 10)).toBe(42);
  });

  it('estimates server minus local time from the middle of the round trip and the middle of the Date second', () => {
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    // The server says 12:10:00 (anywhere in that second) while this machine went from 12:00:00.000 to 12:00:00.200.
    expect(nextClockOffset(undefined, Date.parse('Thu, 01 Jan 2026 12:10:00 GMT'), local, local + 200)).toBe(10 * 60_000 + 500 - 100);
  });

  it('keeps its estimate while samples agree with it, so rounding does not make it jitter', () => {
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    let offset = nextClockOffset(undefined, Date.parse('Thu, 01 Jan 2026 12:10:00 GMT'), local, local); // the server was in 12:10:00.000-.999
    expect(offset).toBe(10 * 60_000 + 500);
    offset = nextClockOffset(offset, Date.parse('Thu, 01 Jan 2026 12:10:00 GMT'), local + 400, local + 400);
    offset = nextClockOffset(offset, Date.parse('Thu, 01 Jan 2026 12:10:01 GMT'), local + 700, local + 700);
    expect(offset).toBe(10 * 60_000 + 500);
  });

  it('follows a clock that really changed', () => {
    const local = Date.parse('2026-01-01T12:00:00.000Z');
    const offset = nextClockOffset(undefined, Date.parse('Thu, 01 Jan 2026 12:10:00 GMT'), local, local);
    expect(nextClockOffset(offset, Date.parse('Thu, 01 Jan 2026 12:00:05 GMT'), local + 5_000, local + 5_000)).toBe(500);
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
