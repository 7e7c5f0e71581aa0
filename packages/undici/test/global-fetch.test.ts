// The global fetch (and undici's own fetch and request) through ssaInterceptor on the global dispatcher, against a
// real emulator: the token is added to APS requests, a 401 is answered once with a fresh token.
import { Agent, fetch as undiciFetch, getGlobalDispatcher, request, setGlobalDispatcher } from 'undici';
import type { Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider, SsaOptionError } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { revoke, useEmulator } from '@aps-ssa/test-support';
import { ssaInterceptor } from '../src/index.js';

let emulator: Emulator;
useEmulator((started) => (emulator = started));
let provider: TokenProvider;
let previous: Dispatcher;
let agent: Agent;

beforeAll(() => {
  provider = createTokenProvider({ env: emulator.seed.env });
  previous = getGlobalDispatcher();
  agent = new Agent();
  setGlobalDispatcher(agent.compose(ssaInterceptor({ provider })));
});
afterEach(() => {
  emulator.clock.setOffset(0);
  emulator.resetCounters();
});
afterAll(async () => {
  setGlobalDispatcher(previous);
  await agent.close();
  await provider.close();
});

describe('ssaInterceptor on the global dispatcher', () => {
  it('a plain global fetch to APS carries the token', async () => {
    const response = await fetch(`${emulator.url}/userprofile/v1/users/@me`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { userId: string }).userId).toBe(emulator.seed.serviceAccountId);
  });

  it("undici's own fetch and request carry it too", async () => {
    expect((await undiciFetch(`${emulator.url}/userprofile/v1/users/@me`)).status).toBe(200);
    const answer = await request(`${emulator.url}/userprofile/v1/users/@me`);
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
  });

  it('a 401 invalidates the token and the request goes once more with a fresh one', async () => {
    const first = await provider.getToken();
    // A token the provider judges too young to be the problem is kept: a minute passes, for it and the emulator.
    let offset = 0;
    const aged = createTokenProvider({ env: emulator.seed.env, clock: { now: () => Date.now() + offset, monotonic: () => performance.now() + offset } });
    const dispatcher = new Agent().compose(ssaInterceptor({ provider: aged }));
    const token = await aged.getToken();
    await revoke(emulator, token.accessToken);
    offset = 60_000;
    emulator.clock.setOffset(60_000);
    emulator.resetCounters();
    const response = await fetch(`${emulator.url}/userprofile/v1/users/@me`, { dispatcher } as RequestInit);
    expect(response.status).toBe(200);
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1, ok: 1 });
    expect((await aged.getToken()).accessToken).not.toBe(token.accessToken);
    expect(first.accessToken).not.toBe(token.accessToken);
    await aged.close();
    await dispatcher.close();
  });

  it('a 401 that a fresh token cannot fix reaches the caller, body included, after one retry at most', async () => {
    const token = await provider.getToken();
    await revoke(emulator, token.accessToken);
    const response = await fetch(`${emulator.url}/userprofile/v1/users/@me`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toBe('');
    expect(emulator.counters().userprofile).toMatchObject({ unauthorized: 1 });
  });

  it("the caller's own Authorization is sent as it is", async () => {
    const response = await fetch(`${emulator.url}/userprofile/v1/users/@me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
  });

  it('rejects unknown options with a suggestion', () => {
    expect(() => ssaInterceptor({ provder: provider } as never)).toThrow(SsaOptionError);
    expect(() => ssaInterceptor({ provder: provider } as never)).toThrow(/provider/);
  });
});
