import { describe, expect, it } from 'vitest';
import { SsaTokenUnavailableError } from '../../src/errors.js';
import { useEmulator } from './support/setup.js';

const env = useEmulator({ rateLimit: 0 });
const TEN_MINUTES = 10 * 60_000;

describe('clock skew', () => {
  it.each([
    ['ahead of', TEN_MINUTES],
    ['behind', -TEN_MINUTES],
  ])('obtains tokens from a server whose clock is 10 minutes %s ours, learning the skew from its Date header', async (_way, offset) => {
    env.emulator.clock.setOffset(offset);
    const provider = env.provider();
    const token = await provider.getToken();
    // The first assertion, signed on our clock, is refused; the refusal's Date header fixes the next one.
    expect(env.emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 1, invalid_grant: 1 });
    expect(Math.abs(provider.stats.clockSkew - offset)).toBeLessThan(5_000);
    // Expiry is reported on this machine's clock: about an hour from now, not from the server's now.
    expect(Math.abs(token.expiresAt - (Date.now() + 3_599_000))).toBeLessThan(10_000);

    // Once learned, the skew is used from the first attempt.
    provider.invalidate();
    await provider.getToken();
    expect(env.emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 2, invalid_grant: 1 });
  });

  it('places the refresh point on the server clock', async () => {
    env.emulator.clock.setOffset(TEN_MINUTES);
    const provider = env.provider();
    const token = await provider.getToken();
    const { refreshAt } = provider.stats;
    expect(token.expiresAt - refreshAt!).toBeGreaterThanOrEqual(5 * 60_000);
    expect(token.expiresAt - refreshAt!).toBeLessThanOrEqual(10 * 60_000);
  });

  it('says so when an exchange is refused while the skew is large', async () => {
    env.emulator.clock.setOffset(TEN_MINUTES);
    env.emulator.state.setKeyStatus(env.emulator.seed.keyId, 'DISABLED');
    const provider = env.provider();
    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect(error).toMatchObject({ retryable: false, cause: { code: 'ERR_SSA_ASSERTION_INVALID' } });
    expect((error as Error).message).toMatch(
      /This machine's clock is about 10 min behind the token endpoint's; the assertion's times were corrected for it, but fix the system clock \(NTP\) if refusals persist\.$/,
    );
    // One exchange on our clock, one corrected: then it stops.
    expect(env.emulator.counters().exchanges).toBe(2);
  });
});
