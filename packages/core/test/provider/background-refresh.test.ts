import { describe, expect, it } from 'vitest';
import type { RefreshedEvent } from '../../src/provider/provider-events.js';
import { gatedFetch, useEmulator } from './support/setup.js';
import { FAST_RETRY, timeline, PAST_REFRESH_POINT } from './support/timeline.js';

const env = useEmulator();

describe('refresh ahead, in the background', () => {
  it('serves the cached token without waiting while the refresh exchange is held', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const gate = gatedFetch();
    const provider = env.provider({ clock: time.providerClock, fetch: gate.fetch });
    const refreshed: RefreshedEvent[] = [];
    provider.on('refreshed', (event) => refreshed.push(event));
    const first = await provider.getToken();
    const { refreshAt, expiresAt } = provider.stats;
    // The refresh point lies 5 to 10 minutes before expiry (REFRESH_AHEAD + up to REFRESH_JITTER).
    expect(expiresAt! - refreshAt!).toBeGreaterThanOrEqual(5 * 60_000);
    expect(expiresAt! - refreshAt!).toBeLessThanOrEqual(10 * 60_000);

    time.advance(refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    gate.close();
    const starting = await Promise.all(Array.from({ length: 100 }, () => provider.getToken()));
    await expect.poll(() => gate.waiting).toBe(1);
    const during = await Promise.all(Array.from({ length: 100 }, () => provider.getToken()));
    // Every caller got the still-valid token, before and while the exchange is held at the gate.
    expect([...starting, ...during].every((token) => token === first)).toBe(true);
    expect(provider.stats).toMatchObject({ refreshing: true, cacheHits: 200, cacheMisses: 1, exchanges: 2 });
    expect(refreshed).toHaveLength(1);

    gate.open();
    await expect.poll(() => refreshed.length).toBe(2);
    expect(refreshed[1]).toMatchObject({ exchanged: true, attempts: 1, background: true });
    const second = await provider.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(env.emulator.counters().exchanges).toBe(2);
    expect(provider.stats.refreshing).toBe(false);
  });

  it('keeps serving through a hung refresh exchange, which times out and is retried', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock, timeout: 200, retry: FAST_RETRY });
    const first = await provider.getToken();
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    env.emulator.faults.inject({ kind: 'hang' });
    const refreshed = new Promise<RefreshedEvent>((resolve) => provider.on('refreshed', resolve));
    expect(await provider.getToken()).toBe(first);
    expect(provider.stats.refreshing).toBe(true);
    expect(await provider.getToken()).toBe(first);
    expect(await refreshed).toMatchObject({ background: true, attempts: 2 });
    expect((await provider.getToken()).accessToken).not.toBe(first.accessToken);
    expect(provider.stats).toMatchObject({ exchanges: 3, exchangeFailures: 1, refreshes: 2 });
  });

  it('makes callers wait only when no token has the minimum validity left', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const gate = gatedFetch();
    const provider = env.provider({ clock: time.providerClock, fetch: gate.fetch, minValidity: 30_000 });
    const first = await provider.getToken();
    // 20 s before expiry: valid, but less than minValidity left, so it is not handed out.
    time.advance(first.expiresAt - time.clock.now() - 20_000);
    gate.close();
    let settled = false;
    const waiting = provider.getToken().then((token) => ((settled = true), token));
    await expect.poll(() => gate.waiting).toBe(1);
    expect(settled).toBe(false);
    gate.open();
    const second = await waiting;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(provider.stats).toMatchObject({ cacheMisses: 2, exchanges: 2 });
  });

  it('scales the refresh point to short-lived tokens so that each is used for at least half its life', async () => {
    env.emulator.setTokenLifetime(60);
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock });
    const token = await provider.getToken();
    const { refreshAt, expiresAt } = provider.stats;
    expect(expiresAt).toBe(token.expiresAt);
    // A quarter of 60 s ahead, plus up to another quarter of jitter.
    expect(expiresAt! - refreshAt!).toBeGreaterThanOrEqual(14_000);
    expect(expiresAt! - refreshAt!).toBeLessThanOrEqual(31_000);
    // Minimum validity is scaled too (15 s): with 20 s left the token is still served from the cache.
    time.advance(expiresAt! - time.clock.now() - 20_000);
    expect(await provider.getToken()).toBe(token);
  });
});
