import type { ServiceAccountKey } from '@aps-ssa/core/admin';
import { describe, expect, it } from 'vitest';
import { keyRetirement } from './key-retirement.js';

const key = (kid: string, createdAt: string, status: ServiceAccountKey['status'] = 'ENABLED'): ServiceAccountKey => ({
  kid,
  status,
  createdAt: new Date(createdAt),
});

const HOUR = 3600_000;

describe('keyRetirement', () => {
  it('replaces every enabled key older than the newest enabled key, from the newest key’s creation plus the grace', () => {
    const keys = [key('a', '2025-03-26T04:00:00Z'), key('b', '2025-03-26T05:00:00Z'), key('c', '2025-03-26T04:30:00Z'), key('d', '2025-03-26T06:00:00Z', 'DISABLED')];
    const { current, replaced, retireAfter } = keyRetirement(keys, HOUR);
    expect(current?.kid).toBe('b');
    expect(replaced.map((k) => k.kid)).toEqual(['a', 'c']);
    expect(retireAfter).toBe(Date.parse('2025-03-26T06:00:00Z'));
  });

  it('replaces neither of two keys created in the same second, whichever is listed first', () => {
    for (const keys of [
      [key('old', '2025-03-26T04:58:26Z'), key('new', '2025-03-26T04:58:26Z')],
      [key('new', '2025-03-26T04:58:26Z'), key('old', '2025-03-26T04:58:26Z')],
    ]) {
      const { current, replaced } = keyRetirement([key('oldest', '2025-03-26T03:00:00Z'), ...keys], 0);
      expect(current?.kid).toBe(keys[1]!.kid);
      expect(replaced.map((k) => k.kid)).toEqual(['oldest']);
    }
  });

  it('has nothing to retire when no key is enabled', () => {
    expect(keyRetirement([key('a', '2025-03-26T04:00:00Z', 'DISABLED')], HOUR)).toEqual({ current: undefined, replaced: [], retireAfter: 0 });
  });
});
