// The provider counts token age, refresh points and cool-downs on a monotonic clock: a wall clock
// stepped back an hour (a user, a bad NTP server) must neither get an expired token served nor
// switch off the 401 self-heal, nor stretch a cool-down.
import { describe, expect, it } from 'vitest';
import { createApsClient } from '../../src/client/aps-client.js';
import { revoke } from '@aps-ssa/test-support';
import { useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator();
const HOUR = 3_600_000;

/** Whether APS (the emulator) accepts `accessToken` now. */
async function accepted(accessToken: string): Promise<boolean> {
  const response = await fetch(`${env.emulator.url}/userprofile/v1/users/@me`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.ok;
}

describe('a wall clock stepped back an hour', () => {
  it('does not get an expired token served', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.clock });
    const first = await provider.getToken();

    time.advance(3_599_000 + 60_000); // the token expired a minute ago
    time.clock.stepWall(-HOUR); // ...but by the wall clock it is 59 s old
    expect(await accepted(first.accessToken)).toBe(false);

    const served = await provider.getToken();
    expect(served.accessToken).not.toBe(first.accessToken);
    expect(await accepted(served.accessToken)).toBe(true);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('does not switch off the 401 self-heal (the token is still old enough to drop)', async () => {
    const time = timeline(env.emulator, { realTimers: true });
    const provider = env.provider({ clock: time.providerClock });
    const first = await provider.getToken();
    await revoke(env.emulator, first.accessToken);
    time.advance(10 * 60_000);
    time.clock.stepWall(-HOUR); // by the wall clock, the token is not issued yet

    const aps = createApsClient({ provider, baseUrl: env.emulator.url, ky: { retry: 0 } });
    const me = await aps.get('userprofile/v1/users/@me').json<{ userId: string }>();
    expect(me.userId).toBe(env.emulator.seed.serviceAccountId);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('does not stretch a failure cool-down by an hour', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.clock, failureCoolDown: 60_000 });
    env.emulator.state.setServiceAccountStatus(env.emulator.seed.serviceAccountId, 'DISABLED');
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', retryable: false });
    env.emulator.state.setServiceAccountStatus(env.emulator.seed.serviceAccountId, 'ENABLED');

    time.clock.stepWall(-HOUR);
    time.advance(60_000);
    expect(await accepted((await provider.getToken()).accessToken)).toBe(true);
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('and a wall clock stepped ahead an hour costs one early exchange, then tokens are served again', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.clock });
    const first = await provider.getToken();
    time.clock.stepWall(HOUR);

    const next = await provider.getToken();
    expect(await accepted(next.accessToken)).toBe(true);
    expect((await provider.getToken()).accessToken).toBe(next.accessToken);
    expect(env.emulator.counters().exchanges).toBeLessThanOrEqual(3);
    expect(first.accessToken).not.toBe(next.accessToken);
  });
});
