import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER, clampRetryAfter, parseRetryAfter } from './retry-after.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7],
    ['0', 0],
    [' 7 ', 7],
    ['\t12\t', 12],
    ['600', 600],
    ['601', MAX_RETRY_AFTER],
    ['99999999999999999999', MAX_RETRY_AFTER],
  ])('reads delay-seconds %j as %i s', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([
    ['an IMF-fixdate 90 s ahead', 'Mon, 07 Dec 2026 12:01:30 GMT', 90],
    ['a date 1.2 s ahead, rounded up', new Date(NOW + 1_200).toUTCString(), 1],
    ['a date in the past', 'Mon, 07 Dec 2026 11:00:00 GMT', 0],
    ['a date an hour ahead, capped', 'Mon, 07 Dec 2026 13:00:00 GMT', MAX_RETRY_AFTER],
    ['a date with spaces around it', '  Mon, 07 Dec 2026 12:00:10 GMT  ', 10],
    ['an RFC 850 date', 'Monday, 07-Dec-26 12:00:20 GMT', 20],
    ['an asctime date', 'Mon Dec  7 12:00:30 2026', 30],
  ])('reads %s', (_what, value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it('takes a date relative to the reference given (the response Date), not to this machine clock', () => {
    expect(parseRetryAfter('Mon, 07 Dec 2026 12:01:30 GMT', NOW + 30_000)).toBe(60);
  });

  it.each([null, '', '   ', 'soon', '7s', 'a7', '1e3', '-5', '+5', '7.5', 'x 7', '12 13', '0x10', 'Mon, 07 Dec 2026 12:01 GMT', 'Mon, 07 Dec 2026 99:99:99 GMT'])('reads nothing from %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('clampRetryAfter', () => {
  it.each([
    [7, 7],
    [1.2, 2],
    [0, 0],
    [-5, 0],
    [600, 600],
    [600.5, MAX_RETRY_AFTER],
    [1e9, MAX_RETRY_AFTER],
    [Number.POSITIVE_INFINITY, MAX_RETRY_AFTER],
  ])('bounds %d to %d', (seconds, bounded) => {
    expect(clampRetryAfter(seconds)).toBe(bounded);
  });

  it.each([Number.NaN, '7', null, undefined, {}])('ignores %j, which is not a number', (value) => {
    expect(clampRetryAfter(value)).toBeUndefined();
  });

  it('is ten minutes', () => {
    expect(MAX_RETRY_AFTER).toBe(600);
  });
});
