// Trust: useSsaToken()'s allow-list under attack, with the oracle and cases of core's origin-attack tests. Real
// loopback receivers stand for APS and for the attacker; axios (follow-redirects) follows each redirect, judged hop by
// hop in beforeRedirect; the token must reach APS only, and never its token endpoint.
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createTokenProvider } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { expectNoLeak as expectLeakFree, redirectAttacks, startReceiver, TOKEN_ENDPOINT_SPELLINGS } from '@aps-ssa/test-support';
import type { Received, Receiver } from '@aps-ssa/test-support';
import { useSsaToken } from '../src/index.js';

let emulator: Emulator;
let provider: TokenProvider;
let token: string;
const log: Received[] = [];
let aps: Receiver;
let otherPort: Receiver;
let otherAddress: Receiver;
let otherAddressSamePort: Receiver;
const client = axios.create({ timeout: 5_000 });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  provider = createTokenProvider({ env: emulator.seed.env });
  token = (await provider.getToken()).accessToken;
  aps = await startReceiver('aps', '127.0.0.1', 0, log);
  otherPort = await startReceiver('127.0.0.1, another port', '127.0.0.1', 0, log);
  otherAddress = await startReceiver('127.0.0.2', '127.0.0.2', 0, log);
  otherAddressSamePort = await startReceiver('127.0.0.2, the same port', '127.0.0.2', aps.port, log);
  useSsaToken(client, { provider, baseUrl: aps.url });
});
afterEach(() => {
  log.length = 0;
  for (const receiver of [aps, otherPort, otherAddress, otherAddressSamePort]) receiver.reply = () => undefined;
});
afterAll(async () => {
  await provider.close();
  await Promise.all([aps, otherPort, otherAddress, otherAddressSamePort].map((r) => r.close()));
  await emulator.close();
});

function expectNoLeak(requests: readonly Received[] = log, attack = ''): void {
  expectLeakFree(requests, aps, token, attack);
}

async function send(url: string, init: { method?: string; body?: unknown } = {}): Promise<void> {
  try {
    await client.request({ url, method: init.method ?? 'GET', data: init.body });
  } catch {
    // A refused or failed request is fine here: only where the token went matters.
  }
}

function redirectOnce(location: string, status = 302): void {
  let done = false;
  aps.reply = (_request, res) => {
    if (done) return;
    done = true;
    res.writeHead(status, { location }).end();
  };
}

describe('axios carries the token to the APS base URL, and nothing else', () => {
  it('reaches APS itself (so that the checks below can fail)', async () => {
    await send(`${aps.url}/oss/v2/buckets`);
    expect(log).toMatchObject([{ receiver: 'aps', target: '/oss/v2/buckets', headers: { authorization: `Bearer ${token}` } }]);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    it(`${status} redirects to other origins and the token endpoint go without the token`, async () => {
      let elsewhere = 0;
      for (const [attack, location] of redirectAttacks({ aps, otherPort, otherAddress, otherAddressSamePort })) {
        log.length = 0;
        redirectOnce(location, status);
        await send(`${aps.url}/oss/v2/buckets`, { method: 'POST', body: 'payload' });
        expectNoLeak(log, attack);
        elsewhere += log.filter((r) => r.receiver !== 'aps').length;
      }
      expect(elsewhere).toBeGreaterThan(3);
    });
  }

  it('a chain APS -> APS -> another origin -> APS carries it only on the APS hops before it left', async () => {
    aps.reply = (request, res) => {
      if (request.target === '/start') res.writeHead(302, { location: '/hop' }).end();
      else if (request.target === '/hop') res.writeHead(307, { location: `${otherAddress.url}/away` }).end();
    };
    otherAddress.reply = (_request, res) => void res.writeHead(302, { location: `${aps.url}/back` }).end();
    await send(`${aps.url}/start`);
    expect(log.map((r) => [r.receiver, r.target, r.headers.authorization !== undefined])).toEqual([
      ['aps', '/start', true],
      ['aps', '/hop', true],
      ['127.0.0.2', '/away', false],
      ['aps', '/back', false],
    ]);
    expectNoLeak();
  });

  it('other origins and other names for APS get none', async () => {
    await send(`${otherAddress.url}/x`);
    await send(`${otherPort.url}/x`);
    await send(`${otherAddressSamePort.url}/x`);
    await send(`http://localhost:${aps.port}/x`);
    expect(log).toHaveLength(4);
    expectNoLeak();
  });

  it.each(TOKEN_ENDPOINT_SPELLINGS)('never sends it to the token endpoint spelt %s', async (path, target) => {
    await send(`${aps.url}/${path}`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(log).toHaveLength(1);
    expect(log[0]!.target, 'the request did not reach the server as that spelling: the case proves nothing').toBe(target);
    expect(log[0]!.headers.authorization).toBeUndefined();
    expectNoLeak();
  });
});
