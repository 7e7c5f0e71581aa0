import { describe, expect, it } from 'vitest';
import { SsaAssertionInvalidError, SsaTokenUnavailableError } from '../../src/errors.js';
import type { RefreshFailedEvent } from '../../src/provider/provider-events.js';
import { FAILURE_COOL_DOWN } from '../../src/provider/provider-options.js';
import { useEmulator } from './support/setup.js';
import { timeline, PAST_REFRESH_POINT } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

async function failure(promise: Promise<unknown>): Promise<SsaTokenUnavailableError> {
  const error = await promise.catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SsaTokenUnavailableError);
  return error as SsaTokenUnavailableError;
}

describe('failures retrying cannot fix', () => {
  it('surfaces invalid client credentials at once and does not exchange again within the cool-down', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock, clientSecret: 'not-the-secret' });
    const error = await failure(provider.getToken());
    expect(error).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', retryable: false, cause: { code: 'ERR_SSA_INVALID_CLIENT', status: 401 } });
    expect(error.message).toContain('The token endpoint refused the client credentials (HTTP 401 invalid_credentials');
    expect(error.message).toContain(
      'Retrying cannot fix this, so no exchange is attempted for the next 60 s; fix the configuration (or the service account / key state) meanwhile.',
    );
    for (let i = 0; i < 5; i++) await expect(provider.getToken()).rejects.toMatchObject({ cause: { code: 'ERR_SSA_INVALID_CLIENT' } });
    expect(env.emulator.counters().exchanges).toBe(1);
    expect(time.clock.pending).toBe(0);

    // After the cool-down, one new attempt (a fixed configuration would be picked up).
    time.advance(FAILURE_COOL_DOWN);
    await expect(provider.getToken()).rejects.toMatchObject({ cause: { code: 'ERR_SSA_INVALID_CLIENT' } });
    expect(env.emulator.counters().exchanges).toBe(2);
  });

  it('surfaces a disabled key with the assertion diagnosis, once', async () => {
    env.emulator.state.setKeyStatus(env.emulator.seed.keyId, 'DISABLED');
    const provider = env.provider();
    const error = await failure(provider.getToken());
    expect(error.cause).toBeInstanceOf(SsaAssertionInvalidError);
    expect(error).toMatchObject({ retryable: false, cause: { code: 'ERR_SSA_ASSERTION_INVALID', status: 400, error: 'invalid_grant', issues: [] } });
    expect(error.message).toContain(`APS rejected the assertion (HTTP 400 invalid_grant: "The 'assertion' is invalid.")`);
    expect(error.message).not.toContain("This machine's clock");
    await expect(provider.getToken()).rejects.toMatchObject({ cause: { code: 'ERR_SSA_ASSERTION_INVALID' } });
    await expect(provider.getToken()).rejects.toMatchObject({ cause: { code: 'ERR_SSA_ASSERTION_INVALID' } });
    expect(env.emulator.counters().exchanges).toBe(1);
  });

  it('names an unknown scope as the cause, and ends by pointing at the doctor', async () => {
    const provider = env.provider({ scopes: ['data:read', 'data:raed'] });
    const error = await failure(provider.getToken());
    expect(error).toMatchObject({ cause: { code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause: 'unknown-scope' }] } });
    const { message } = error.cause as SsaAssertionInvalidError;
    expect(message).toContain('The assertion that was sent shows 1 problem(s): The claim scope lists ["data:raed"], which APS does not document');
    expect(message).not.toContain('kid');
    expect(message).toMatch(/ Run `npx aps-ssa doctor` to check the configuration step by step\.$/);
  });

  it('refuses a list of scopes written as one scope before any exchange', () => {
    expect(() => env.provider({ scopes: ['data:read,user-profile:read'] })).toThrow(
      "`scopes`[0] is \"data:read,user-profile:read\", which holds a comma, bracket, quote or space: give each scope as its own array element, e.g. ['data:read', 'user-profile:read'].",
    );
    expect(env.emulator.counters().exchanges).toBe(0);
  });

  it('surfaces a disabled service account', async () => {
    env.emulator.state.setServiceAccountStatus(env.emulator.seed.serviceAccountId, 'DISABLED');
    const provider = env.provider();
    const error = await failure(provider.getToken());
    expect(error).toMatchObject({ retryable: false, cause: { code: 'ERR_SSA_INVALID_GRANT', errorDescription: 'The service account is not currently in an enabled state.' } });
    await expect(provider.getToken()).rejects.toBeInstanceOf(SsaTokenUnavailableError);
    expect(env.emulator.counters().exchanges).toBe(1);
  });

  it('keeps serving a valid token when a background refresh meets a terminal error', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock });
    const failed: RefreshFailedEvent[] = [];
    provider.on('refresh-failed', (event) => failed.push(event));
    const token = await provider.getToken();
    env.emulator.state.setKeyStatus(env.emulator.seed.keyId, 'DISABLED');
    time.advance(provider.stats.refreshAt! - time.clock.now() + PAST_REFRESH_POINT);
    expect(await provider.getToken()).toBe(token);
    await expect.poll(() => failed.length).toBe(1);
    expect(failed[0]).toMatchObject({ retryable: false, attempts: 1, background: true, error: { code: 'ERR_SSA_ASSERTION_INVALID' } });
    for (let i = 0; i < 10; i++) expect(await provider.getToken()).toBe(token);
    expect(env.emulator.counters().exchanges).toBe(2);
    expect(provider.stats.servedStale).toBe(10);
  });
});
