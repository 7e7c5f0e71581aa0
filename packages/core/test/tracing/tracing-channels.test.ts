// Tracing with no dependency: getToken, each exchange attempt and each admin call publish on node:diagnostics_channel
// tracing channels, with the identity's key, scopes, outcome, error code, Retry-After and whether a stale token was
// served, and nothing of a token, assertion, key or secret.
import { tracingChannel } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { TRACING_CHANNELS } from '../../src/index.js';
import type { AdminTraceContext, ExchangeTraceContext, GetTokenTraceContext } from '../../src/index.js';
import { createAdminClient } from '../../src/admin/index.js';
import { identityKey } from '../../src/store/identity-key.js';
import { expectNoSecrets } from '../support/secrets.js';
import { useEmulator } from '../provider/support/setup.js';
import { FAST_RETRY, PAST_REFRESH_POINT, timeline } from '../provider/support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

type Event = { channel: string; event: string; context: object; snapshot: Record<string, unknown> };

function record(): { events: Event[]; stop(): void } {
  const events: Event[] = [];
  const unsubscribers = Object.entries(TRACING_CHANNELS).map(([channel, name]) => {
    const handlers = Object.fromEntries(
      (['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const).map((event) => [
        event,
        (context: object) => events.push({ channel, event, context, snapshot: { ...context } }),
      ]),
    ) as Parameters<ReturnType<typeof tracingChannel>['subscribe']>[0];
    const traced = tracingChannel(name);
    traced.subscribe(handlers);
    return () => traced.unsubscribe(handlers);
  });
  return { events, stop: () => unsubscribers.forEach((stop) => stop()) };
}

let recorder: ReturnType<typeof record> | undefined;
afterEach(() => recorder?.stop());

describe('tracing channels', () => {
  it('trace a miss, a hit, a failed background refresh with Retry-After, a stale serve, and admin calls', async () => {
    recorder = record();
    const { events } = recorder;
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock, retry: { ...FAST_RETRY, maxAttempts: 1 } });
    const key = identityKey(provider.identity);

    const first = await provider.getToken();
    await provider.getToken();
    const getTokens = () => events.filter((e) => e.channel === 'getToken' && e.event === 'asyncEnd').map((e) => e.context as GetTokenTraceContext);
    expect(getTokens().map((c) => [c.outcome, c.served, c.servedStale])).toEqual([
      ['success', 'wait', false],
      ['success', 'hit', false],
    ]);
    expect(getTokens()[0]).toMatchObject({ key, identity: provider.identity, expiresAt: first.expiresAt });
    const exchanges = () => events.filter((e) => e.channel === 'exchange' && e.event === 'asyncEnd').map((e) => e.context as ExchangeTraceContext);
    expect(exchanges()).toEqual([
      expect.objectContaining({ key, attempt: 1, outcome: 'success', status: 200, expiresIn: expect.any(Number) }),
    ]);
    expect(exchanges()[0]!.identity.scopes).toEqual(provider.identity.scopes);

    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    env.emulator.faults.inject({ kind: 'rate-limit', retryAfter: 7, count: 1 });
    await provider.getToken(); // a hit that starts a background refresh, refused with 429
    await expect.poll(() => exchanges().length).toBe(2);
    expect(exchanges()[1]).toMatchObject({ outcome: 'failure', status: 429, errorCode: 'ERR_SSA_RATE_LIMITED', retryAfter: 7 });
    expect(events.filter((e) => e.channel === 'exchange' && e.event === 'error')).toHaveLength(1);
    await expect.poll(() => provider.stats.nextAttemptAt).toBeDefined();
    await provider.getToken();
    expect(getTokens().at(-1)).toMatchObject({ outcome: 'success', served: 'stale', servedStale: true });

    const admin = createAdminClient({ baseUrl: env.emulator.url, clientId: env.emulator.seed.clientId, clientSecret: env.emulator.seed.clientSecret });
    await admin.listKeys(env.emulator.seed.serviceAccountId);
    await admin.getServiceAccount('NOSUCHACCOUNT000').catch(() => undefined);
    const admins = events.filter((e) => e.channel === 'admin' && e.event === 'asyncEnd').map((e) => e.context as AdminTraceContext);
    expect(admins).toEqual([
      expect.objectContaining({ method: 'GET', outcome: 'success', operation: expect.stringContaining(env.emulator.seed.serviceAccountId) }),
      expect.objectContaining({ method: 'GET', outcome: 'failure', status: 404, errorCode: 'ERR_SSA_API' }),
    ]);

    // Every event is start … asyncEnd, with error between them on failure, on the same context.
    for (const channel of ['getToken', 'exchange', 'admin']) {
      const starts = events.filter((e) => e.channel === channel && e.event === 'start');
      const ends = events.filter((e) => e.channel === channel && e.event === 'asyncEnd');
      expect(starts.map((e) => e.context)).toEqual(ends.map((e) => e.context));
    }
    expect(events.some((e) => e.event === 'end' || e.event === 'asyncStart')).toBe(false);
    const secrets = [env.emulator.seed.clientSecret, env.emulator.seed.privateKey, first.accessToken, (await provider.getToken()).accessToken];
    for (const { context } of events) expectNoSecrets(context, secrets);
  });

  it('publish nothing once the subscribers are gone', async () => {
    const provider = env.provider();
    await provider.getToken();
    recorder = record();
    recorder.stop();
    await provider.getToken();
    expect(recorder.events).toEqual([]);
  });
});
