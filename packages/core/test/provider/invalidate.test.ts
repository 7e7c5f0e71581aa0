import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/store/memory-token-store.js';
import type { InvalidatedEvent } from '../../src/provider/provider-events.js';
import { useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

describe('invalidate()', () => {
  it('drops a rejected token so that the next caller gets a new one', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock });
    const events: InvalidatedEvent[] = [];
    provider.on('invalidated', (event) => events.push(event));
    const first = await provider.getToken();
    time.advance(60_000);
    provider.invalidate(first);
    expect(events).toEqual([{ identity: provider.identity, expiresAt: first.expiresAt }]);
    const second = await provider.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(provider.stats).toMatchObject({ invalidations: 1, exchanges: 2 });
    // Invalidating the replaced token again changes nothing.
    provider.invalidate(first);
    provider.invalidate(first.accessToken);
    expect(await provider.getToken()).toBe(second);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('ignores a 401 on a token issued moments ago: another exchange would not cure it', async () => {
    const provider = env.provider();
    const token = await provider.getToken();
    provider.invalidate(token);
    expect(await provider.getToken()).toBe(token);
    expect(provider.stats.invalidations).toBe(0);
    // Called without a token, it always drops the current one.
    provider.invalidate();
    expect((await provider.getToken()).accessToken).not.toBe(token.accessToken);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('replaces a token in a shared store once, whoever notices first', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const store = new MemoryTokenStore();
    const a = env.provider({ store, clock: time.providerClock });
    const b = env.provider({ store, clock: time.providerClock });
    const first = await a.getToken();
    expect((await b.getToken()).accessToken).toBe(first.accessToken);
    expect(b.stats.exchanges).toBe(0);
    time.advance(60_000);
    a.invalidate(first);
    const fromA = await a.getToken();
    b.invalidate((await b.getToken()).accessToken);
    const fromB = await b.getToken();
    expect(fromB.accessToken).toBe(fromA.accessToken);
    expect(fromA.accessToken).not.toBe(first.accessToken);
    expect(b.stats).toMatchObject({ exchanges: 0, invalidations: 1 });
    expect(env.emulator.counters().exchanges).toBe(2);
  });
});
