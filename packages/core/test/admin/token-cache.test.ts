import { describe, expect, it } from 'vitest';
import { SsaTokenEndpointError } from '../../src/errors.js';
import { adminClient, freshApp, rejection, useAdminEmulator } from './support.js';

const ctx = useAdminEmulator();

/** client_credentials exchanges the emulator answered so far (every outcome). */
function exchanges(): number {
  return Object.values(ctx.emulator.counters()['token:client_credentials']).reduce((sum, n) => sum + n, 0);
}

describe("the admin client's 2-legged token", () => {
  it('is fetched once for many calls, with the four admin scopes', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const before = exchanges();
    for (let i = 0; i < 5; i++) await admin.listServiceAccounts();
    expect(exchanges() - before).toBe(1);
    const issued = emulator.requests().filter((e) => e.endpoint === 'token:client_credentials').at(-1)!.issued!;
    expect([...issued.scopes].sort()).toEqual([
      'application:service_account:read',
      'application:service_account:write',
      'application:service_account_key:read',
      'application:service_account_key:write',
    ]);
  });

  it('is fetched by one request however many calls wait for it (single flight)', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const before = exchanges();
    await Promise.all(Array.from({ length: 8 }, () => admin.listServiceAccounts()));
    expect(exchanges() - before).toBe(1);
    expect(emulator.counters()['get-all-service-accounts'].ok).toBeGreaterThanOrEqual(8);
  });

  it('is replaced shortly before it expires, by the injected clock, without a 401', async () => {
    const { emulator } = ctx;
    let now = Date.now();
    const admin = adminClient(emulator, freshApp(emulator), { clock: { now: () => now } });
    const before = exchanges();
    await admin.listServiceAccounts();
    now += 3599_000 - 90_000; // 90 s left: still served from the cache
    await admin.listServiceAccounts();
    expect(exchanges() - before).toBe(1);
    now += 45_000; // 45 s left: inside the 60 s margin
    const unauthorizedBefore = emulator.counters()['get-all-service-accounts'].unauthorized ?? 0;
    await admin.listServiceAccounts();
    expect(exchanges() - before).toBe(2);
    expect(emulator.counters()['get-all-service-accounts'].unauthorized ?? 0).toBe(unauthorizedBefore);
  });

  it("is judged by the provider's rule (wall and monotonic clocks, the later wins): a wall clock stepped back does not keep it", async () => {
    const { emulator } = ctx;
    const wall = Date.now();
    let monotonic = 0;
    const admin = adminClient(emulator, freshApp(emulator), { clock: { now: () => wall, monotonic: () => monotonic } });
    const before = exchanges();
    await admin.listServiceAccounts();
    const unauthorizedBefore = emulator.counters()['get-all-service-accounts'].unauthorized ?? 0;
    // Two hours pass (the emulator's clock and the monotonic one move), and NTP steps the wall clock back by as much:
    // it reads what it read two hours ago.
    emulator.clock.setOffset(2 * 3600_000);
    monotonic += 2 * 3600_000;
    try {
      await expect(admin.listServiceAccounts()).resolves.toEqual([]);
      // The expired token was replaced before the call, not after APS refused it.
      expect(exchanges() - before).toBe(2);
      expect(emulator.counters()['get-all-service-accounts'].unauthorized ?? 0).toBe(unauthorizedBefore);
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('is dropped and fetched again when APS answers 401, and the call is retried once with it', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    await admin.listServiceAccounts();
    const before = exchanges();
    const unauthorizedBefore = emulator.counters()['get-all-service-accounts'].unauthorized ?? 0;
    // Two hours ahead, the emulator judges the cached token expired, though this machine's clock does not.
    emulator.clock.setOffset(2 * 3600_000);
    try {
      await expect(admin.listServiceAccounts()).resolves.toEqual([]);
      expect(exchanges() - before).toBe(1);
      expect(emulator.counters()['get-all-service-accounts'].unauthorized).toBe(unauthorizedBefore + 1);
      await admin.listServiceAccounts();
      expect(exchanges() - before).toBe(1);
    } finally {
      emulator.clock.setOffset(0);
    }
  });

  it('is not cached when its fetch fails: the next call fetches again', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'token:client_credentials' });
    const error = await rejection(admin.listServiceAccounts());
    expect(error).toBeInstanceOf(SsaTokenEndpointError);
    expect(error.code).toBe('ERR_SSA_SERVER');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /^Could not get the admin API's 2-legged token from http:\/\/127\.0\.0\.1:\d+\/authentication\/v2\/token \(HTTP 503: "Internal server error \(injected by the emulator\)\."\)\. Retry later\. \(x-request-id: [0-9a-f-]{36}\)$/,
    );
    await expect(admin.listServiceAccounts()).resolves.toEqual([]);
  });

  it('asks for narrower scopes when told to, and refuses an invalid list', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator), { scopes: ['application:service_account:read'] });
    await admin.listServiceAccounts();
    expect(emulator.requests().filter((e) => e.endpoint === 'token:client_credentials').at(-1)!.issued!.scopes).toEqual(['application:service_account:read']);
    expect(() => adminClient(emulator, freshApp(emulator), { scopes: [] })).toThrow(/^`scopes`/);
  });
});
