import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/store/memory-token-store.js';
import { useEmulator } from './support/setup.js';

const env = useEmulator();

describe('single flight', () => {
  it('makes exactly one exchange for 10,000 concurrent cold callers', async () => {
    const provider = env.provider();
    const tokens = await Promise.all(Array.from({ length: 10_000 }, () => provider.getToken()));
    expect(env.emulator.counters().exchanges).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(new Set(tokens).size).toBe(1); // one frozen AccessToken, shared
    expect(provider.stats).toMatchObject({ exchanges: 1, refreshes: 1, cacheMisses: 10_000, cacheHits: 0 });
  });

  it('hands every caller of one refresh the same promise, and every cache hit the same resolved one', async () => {
    const provider = env.provider();
    const waiting = provider.getToken();
    expect(provider.getToken()).toBe(waiting);
    const token = await waiting;
    const hit = provider.getToken();
    expect(provider.getToken()).toBe(hit);
    expect(hit).not.toBe(waiting);
    expect(await hit).toBe(token);
    expect(provider.stats).toMatchObject({ exchanges: 1, cacheMisses: 2, cacheHits: 2 });
  });

  it('serves later callers from the cache without an exchange', async () => {
    const provider = env.provider();
    const first = await provider.getToken();
    const again = await Promise.all(Array.from({ length: 1_000 }, () => provider.getToken()));
    expect(again.every((t) => t === first)).toBe(true);
    expect(await provider.getAuthorizationHeader()).toBe(`Bearer ${first.accessToken}`);
    expect(env.emulator.counters().exchanges).toBe(1);
    expect(provider.stats).toMatchObject({ exchanges: 1, cacheHits: 1_001, cacheMisses: 1 });
  });

  it('makes one exchange across providers of one identity that share a store', async () => {
    const store = new MemoryTokenStore();
    const a = env.provider({ store });
    const b = env.provider({ store });
    const tokens = await Promise.all(Array.from({ length: 5_000 }, (_, i) => (i % 2 === 0 ? a : b).getToken()));
    expect(env.emulator.counters().exchanges).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(a.stats.exchanges + b.stats.exchanges).toBe(1);
  });

  it('keeps identities (scope sets) in one process apart', async () => {
    const store = new MemoryTokenStore();
    const reader = env.provider({ store, scopes: ['data:read'] });
    const profile = env.provider({ store, scopes: ['user-profile:read'] });
    const [r, p] = await Promise.all([reader.getToken(), profile.getToken()]);
    expect(r.scopes).toEqual(['data:read']);
    expect(p.scopes).toEqual(['user-profile:read']);
    expect(r.accessToken).not.toBe(p.accessToken);
    expect(env.emulator.counters().exchanges).toBe(2);
    expect(store.size).toBe(2);
    expect(reader.identity.scopes).toEqual(['data:read']);
  });
});

describe('a shared store when one sharer closes', () => {
  it('lets the other sharers run their own exchange instead of failing', async () => {
    const store = new MemoryTokenStore();
    const closing = env.provider({ store, timeout: 60_000 });
    const staying = env.provider({ store });
    env.emulator.faults.inject({ kind: 'hang' });
    const abandoned = closing.getToken();
    await expect.poll(() => env.emulator.counters().exchanges).toBe(1);
    const waiting = staying.getToken(); // joins the hung flight of `closing`
    await closing.close();
    await expect(abandoned).rejects.toMatchObject({ code: 'ERR_SSA_CLOSED' });
    const token = await waiting;
    expect(token.scopes).toEqual(env.emulator.seed.scopes);
    expect(staying.stats).toMatchObject({ exchanges: 1, refreshFailures: 0 });
  });
});
