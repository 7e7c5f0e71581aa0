import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expectNoSecrets } from '../support/secrets.js';
import type { TokenProviderEvent, TokenProviderEventMap } from '../../src/provider/provider-events.js';
import { useEmulator } from './support/setup.js';
import { FAST_RETRY, timeline, PAST_REFRESH_POINT } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

describe('observability without secrets', () => {
  it('reports events, counters and state, none of which carries a token, assertion, key or secret', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const assertions: string[] = [];
    // Records each assertion sent (to check that none leaks), then sends the request to the emulator as is.
    const recording: typeof fetch = async (input, init) => {
      const body = await (input as Request).clone().text();
      assertions.push(new URLSearchParams(body).get('assertion') ?? '');
      return fetch(input, init);
    };
    const provider = env.provider({ clock: time.providerClock, retry: FAST_RETRY, fetch: recording });
    const seen: { event: TokenProviderEvent; payload: TokenProviderEventMap[TokenProviderEvent] }[] = [];
    for (const event of ['refreshed', 'refresh-failed', 'served-stale', 'invalidated'] as const) {
      provider.on(event, (payload) => seen.push({ event, payload }));
    }
    const first = await provider.getToken();
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    env.emulator.faults.inject({ kind: 'server-error', status: 500, count: 4 });
    await provider.getToken();
    await expect.poll(() => seen.length).toBe(2);
    await provider.getToken(); // served stale
    time.advance(provider.stats.nextAttemptAt! - time.clock.now());
    await provider.getToken(); // the endpoint is back: a background refresh
    await expect.poll(() => seen.length).toBe(4);
    time.advance(60_000);
    provider.invalidate(await provider.getToken());
    const last = await provider.getToken();

    expect(seen.map((s) => s.event)).toEqual(['refreshed', 'refresh-failed', 'served-stale', 'refreshed', 'invalidated', 'refreshed']);
    expect(provider.stats).toMatchObject({
      exchanges: 7,
      exchangeFailures: 4,
      refreshes: 3,
      refreshFailures: 1,
      cacheMisses: 2,
      servedStale: 1,
      invalidations: 1,
      refreshing: false,
    });
    expect(provider.stats.cacheHits).toBeGreaterThanOrEqual(4);

    expect(assertions).toHaveLength(7);
    const secrets = [
      env.emulator.seed.clientSecret,
      env.emulator.seed.privateKey.replace(/-----[A-Z ]+-----|\s/g, ''),
      first.accessToken,
      last.accessToken,
      ...assertions,
    ];
    expectNoSecrets(seen, secrets);
    expectNoSecrets(provider, secrets);
    expectNoSecrets(provider.stats, secrets);
    expect(JSON.parse(JSON.stringify(provider))).toEqual({ identity: { ...provider.identity }, stats: { ...provider.stats }, closed: false });
    expect(inspect(provider)).toMatch(/^TokenProvider \{\n {2}identity: \{/);
  });

  it('keeps secrets out of the errors callers get', async () => {
    const provider = env.provider({ clientSecret: 'wrong-secret-that-must-not-leak-anywhere' });
    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
    expectNoSecrets(error, ['wrong-secret-that-must-not-leak-anywhere', env.emulator.seed.privateKey.replace(/-----[A-Z ]+-----|\s/g, '')]);
  });
});
