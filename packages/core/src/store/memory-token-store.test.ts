import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { SsaClosedError, SsaOptionError } from '../errors.js';
import { MemoryTokenStore } from './memory-token-store.js';
import type { StoredToken } from './token-store.js';

let serial = 0;
function token(overrides: Partial<StoredToken> = {}): StoredToken {
  serial++;
  return { accessToken: `token-${serial}`, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt: 0, expiresAt: 3_600_000, ...overrides };
}

/** An exchange the test resolves by hand, counting its calls. */
function heldExchange() {
  let release!: (value: StoredToken) => void;
  let fail!: (error: Error) => void;
  const result = new Promise<StoredToken>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  const exchange = { calls: 0, run: () => (exchange.calls++, result), release, fail };
  return exchange;
}

describe('MemoryTokenStore.refresh', () => {
  it('fills an empty slot with one exchange however many ask at once', async () => {
    const store = new MemoryTokenStore();
    const exchange = heldExchange();
    const waiting = Array.from({ length: 100 }, () => store.refresh('k', exchange.run, {}));
    const fresh = token();
    exchange.release(fresh);
    expect(await Promise.all(waiting)).toEqual(Array(100).fill(fresh));
    expect(exchange.calls).toBe(1);
    expect(await store.get('k')).toBe(fresh);
  });

  it('returns the slot without an exchange when someone already replaced the stale token', async () => {
    const store = new MemoryTokenStore();
    const stale = token();
    const current = token();
    await store.refresh('k', async () => current, {});
    const exchange = heldExchange();
    expect(await store.refresh('k', exchange.run, { stale })).toBe(current);
    expect(await store.refresh('k', exchange.run, {})).toBe(current);
    expect(exchange.calls).toBe(0);
  });

  it('replaces the stale token when the slot still holds it', async () => {
    const store = new MemoryTokenStore();
    const stale = token();
    await store.refresh('k', async () => stale, {});
    const fresh = token();
    expect(await store.refresh('k', async () => fresh, { stale })).toBe(fresh);
    expect(await store.get('k')).toBe(fresh);
  });

  it('gives every waiter the exchange error and leaves the slot unchanged', async () => {
    const store = new MemoryTokenStore();
    const stale = token();
    await store.refresh('k', async () => stale, {});
    const exchange = heldExchange();
    const waiting = [store.refresh('k', exchange.run, { stale }), store.refresh('k', exchange.run, { stale })];
    exchange.fail(new Error('endpoint down'));
    for (const result of await Promise.allSettled(waiting)) expect(result).toMatchObject({ status: 'rejected', reason: { message: 'endpoint down' } });
    expect(exchange.calls).toBe(1);
    expect(await store.get('k')).toBe(stale);
    // The failed flight is over: the next refresh exchanges again.
    const fresh = token();
    expect(await store.refresh('k', async () => fresh, { stale })).toBe(fresh);
  });

  it('stops waiting when the signal aborts, without cancelling the flight for others', async () => {
    const store = new MemoryTokenStore();
    const exchange = heldExchange();
    const controller = new AbortController();
    const aborted = store.refresh('k', exchange.run, { signal: controller.signal });
    const other = store.refresh('k', exchange.run, {});
    controller.abort(new SsaClosedError());
    await expect(aborted).rejects.toBeInstanceOf(SsaClosedError);
    const fresh = token();
    exchange.release(fresh);
    expect(await other).toBe(fresh);
    await expect(store.refresh('k', exchange.run, { signal: AbortSignal.abort(new SsaClosedError()) })).rejects.toBeInstanceOf(SsaClosedError);
  });

  it('keeps identities apart', async () => {
    const store = new MemoryTokenStore();
    const a = token();
    const b = token();
    await store.refresh('a', async () => a, {});
    await store.refresh('b', async () => b, {});
    expect(await store.get('a')).toBe(a);
    expect(await store.get('b')).toBe(b);
  });
});

describe('MemoryTokenStore bounds and lifecycle', () => {
  it('drops the least recently used identity beyond maxEntries', async () => {
    const store = new MemoryTokenStore({ maxEntries: 2 });
    await store.refresh('a', async () => token(), {});
    await store.refresh('b', async () => token(), {});
    await store.get('a'); // a is now more recent than b
    await store.refresh('c', async () => token(), {});
    expect(store.size).toBe(2);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('c')).toBeDefined();
  });

  it('with maxEntries 1 (a provider\'s own store) keeps the last identity only, and deletes and closes', async () => {
    const store = new MemoryTokenStore({ maxEntries: 1 });
    const first = token({ accessToken: 'first' });
    await store.refresh('a', async () => first, {});
    expect(await store.get('a')).toBe(first);
    await store.refresh('b', async () => token({ accessToken: 'second' }), {});
    expect(store.size).toBe(1);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('b'))?.accessToken).toBe('second');
    await store.delete('a');
    expect(store.size).toBe(1);
    await store.delete('b');
    expect(store.size).toBe(0);
    await store.refresh('c', async () => token(), {});
    await store.close();
    expect(await store.get('c')).toBeUndefined();
  });

  it('deletes and closes', async () => {
    const store = new MemoryTokenStore();
    await store.refresh('a', async () => token(), {});
    await store.refresh('b', async () => token(), {});
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    await store.close();
    expect(store.size).toBe(0);
  });

  it('never shows a token when logged', async () => {
    const store = new MemoryTokenStore();
    const secret = token({ accessToken: 'eyJ.super-secret-token' });
    await store.refresh('a', async () => secret, {});
    expect(JSON.stringify(store)).toBe('{"size":1,"maxEntries":1000}');
    expect(inspect(store, { showHidden: true, depth: 5 })).not.toContain('super-secret');
  });

  it.each([[0], [1.5], ['10']])('rejects maxEntries %j', (maxEntries) => {
    expect(() => new MemoryTokenStore({ maxEntries: maxEntries as number })).toThrow(SsaOptionError);
    expect(() => new MemoryTokenStore({ maxEntries: maxEntries as number })).toThrow(/^`maxEntries` must be a whole number of at least 1, got /);
  });

  it('rejects unknown options with a suggestion', () => {
    expect(() => new MemoryTokenStore({ maxEntires: 5 } as never)).toThrow(
      'Unknown option `maxEntires` passed to new MemoryTokenStore(). Did you mean `maxEntries`?',
    );
  });
});
