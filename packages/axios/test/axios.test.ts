// A real axios instance with useSsaToken() against a real emulator: the token is added to APS requests, a 401 is
// answered once with a fresh token.
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider, SsaOptionError } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { revoke, useEmulator } from '@aps-ssa/test-support';
import { useSsaToken } from '../src/index.js';

let emulator: Emulator;
useEmulator((started) => (emulator = started));
let provider: TokenProvider;

beforeAll(() => {
  provider = createTokenProvider({ env: emulator.seed.env });
});
afterEach(() => {
  emulator.clock.setOffset(0);
  emulator.resetCounters();
});
afterAll(() => provider.close());

describe('useSsaToken on an axios instance', () => {
  it('a request to APS carries the token (absolute URL, and under baseURL)', async () => {
    const client = axios.create();
    useSsaToken(client, { provider });
    const me = await client.get<{ userId: string }>(`${emulator.url}/userprofile/v1/users/@me`);
    expect(me.data.userId).toBe(emulator.seed.serviceAccountId);
    const based = axios.create({ baseURL: emulator.url });
    useSsaToken(based, { provider });
    expect((await based.get('userprofile/v1/users/@me')).status).toBe(200);
  });

  it('a 401 invalidates the token and the request goes once more with a fresh one', async () => {
    let offset = 0;
    const aged = createTokenProvider({ env: emulator.seed.env, clock: { now: () => Date.now() + offset, monotonic: () => performance.now() + offset } });
    const client = axios.create();
    useSsaToken(client, { provider: aged });
    const token = await aged.getToken();
    await revoke(emulator, token.accessToken);
    // A token the provider judges too young to be the problem is kept: a minute passes, for it and the emulator.
    offset = 60_000;
    emulator.clock.setOffset(60_000);
    emulator.resetCounters();
    const me = await client.get(`${emulator.url}/userprofile/v1/users/@me`);
    expect(me.status).toBe(200);
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1, ok: 1 });
    expect((await aged.getToken()).accessToken).not.toBe(token.accessToken);
    await aged.close();
  });

  it('a 401 that a fresh token cannot fix reaches the caller, after one attempt', async () => {
    const client = axios.create();
    useSsaToken(client, { provider });
    await revoke(emulator, (await provider.getToken()).accessToken);
    const failed = await client.get(`${emulator.url}/userprofile/v1/users/@me`).catch((error: unknown) => error);
    expect(axios.isAxiosError(failed) && failed.response?.status).toBe(401);
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1 });
  });

  it("the caller's own Authorization is sent as it is, and eject() removes the interceptors", async () => {
    const client = axios.create({ validateStatus: () => true });
    const handle = useSsaToken(client, { provider });
    expect((await client.get(`${emulator.url}/userprofile/v1/users/@me`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    handle.eject();
    expect((await client.get(`${emulator.url}/userprofile/v1/users/@me`)).status).toBe(401);
  });

  it('rejects unknown options with a suggestion', () => {
    expect(() => useSsaToken(axios.create(), { provder: provider } as never)).toThrow(SsaOptionError);
    expect(() => useSsaToken(axios.create(), { provder: provider } as never)).toThrow(/provider/);
  });
});
