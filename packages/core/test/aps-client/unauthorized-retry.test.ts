import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError } from 'ky';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createApsClient } from '../../src/client/aps-client.js';
import { SsaTokenUnavailableError } from '../../src/errors.js';
import { createTokenProvider } from '../../src/provider/token-provider.js';
import type { TokenProvider } from '../../src/provider/token-provider.js';
import { timeline } from '../provider/support/timeline.js';
import { startRecordingServer } from './support/recording-server.js';
import { revoke } from '@aps-ssa/test-support';
import type { RecordingServer } from './support/recording-server.js';

let emulator: Emulator;
let other: RecordingServer;
const providers: TokenProvider[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  other = await startRecordingServer();
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  emulator.clock.setOffset(0);
  emulator.faults.clear();
  emulator.resetCounters();
  other.requests.length = 0;
  other.respond = () => undefined;
});
afterAll(async () => {
  await Promise.all([other.close(), emulator.close()]);
});

function provider(options: Parameters<typeof createTokenProvider>[0] = {}): TokenProvider {
  const created = createTokenProvider({ env: emulator.seed.env, ...options });
  providers.push(created);
  return created;
}

describe('a 401 from APS', () => {
  it('invalidates the token and retries the request once with a fresh one', async () => {
    const time = timeline(emulator, { realTimers: true });
    const tokens = provider({ clock: time.providerClock });
    const aps = createApsClient({ provider: tokens });
    const first = await tokens.getToken();
    await revoke(emulator, first.accessToken);
    time.advance(60_000);

    const me = await aps.get('userprofile/v1/users/@me').json<{ userId: string }>();
    expect(me.userId).toBe(emulator.seed.serviceAccountId);
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1, ok: 1 });
    expect(emulator.counters().exchanges).toBe(2);
    expect((await tokens.getToken()).accessToken).not.toBe(first.accessToken);
  });

  it('retries once only, and not with a token too young to be the problem', async () => {
    const tokens = provider();
    const aps = createApsClient({ provider: tokens, ky: { retry: 0 } });
    const first = await tokens.getToken();
    await revoke(emulator, first.accessToken);
    const error = await aps.get('userprofile/v1/users/@me').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1 });
    expect(emulator.counters().exchanges).toBe(1);
  });

  it('from a host outside the allow-list invalidates nothing', async () => {
    const tokens = provider();
    const aps = createApsClient({ provider: tokens, ky: { retry: 0 } });
    await tokens.getToken();
    other.respond = (_req, res) => void res.writeHead(401).end();
    await expect(aps.get(new URL('/x', other.url))).rejects.toBeInstanceOf(HTTPError);
    expect(other.requests).toMatchObject([{ authorization: undefined }]);
    expect(tokens.stats.invalidations).toBe(0);
  });
});

describe('when no token can be had', () => {
  it('fails the request with the provider error, without sending it and without ky retries', async () => {
    const tokens = provider({ clientSecret: 'wrong' });
    const aps = createApsClient({ provider: tokens });
    await expect(aps.get('userprofile/v1/users/@me')).rejects.toBeInstanceOf(SsaTokenUnavailableError);
    expect(emulator.counters().userprofile).toEqual({ ok: 0, rate_limited: 0 });
    expect(emulator.counters().exchanges).toBe(1);
  });
});
