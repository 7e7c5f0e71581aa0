import { describe, expect, it } from 'vitest';
import { SsaTokenUnavailableError } from '../../src/errors.js';
import type { RefreshFailedEvent, ServedStaleEvent } from '../../src/provider/provider-events.js';
import { useEmulator } from './support/setup.js';
import { FAST_RETRY, timeline, PAST_REFRESH_POINT } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

describe('a token endpoint outage', () => {
  it('serves the still-valid token through server errors and resets, and recovers without a restart', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock, retry: FAST_RETRY });
    const failures: RefreshFailedEvent[] = [];
    const stale: ServedStaleEvent[] = [];
    provider.on('refresh-failed', (event) => failures.push(event));
    provider.on('served-stale', (event) => stale.push(event));
    const first = await provider.getToken();

    // The outage starts at the refresh point: 503s.
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    env.emulator.faults.inject({ kind: 'server-error', status: 503, count: 1_000 });
    expect(await provider.getToken()).toBe(first);
    await expect.poll(() => failures.length).toBe(1);
    expect(failures[0]).toMatchObject({
      background: true,
      retryable: true,
      attempts: 4,
      tokenExpiresAt: first.expiresAt,
      error: { code: 'ERR_SSA_SERVER', status: 503 },
    });
    expect(env.emulator.counters().exchanges).toBe(5); // the first token, then 4 attempts
    // The pause before the next refresh starts at retry.maxDelay (20 ms here, with jitter) and doubles per failed refresh.
    const firstPause = provider.stats.nextAttemptAt! - time.clock.now();
    expect(firstPause).toBeGreaterThanOrEqual(10);
    expect(firstPause).toBeLessThanOrEqual(20);

    // Within the back-off no exchange is tried; the token is served and reported stale once.
    expect(await provider.getToken()).toBe(first);
    expect(await provider.getToken()).toBe(first);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ expiresAt: first.expiresAt, error: { code: 'ERR_SSA_SERVER' } });
    expect(provider.stats).toMatchObject({ servedStale: 2, refreshFailures: 1 });
    expect(env.emulator.counters().exchanges).toBe(5);

    // The endpoint now drops connections.
    env.emulator.faults.clear();
    env.emulator.faults.inject({ kind: 'reset', count: 1_000 });
    time.advance(provider.stats.nextAttemptAt! - time.clock.now());
    expect(await provider.getToken()).toBe(first);
    await expect.poll(() => failures.length).toBe(2);
    expect(failures[1]).toMatchObject({ retryable: true, error: { code: 'ERR_SSA_NETWORK' } });
    const secondPause = provider.stats.nextAttemptAt! - time.clock.now();
    expect(secondPause).toBeGreaterThanOrEqual(20);
    expect(secondPause).toBeLessThanOrEqual(40);

    // The endpoint is back: the next call past the back-off refreshes in the background.
    env.emulator.faults.clear();
    time.advance(provider.stats.nextAttemptAt! - time.clock.now());
    const refreshed = new Promise((resolve) => provider.on('refreshed', resolve));
    expect(await provider.getToken()).toBe(first);
    await refreshed;
    const recovered = await provider.getToken();
    expect(recovered.accessToken).not.toBe(first.accessToken);
    expect(provider.stats.nextAttemptAt).toBeUndefined();
  });

  it('fails callers only once no valid token is left, then recovers', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock, retry: FAST_RETRY });
    const first = await provider.getToken();
    env.emulator.faults.inject({ kind: 'server-error', status: 502, count: 1_000 });
    time.advance(first.expiresAt - time.clock.now() + PAST_REFRESH_POINT);

    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect(error).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', retryable: true, cause: { code: 'ERR_SSA_SERVER', status: 502 } });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^No valid APS access token for service account ${env.emulator.seed.serviceAccountId} \\(client ${env.emulator.seed.clientId}\\): ` +
          'The token endpoint failed \\(HTTP 502.*\\); retry later\\..* The token endpoint may recover: the next exchange is allowed in \\d+ s\\.$',
      ),
    );
    const exchanges = env.emulator.counters().exchanges;
    // Within the back-off, callers get the error at once, without hammering the endpoint.
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', cause: { code: 'ERR_SSA_SERVER' } });
    expect(env.emulator.counters().exchanges).toBe(exchanges);

    env.emulator.faults.clear();
    time.advance(provider.stats.nextAttemptAt! - time.clock.now());
    const recovered = await provider.getToken();
    expect(recovered.accessToken).not.toBe(first.accessToken);
    expect(env.emulator.counters().exchanges).toBe(exchanges + 1);
  });

  it('treats responses that are not tokens as failures, keeping the valid token', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock, retry: FAST_RETRY });
    const first = await provider.getToken();
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    env.emulator.faults.inject({ kind: 'html', status: 502 });
    env.emulator.faults.inject({ kind: 'malformed-json' });
    env.emulator.faults.inject({ kind: 'missing-fields', omit: ['access_token'] });
    const failed = new Promise<RefreshFailedEvent>((resolve) => provider.on('refresh-failed', resolve));
    expect(await provider.getToken()).toBe(first);
    // A gateway's HTML 502 and a cut-off body are retried; a well-formed 200 that is not a token is not
    // (retrying will not fix the server).
    expect(await failed).toMatchObject({ attempts: 3, retryable: false, error: { code: 'ERR_SSA_BAD_RESPONSE' } });
    expect(await provider.getToken()).toBe(first);
  });
});
