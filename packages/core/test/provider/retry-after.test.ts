import { describe, expect, it } from 'vitest';
import { SsaTokenEndpointError, SsaTokenUnavailableError } from '../../src/errors.js';
import { MemoryTokenStore } from '../../src/store/memory-token-store.js';
import { MAX_RETRY_AFTER } from '../../src/http/retry-after.js';
import type { StoredToken, TokenStore, TokenStoreRefreshOptions } from '../../src/store/token-store.js';
import { tick, useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator();

describe('Retry-After', () => {
  it('waits as long as a 429 asks before the next attempt, and no less', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock });
    env.emulator.faults.inject({ kind: 'rate-limit', retryAfter: 5 });

    const pending = provider.getToken();
    // The provider is asleep on the clock once the 429 has come back.
    await expect.poll(() => time.clock.pending).toBe(1);
    expect(env.emulator.counters().exchanges).toBe(1);
    expect(time.clock.nextDueAt! - time.clock.now()).toBe(5_000);

    time.advance(4_999);
    await tick();
    expect(time.clock.pending).toBe(1);
    expect(env.emulator.counters().exchanges).toBe(1);

    time.advance(1);
    const token = await pending;
    expect(token.scopes).toEqual(env.emulator.seed.scopes);
    expect(env.emulator.counters().exchanges).toBe(2);
    expect(env.emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 1, 'fault:rate-limit': 1 });
  });

  it('gives up at once when Retry-After exceeds the retry budget, and makes no attempt before it', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock });
    env.emulator.faults.inject({ kind: 'rate-limit', retryAfter: 60 });

    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect(error).toMatchObject({ retryable: true, cause: { code: 'ERR_SSA_RATE_LIMITED', status: 429, retryAfter: 60 } });
    expect((error as Error).message).toContain('The token endpoint may recover: the next exchange is allowed in 60 s.');
    expect(provider.stats.nextAttemptAt! - time.clock.now()).toBe(60_000);
    expect(time.clock.pending).toBe(0);

    time.advance(59_000);
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      message: expect.stringContaining('the next exchange is allowed in 1 s.'),
    });
    expect(env.emulator.counters().exchanges).toBe(1);

    time.advance(1_000);
    await provider.getToken();
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('obeys the real rate limit of the emulator the same way', async () => {
    env.emulator.setRateLimit(1);
    const time = timeline(env.emulator);
    const first = env.provider({ clock: time.providerClock });
    await first.getToken();
    const second = env.provider({ clock: time.providerClock, scopes: ['data:read'] });
    const error = await second.getToken().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', cause: { code: 'ERR_SSA_RATE_LIMITED' } });
    const retryAfter = (error as { cause: { retryAfter: number } }).cause.retryAfter;
    expect(retryAfter).toBeGreaterThan(0);
    expect(second.stats.nextAttemptAt! - time.clock.now()).toBe(retryAfter * 1_000);
    time.advance(retryAfter * 1_000);
    expect((await second.getToken()).scopes).toEqual(['data:read']);
  });

  it('a Retry-After of a day (a proxy in front of APS) delays the next exchange by MAX_RETRY_AFTER only', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock });
    env.emulator.faults.inject({ kind: 'rate-limit', retryAfter: 86_400 });

    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', retryAfter: MAX_RETRY_AFTER, cause: { retryAfter: MAX_RETRY_AFTER } });
    expect(provider.stats.nextAttemptAt! - time.clock.now()).toBe(MAX_RETRY_AFTER * 1000);

    time.advance(MAX_RETRY_AFTER * 1000);
    await provider.getToken();
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it("a failure handed back by the store (another instance's, or a forged record) is clamped too", async () => {
    const time = timeline(env.emulator);
    const forged = new SsaTokenEndpointError('ERR_SSA_RATE_LIMITED', 'The token endpoint is rate-limiting this client.', {
      status: 429,
      retryable: true,
      retryAfter: 99_999_999,
    });
    const provider = env.provider({ clock: time.providerClock, store: new ForgingStore(forged) });

    const failures: unknown[] = [];
    provider.on('refresh-failed', (event) => void failures.push(event.error));
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      retryAfter: MAX_RETRY_AFTER,
      cause: { code: 'ERR_SSA_RATE_LIMITED', retryAfter: MAX_RETRY_AFTER },
    });
    expect(failures).toMatchObject([{ code: 'ERR_SSA_RATE_LIMITED', status: 429, retryAfter: MAX_RETRY_AFTER }]);
    expect(provider.stats.nextAttemptAt! - time.clock.now()).toBe(MAX_RETRY_AFTER * 1000);
    expect(env.emulator.counters().exchanges).toBe(0);

    time.advance(MAX_RETRY_AFTER * 1000);
    await provider.getToken();
    expect(env.emulator.counters().exchanges).toBe(1);
  });

  it('a failure of a subclass of SsaTokenEndpointError is clamped too (a store with its own error class)', async () => {
    class StoreRateLimitError extends SsaTokenEndpointError {}
    const time = timeline(env.emulator);
    const forged = new StoreRateLimitError('ERR_SSA_RATE_LIMITED', 'The shared store says: rate-limited.', { status: 429, retryable: true, retryAfter: 1e9 });
    const provider = env.provider({ clock: time.providerClock, store: new ForgingStore(forged) });

    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      retryAfter: MAX_RETRY_AFTER,
      cause: { code: 'ERR_SSA_RATE_LIMITED', retryAfter: MAX_RETRY_AFTER },
    });
    expect(provider.stats.nextAttemptAt! - time.clock.now()).toBe(MAX_RETRY_AFTER * 1000);

    time.advance(MAX_RETRY_AFTER * 1000);
    await provider.getToken();
    expect(env.emulator.counters().exchanges).toBe(1);
  });
});

/** A shared store whose first refresh hands back a failure record instead of running the exchange (as a Redis writer could). */
class ForgingStore implements TokenStore {
  readonly #memory = new MemoryTokenStore();
  #forged: Error | undefined;

  constructor(forged: Error) {
    this.#forged = forged;
  }

  get(key: string): Promise<StoredToken | undefined> {
    return this.#memory.get(key);
  }

  refresh(key: string, exchange: () => Promise<StoredToken>, options: TokenStoreRefreshOptions): Promise<StoredToken> {
    const forged = this.#forged;
    this.#forged = undefined;
    return forged === undefined ? this.#memory.refresh(key, exchange, options) : Promise.reject(forged);
  }

  delete(key: string): Promise<void> {
    return this.#memory.delete(key);
  }
}
