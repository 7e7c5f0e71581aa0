// Trust: the APS client's allow-list under attack. Real loopback receivers stand for APS and for the
// attacker (another address, another port, another host name); the token must reach APS only, and
// never its token endpoint, whatever redirects, inputs, look-alike hosts or path tricks are tried.
import fc from 'fast-check';
import type { KyInstance } from 'ky';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { DEFAULT_BASE_URL, createApsClient, createTokenProvider } from '../../src/index.js';
import type { TokenProvider } from '../../src/index.js';
import { describeOriginAttacks, expectNoLeak as expectLeakFree, startReceiver } from '@aps-ssa/test-support';
import type { Received, Receiver } from '@aps-ssa/test-support';

// Redirect chains over real HTTP: a few seconds.
const RUNS = 300;

let emulator: Emulator;
let provider: TokenProvider;
let token: string;
const log: Received[] = [];
/** `aps` is the client's base URL; every other receiver is another origin. */
let aps: Receiver;
let otherPort: Receiver;
let otherAddress: Receiver;
let otherAddressSamePort: Receiver;
let client: KyInstance;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  provider = createTokenProvider({ env: emulator.seed.env });
  token = (await provider.getToken()).accessToken;
  aps = await startReceiver('aps', '127.0.0.1', 0, log);
  otherPort = await startReceiver('127.0.0.1, another port', '127.0.0.1', 0, log);
  otherAddress = await startReceiver('127.0.0.2', '127.0.0.2', 0, log);
  otherAddressSamePort = await startReceiver('127.0.0.2, the same port', '127.0.0.2', aps.port, log);
  client = createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0, throwHttpErrors: false, timeout: 5_000 } });
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

/** Fails for any request that carried the token where it must not (the shared oracle of every outbound path). */
function expectNoLeak(requests: readonly Received[] = log, attack = ''): void {
  expectLeakFree(requests, aps, token, attack);
}

async function send(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
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

describeOriginAttacks('createApsClient(): the cases every outbound path passes', ({ provider, aps: receiver }) => {
  const attacked = createApsClient({ provider, baseUrl: receiver.url, ky: { retry: 0, throwHttpErrors: false, timeout: 5_000 } });
  return { send: (path, init = {}) => attacked(path, { method: init.method ?? 'GET', ...(init.body === undefined ? {} : { body: init.body }) }) };
});

describe('the token reaches the APS base URL, and nothing else', () => {
  it('absolute URLs given to the client go without it (URL, Request, user info, another name for APS)', async () => {
    await send(() => client.get(new URL('/x', otherAddress.url)));
    await send(() => client.get(new Request(`${otherPort.url}/x`)));
    await send(() => client.get(new URL(`http://localhost:${aps.port}/x`)));
    // fetch refuses URLs with user info outright: nothing is sent at all.
    await send(() => client.get(new URL(`http://user@127.0.0.1:${aps.port}/x`)));
    await send(() => client.get(new URL(`http://127.0.0.1:${aps.port}@127.0.0.2:${otherAddress.port}/x`)));
    expect(log.map((r) => r.receiver).sort()).toEqual(['127.0.0.1, another port', '127.0.0.2', 'aps']);
    expectNoLeak();
  });

  it('string inputs stay under the base URL; protocol-relative ones are refused', async () => {
    await send(() => client.get(`http://127.0.0.2:${otherAddress.port}/x`));
    await send(() => client.get(`//127.0.0.2:${otherAddress.port}/x`));
    expect(log.every((r) => r.receiver === 'aps')).toBe(true);
    expectNoLeak();
  });

});

describe('look-alike hosts, user info and downgrades of the production APS origin', () => {
  // Stands in for DNS: every host name is served by a loopback receiver, and the fetch records what
  // would have left this process for that URL (the headers the client put on it).
  let apsProduction: Receiver;
  let attacker: Receiver;
  const left: Array<{ url: string; authorization: string | null }> = [];
  let production: KyInstance;

  beforeAll(async () => {
    apsProduction = await startReceiver('developer.api.autodesk.com', '127.0.0.3', 0, log);
    attacker = await startReceiver('attacker', '127.0.0.4', 0, log);
    production = createApsClient({
      provider,
      baseUrl: DEFAULT_BASE_URL,
      ky: { retry: 0, throwHttpErrors: false, timeout: 5_000 },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        left.push({ url: request.url, authorization: request.headers.get('authorization') });
        const url = new URL(request.url);
        const target = url.hostname === 'developer.api.autodesk.com' && url.port === '' ? apsProduction : attacker;
        return fetch(new Request(`${target.url}${url.pathname}${url.search}`, request), { redirect: 'manual' } as RequestInit);
      },
    });
  });
  afterAll(() => Promise.all([apsProduction.close(), attacker.close()]));
  afterEach(() => {
    left.length = 0;
    apsProduction.reply = () => undefined;
  });

  const lookAlikes = [
    'https://developer.api.autodesk.com.evil.test/x',
    'https://evil-developer.api.autodesk.com/x',
    'https://developer-api.autodesk.com/x',
    'https://developer.api.autodesk.com@evil.test/x',
    'https://developer.api.autodesk.com:443@evil.test/x',
    'https://evil.test/developer.api.autodesk.com/x',
    'http://developer.api.autodesk.com/x',
    'https://developer.api.autodesk.com:8443/x',
    'https://developer.api.autodesk.com./x',
    'https://developer.api.autodеsk.com/x', // a Cyrillic "е": another host after IDNA
    'https://user:pass@developer.api.autodesk.com/x',
  ];

  function expectOnlyProductionGotIt(): void {
    for (const { url, authorization } of left) {
      const parsed = new URL(url);
      const legit = parsed.protocol === 'https:' && parsed.host === 'developer.api.autodesk.com' && parsed.username === '' && parsed.password === '' && parsed.pathname === '/oss/v2/buckets';
      if (!legit) expect(authorization, `the token was sent to ${url}`).toBeNull();
    }
  }

  it('the production origin itself gets it (so that the checks below can fail)', async () => {
    await production.get('oss/v2/buckets');
    expect(left).toEqual([{ url: 'https://developer.api.autodesk.com/oss/v2/buckets', authorization: `Bearer ${token}` }]);
  });

  it.each(lookAlikes)('an absolute URL to %s goes without it', async (url) => {
    await send(() => production.get(new URL(url)));
    expect(left.length).toBe(new URL(url).username === '' ? 1 : 0);
    expectOnlyProductionGotIt();
  });

  it.each(lookAlikes)('a redirect from APS to %s goes without it', async (url) => {
    apsProduction.reply = (request, res) => {
      if (request.target === '/oss/v2/buckets') res.writeHead(302, { location: new URL(url).href }).end();
    };
    await send(() => production.get('oss/v2/buckets'));
    // The hop is sent (fetch refuses only URLs with user info), or not at all.
    expect(left.length).toBe(new URL(url).username === '' ? 2 : 1);
    expectOnlyProductionGotIt();
  });
});

describe('generated redirect targets', () => {
  it(`whatever Location APS answers, the token reaches only APS off its token endpoint (${RUNS} runs)`, async () => {
    const location = fc
      .record({
        scheme: fc.constantFrom('http:', 'HTTP:', 'https:', ''),
        slashes: fc.constantFrom('//', '/\\', '\\\\', '///', '/', ''),
        userinfo: fc.constantFrom('', 'u@', 'u:p@', `127.0.0.1:${aps.port}@`, '@'),
        host: fc.constantFrom('127.0.0.1', '127.0.0.2', 'localhost', 'LOCALHOST', '127.1', '2130706433', '0x7f.0.0.1', '127.0.0.1.', '127.0.0.2.'),
        port: fc.constantFrom(`:${aps.port}`, `:${otherPort.port}`, `:${otherAddress.port}`, ''),
        path: fc.constantFrom('/x', '/authentication/v2/token', '/authentication/v2/%74oken', '/a/../authentication/v2/token', '/authentication%2fv2%2ftoken', '/AUTHENTICATION/v2/TOKEN/', ''),
      })
      .map(({ scheme, slashes, userinfo, host, port, path }) => `${scheme}${slashes}${userinfo}${host}${port}${path}`);
    await fc.assert(
      fc.asyncProperty(location, fc.constantFrom(301, 302, 303, 307, 308), async (target, status) => {
        log.length = 0;
        redirectOnce(target, status);
        await send(() => client.post('start', { body: 'payload' }));
        expect(log[0]).toMatchObject({ receiver: 'aps', target: '/start', headers: { authorization: `Bearer ${token}` } });
        expectNoLeak();
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
