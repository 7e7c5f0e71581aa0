// Behind a proxy: ssaInterceptor() composed on undici's EnvHttpProxyAgent (the README's "Behind a proxy"), with a real
// tinyproxy process as HTTP_PROXY. Its own log shows that the APS request and the provider's exchange both went
// through it, that NO_PROXY sends both around it, and the origin-attack cases show that the token still goes only to
// the APS origin when every request, redirect hops included, goes through the proxy.
// The two routes log differently: EnvHttpProxyAgent tunnels by default, plain HTTP included (`CONNECT host:port`, one
// per connection: the proxy sees no path), while core's exchange sends plain-HTTP targets in absolute form
// (`POST http://host:port/authentication/v2/token`), as curl does.
import { EnvHttpProxyAgent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import type { Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { describeOriginAttacks, startTinyproxy, tinyproxyAvailability, useEmulator, useProxyEnv } from '@aps-ssa/test-support';
import type { Tinyproxy } from '@aps-ssa/test-support';
import { ssaInterceptor } from '../src/index.js';

const { available } = tinyproxyAvailability();

let emulator: Emulator;
useEmulator((started) => (emulator = started));
const setProxyEnv = useProxyEnv();
let proxy: Tinyproxy;
let previous: Dispatcher;

/** `fetch(@me)` with the README's global dispatcher (built after the variables are set: it reads HTTP_PROXY once). */
async function fetchMeThroughGlobalDispatcher(): Promise<{ status: number; exchanges: number; tunnels: number }> {
  const provider = createTokenProvider({ env: emulator.seed.env });
  const agent = new EnvHttpProxyAgent();
  setGlobalDispatcher(agent.compose(ssaInterceptor({ provider })));
  const tunnel = new URL(emulator.url).host;
  const exchangesBefore = await proxy.requests(`${emulator.url}/authentication/v2/token`);
  const tunnelsBefore = await proxy.requests(tunnel);
  try {
    const response = await fetch(`${emulator.url}/userprofile/v1/users/@me`);
    const body = (await response.json()) as { userId?: string };
    if (response.status === 200) expect(body.userId).toBe(emulator.seed.serviceAccountId);
    return {
      status: response.status,
      exchanges: (await proxy.requests(`${emulator.url}/authentication/v2/token`)) - exchangesBefore,
      tunnels: (await proxy.requests(tunnel)) - tunnelsBefore,
    };
  } finally {
    setGlobalDispatcher(previous);
    await agent.close();
    await provider.close();
  }
}

describe.skipIf(!available)('ssaInterceptor() on EnvHttpProxyAgent, through a real proxy (tinyproxy)', () => {
  beforeAll(async () => {
    proxy = await startTinyproxy();
    previous = getGlobalDispatcher();
  });
  afterEach(() => setGlobalDispatcher(previous));
  afterAll(async () => {
    await proxy?.close();
  });

  it('HTTP_PROXY: the global fetch to APS and the exchange behind its token both go through the proxy', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    expect(await fetchMeThroughGlobalDispatcher()).toEqual({ status: 200, exchanges: 1, tunnels: 1 });
  });

  it('NO_PROXY: a listed host is reached directly, by the request and by the exchange', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(await fetchMeThroughGlobalDispatcher()).toEqual({ status: 200, exchanges: 0, tunnels: 0 });
  });
});

describe.skipIf(!available)('through the proxy (HTTP_PROXY, EnvHttpProxyAgent), the origin-attack cases', () => {
  let attacked: Tinyproxy | undefined;
  let receivers: { aps: string; others: string[] } | undefined;
  beforeAll(async () => {
    attacked = await startTinyproxy();
  });
  afterAll(async () => {
    await attacked?.close();
  });

  if (available) {
    describeOriginAttacks(
      'the token still reaches the APS base URL and nothing else',
      ({ provider, aps, otherAddress, otherPort }) => {
        receivers = { aps: `127.0.0.1:${aps.port}`, others: [`127.0.0.2:${otherAddress.port}`, `127.0.0.1:${otherPort.port}`] };
        const saved = process.env.HTTP_PROXY;
        process.env.HTTP_PROXY = attacked!.url;
        const before = getGlobalDispatcher();
        const agent = new EnvHttpProxyAgent();
        setGlobalDispatcher(agent.compose(ssaInterceptor({ provider, baseUrl: aps.url })));
        return {
          async send(path, init) {
            return (await fetch(`${aps.url}/${path}`, { signal: AbortSignal.timeout(30_000), ...init })).arrayBuffer();
          },
          async close() {
            setGlobalDispatcher(before);
            if (saved === undefined) delete process.env.HTTP_PROXY;
            else process.env.HTTP_PROXY = saved;
            await agent.close();
          },
        };
      },
    );
  }

  it('went through the proxy, to APS and to the other origins alike (else the cases above say nothing about it)', async () => {
    expect(await attacked!.requests(receivers!.aps)).toBeGreaterThan(0);
    for (const other of receivers!.others) expect(await attacked!.requests(other), other).toBeGreaterThan(0);
  });
});
