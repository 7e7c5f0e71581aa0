import { describe, expect, it } from 'vitest';
import { gatedFetch, useEmulator } from './support/setup.js';
import { PAST_REFRESH_POINT, timeline } from './support/timeline.js';

const env = useEmulator();

describe('peek(): the fresh cached token, synchronously', () => {
  it('is undefined with no token, and starts no exchange', () => {
    const provider = env.provider();
    expect(provider.peek()).toBeUndefined();
    expect(provider.stats).toMatchObject({ exchanges: 0, refreshing: false, cacheHits: 0, cacheMisses: 0 });
    expect(env.emulator.counters().exchanges).toBe(0);
  });

  it("returns the very token getToken() resolves to, counted as a cache hit", async () => {
    const provider = env.provider();
    const token = await provider.getToken();
    expect(provider.peek()).toBe(token);
    expect(provider.peek()).toBe(token);
    expect(provider.stats).toMatchObject({ cacheHits: 2, cacheMisses: 1, exchanges: 1 });
  });

  it('past the refresh point, returns the still-valid token and refreshes in the background', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const gate = gatedFetch();
    const provider = env.provider({ clock: time.providerClock, fetch: gate.fetch });
    const first = await provider.getToken();
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    gate.close();
    expect(provider.peek()).toBe(first);
    await expect.poll(() => gate.waiting).toBe(1);
    expect(provider.stats.refreshing).toBe(true);
    gate.open();
    await expect.poll(() => provider.peek() !== first).toBe(true);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('is undefined once the token is too close to expiry, without exchanging', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock });
    await provider.getToken();
    time.advance(provider.stats.expiresAt! - time.clock.now());
    expect(provider.peek()).toBeUndefined();
    expect(provider.stats).toMatchObject({ exchanges: 1, refreshing: false });
  });

  it('is undefined after close()', async () => {
    const provider = env.provider();
    await provider.getToken();
    await provider.close();
    expect(provider.peek()).toBeUndefined();
  });
});
