// Behind a proxy: axios routes its own requests by HTTP_PROXY/HTTPS_PROXY/NO_PROXY (proxy-from-env and its own
// NO_PROXY check), core routes the exchange by the same variables (undici's EnvHttpProxyAgent). A real tinyproxy
// process stands between them and the emulator; its log (absolute-form request lines: both send plain-HTTP targets
// that way) says which went through it. Where the two readings of the variables differ, the README says so, and the
// last cases here measure it.
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { startTinyproxy, tinyproxyAvailability, useEmulator, useProxyEnv } from '@aps-ssa/test-support';
import type { Tinyproxy } from '@aps-ssa/test-support';
import { useSsaToken } from '../src/index.js';

const { available } = tinyproxyAvailability();

let emulator: Emulator;
useEmulator((started) => (emulator = started));
const setProxyEnv = useProxyEnv();
let proxy: Tinyproxy;

/** An axios GET of @me with useSsaToken() and a new provider (so one exchange): what went through the proxy. */
async function getMe(): Promise<{ status: number; exchanges: number; me: number }> {
  const exchange = `${emulator.url}/authentication/v2/token`;
  const me = `${emulator.url}/userprofile/v1/users/@me`;
  const [exchangesBefore, meBefore] = [await proxy.requests(exchange), await proxy.requests(me)];
  const provider = createTokenProvider({ env: emulator.seed.env });
  try {
    const client = axios.create();
    useSsaToken(client, { provider });
    const response = await client.get<{ userId: string }>(me);
    expect(response.data.userId).toBe(emulator.seed.serviceAccountId);
    return { status: response.status, exchanges: (await proxy.requests(exchange)) - exchangesBefore, me: (await proxy.requests(me)) - meBefore };
  } finally {
    await provider.close();
  }
}

describe.skipIf(!available)('useSsaToken() on axios, through a real proxy (tinyproxy)', () => {
  beforeAll(async () => {
    proxy = await startTinyproxy();
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('HTTP_PROXY: the axios request and the exchange behind its token both go through the proxy', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    expect(await getMe()).toEqual({ status: 200, exchanges: 1, me: 1 });
  });

  it('NO_PROXY naming the host: both reach it directly', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(await getMe()).toEqual({ status: 200, exchanges: 0, me: 0 });
  });

  it('where they differ: NO_PROXY=localhost bypasses 127.0.0.1 for axios (loopback names are one), not for the exchange', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' });
    expect(await getMe()).toEqual({ status: 200, exchanges: 1, me: 0 });
  });

  it('where they differ: ALL_PROXY routes axios, not the exchange', async () => {
    setProxyEnv({ ALL_PROXY: proxy.url });
    expect(await getMe()).toEqual({ status: 200, exchanges: 0, me: 1 });
  });
});
