import { describe, expect, it } from 'vitest';
import { formatDuration, formatIso, formatRelative } from './human-time.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [239, '3m 59s'],
    [3599, '59m 59s'],
    [3600, '1h 0m'],
    [2 * 86400 - 1, '47h 59m'],
    [2 * 86400, '2 days'],
    [59 * 86400, '59 days'],
    [61 * 86400, '2 months'],
    [365.25 * 86400, '1 year'],
    [2 * 365.25 * 86400 + 5, '2 years'],
    [-239, '3m 59s'],
  ])('%d s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('says "in" for the future and "ago" for the past', () => {
    expect(formatRelative(now + 239_000, now)).toBe('in 3m 59s');
    expect(formatRelative(now - 90_000, now)).toBe('1m 30s ago');
    expect(formatRelative(now + 400, now)).toBe('now');
  });

  it('prefixes the past with the given word', () => {
    expect(formatRelative(now - 2 * 365.25 * 86400_000, now, 'expired')).toBe('expired 2 years ago');
    expect(formatRelative(now + 60_000, now, 'expired')).toBe('in 1m 0s');
    expect(formatRelative(now, now, 'expired')).toBe('expired just now');
  });
});

describe('formatIso', () => {
  it('drops the milliseconds of whole seconds only', () => {
    expect(formatIso(1710907100_000)).toBe('2024-03-20T03:58:20Z');
    expect(formatIso(1710907100_250)).toBe('2024-03-20T03:58:20.250Z');
  });
});
