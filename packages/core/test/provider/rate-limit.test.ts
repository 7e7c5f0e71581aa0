// The token endpoint's rate-limit headers (`ratelimit-value`, `ratelimit-remaining`, reference §1, §2) reach
// the exchange result, the provider's stats and its `refreshed` event, so users see how close they are to 429.
import { describe, expect, it } from 'vitest';
import { createAssertion, exchangeAssertion } from '../../src/index.js';
import type { RefreshedEvent } from '../../src/index.js';
import { useEmulator } from './support/setup.js';

const LIMIT = 4;
const env = useEmulator({ rateLimit: LIMIT });

describe('rate-limit headers', () => {
  it('are read into the exchange result', async () => {
    const { seed } = env.emulator;
    const exchange = async () =>
      exchangeAssertion({
        baseUrl: env.emulator.url,
        clientId: seed.clientId,
        clientSecret: seed.clientSecret,
        assertion: await createAssertion({ clientId: seed.clientId, serviceAccountId: seed.serviceAccountId, keyId: seed.keyId, privateKey: seed.privateKey, scopes: seed.scopes }),
      });
    expect((await exchange()).rateLimit).toEqual({ limit: LIMIT, remaining: LIMIT - 1 });
    expect((await exchange()).rateLimit).toEqual({ limit: LIMIT, remaining: LIMIT - 2 });
  });

  it("show in the provider's stats and refreshed event, down to a 429's remaining 0", async () => {
    // A client of its own: the emulator's rate-limit window is per client and outlives a test.
    const { emulator } = env;
    const app = emulator.state.createApp({ name: 'rate-limit-app' });
    const account = emulator.state.createServiceAccount({ clientId: app.clientId, name: 'rate-limit-robot' });
    const key = await emulator.state.createKey(account.serviceAccountId);
    const provider = env.provider({
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      serviceAccountId: account.serviceAccountId,
      keyId: key.kid,
      privateKey: key.privateKey,
      scopes: emulator.seed.scopes,
      retry: 1,
      failureCoolDown: 0,
    });
    const events: RefreshedEvent[] = [];
    provider.on('refreshed', (event) => void events.push(event));
    expect(provider.stats.rateLimit).toBeUndefined();

    await provider.getToken();
    expect(provider.stats.rateLimit).toEqual({ limit: LIMIT, remaining: LIMIT - 1 });
    expect(events.at(-1)).toMatchObject({ exchanged: true, rateLimit: { limit: LIMIT, remaining: LIMIT - 1 } });

    env.emulator.setRateLimit(1);
    provider.invalidate();
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
    expect(provider.stats.rateLimit).toEqual({ limit: 1, remaining: 0 });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(provider)).toContain('"rateLimit":{"limit":1,"remaining":0}');
  });
});
