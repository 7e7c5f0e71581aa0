// The APS client treats the token as the Fetch standard treats credentials: a request that left the
// APS origins never carries it again, and a streamed upload is never copied to be sent twice.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createApsClient } from '../../src/client/aps-client.js';
import { SsaTokenUnavailableError } from '../../src/errors.js';
import { createTokenProvider } from '../../src/provider/token-provider.js';
import type { TokenProvider } from '../../src/provider/token-provider.js';
import { timeline } from '../provider/support/timeline.js';
import { redirect, startRecordingServer } from './support/recording-server.js';
import type { RecordingServer } from './support/recording-server.js';

let emulator: Emulator;
let aps: RecordingServer; // the APS base URL the client is bound to
let other: RecordingServer; // any other host
const providers: TokenProvider[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  [aps, other] = await Promise.all([startRecordingServer(), startRecordingServer()]);
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  emulator.clock.setOffset(0);
  emulator.resetCounters();
  emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'ENABLED');
  for (const server of [aps, other]) {
    server.requests.length = 0;
    server.respond = () => undefined;
  }
});
afterAll(async () => {
  await Promise.all([aps.close(), other.close(), emulator.close()]);
});

/** A provider whose first token is already a minute old (old enough for a 401 to drop it). */
async function agedProvider(): Promise<{ provider: TokenProvider; first: string }> {
  const time = timeline(emulator, { realTimers: true });
  const provider = createTokenProvider({ env: emulator.seed.env, clock: time.providerClock, retry: 1 });
  providers.push(provider);
  const first = (await provider.getToken()).accessToken;
  time.advance(60_000);
  return { provider, first };
}

function stream(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

describe('the request ky builds', () => {
  it('is sent as it is, its headers completed with the token: no copy of it is made', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    providers.push(provider);
    const built: Request[] = [];
    const sent: unknown[] = [];
    const client = createApsClient({
      provider,
      baseUrl: aps.url,
      fetch: (input, init) => {
        sent.push(input);
        return fetch(input, init);
      },
      ky: { retry: 0, hooks: { beforeRequest: [(request) => void built.push(request)] } },
    });
    await client.get('oss/v2/buckets');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBe(built[0]);
    expect(aps.requests).toMatchObject([{ url: '/oss/v2/buckets', authorization: `Bearer ${(await provider.getToken()).accessToken}` }]);
  });
});

describe('a request sent again after a 401', () => {
  it('is redirected into the token endpoint without either token', async () => {
    const { provider, first } = await agedProvider();
    aps.respond = (req, res) => {
      if (req.url !== '/oss/v2/buckets') return;
      if (req.authorization === `Bearer ${first}`) res.writeHead(401).end();
      else redirect(res, 302, '/authentication/v2/token');
    };
    await createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0, throwHttpErrors: false } }).get('oss/v2/buckets');
    const fresh = (await provider.getToken()).accessToken;
    expect(aps.requests.map((r) => [r.url, r.authorization])).toEqual([
      ['/oss/v2/buckets', `Bearer ${first}`],
      ['/oss/v2/buckets', `Bearer ${fresh}`],
      ['/authentication/v2/token', undefined],
    ]);
  });
});

describe('a hop that left APS', () => {
  it('a request that starts on another origin never gets the token, even when redirected to APS', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    providers.push(provider);
    other.respond = (_req, res) => redirect(res, 302, `${aps.url}/landing`);
    await createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0 } }).get(new URL('/start', other.url));
    expect(other.requests).toMatchObject([{ url: '/start', authorization: undefined }]);
    expect(aps.requests).toMatchObject([{ url: '/landing', authorization: undefined }]);
  });
});

describe('a streamed upload', () => {
  it('is not sent twice after a 401: the 401 is returned (and the token still dropped)', async () => {
    const { provider, first } = await agedProvider();
    aps.respond = (_req, res) => void res.writeHead(401, { 'content-type': 'application/json' }).end('{"title":"unauthorized"}');
    const client = createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0, throwHttpErrors: false } });

    const response = await client.post('oss/v2/upload', { body: stream('streamed payload') });
    expect(response.status).toBe(401);
    expect(aps.requests).toMatchObject([{ url: '/oss/v2/upload', authorization: `Bearer ${first}`, body: 'streamed payload' }]);
    expect((await provider.getToken()).accessToken).not.toBe(first);
  });

  it('a body given whole is still sent again after a 401, with the new token', async () => {
    const { provider, first } = await agedProvider();
    aps.respond = (req, res) => {
      if (req.authorization === `Bearer ${first}`) res.writeHead(401).end();
    };
    const client = createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0 } });
    await client.post('oss/v2/upload', { body: 'whole payload' });
    expect(aps.requests.map((r) => [r.authorization === `Bearer ${first}`, r.body])).toEqual([
      [true, 'whole payload'],
      [false, 'whole payload'],
    ]);
  });

  it.each([307, 308])('is not replayed on a %i: the redirect is returned to the caller', async (status) => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    providers.push(provider);
    aps.respond = (req, res) => (req.url === '/oss/v2/upload' ? redirect(res, status, '/oss/v2/elsewhere') : undefined);
    const client = createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0, throwHttpErrors: false } });
    const response = await client.put('oss/v2/upload', { body: stream('streamed payload') });
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBe('/oss/v2/elsewhere');
    expect(aps.requests.map((r) => r.url)).toEqual(['/oss/v2/upload']);
  });

  it('a 303 after a streamed upload is still followed (as a GET, without the body)', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    providers.push(provider);
    aps.respond = (req, res) => (req.url === '/oss/v2/upload' ? redirect(res, 303, '/oss/v2/status') : undefined);
    const client = createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0 } });
    expect(await client.post('oss/v2/upload', { body: stream('streamed payload') }).json()).toEqual({ ok: true });
    expect(aps.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/oss/v2/upload', 'streamed payload'],
      ['GET', '/oss/v2/status', ''],
    ]);
  });
});

describe('a 401 that cannot be retried', () => {
  it('has its body cancelled, so that its connection is not left open', async () => {
    const { provider } = await agedProvider();
    // No new token can be had: the refresh after the 401 fails.
    emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'DISABLED');
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const endless = createServer((_req, res: ServerResponse) => {
      res.on('close', () => closed());
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.write('a body that never ends');
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
      const client = createApsClient({ provider, baseUrl: url, ky: { retry: 0, timeout: false } });
      await expect(client.get('oss/v2/buckets')).rejects.toBeInstanceOf(SsaTokenUnavailableError);
      const outcome = await Promise.race([
        connectionClosed.then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000)),
      ]);
      expect(outcome).toBe('closed');
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
