import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError } from 'ky';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createApsClient } from '../../src/client/aps-client.js';
import { MAX_REDIRECTS } from '../../src/client/redirect-rules.js';
import { createTokenProvider } from '../../src/provider/token-provider.js';
import type { TokenProvider } from '../../src/provider/token-provider.js';
import { redirect, startRecordingServer } from './support/recording-server.js';
import type { RecordingServer } from './support/recording-server.js';

let emulator: Emulator;
let provider: TokenProvider;
let aps: RecordingServer; // the APS base URL the client is bound to
let other: RecordingServer; // any other host
let bearer: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  provider = createTokenProvider({ env: emulator.seed.env });
  bearer = await provider.getAuthorizationHeader();
  [aps, other] = await Promise.all([startRecordingServer(), startRecordingServer()]);
});
afterEach(() => {
  aps.requests.length = 0;
  other.requests.length = 0;
  aps.respond = () => undefined;
  other.respond = () => undefined;
});
afterAll(async () => {
  await provider.close();
  await Promise.all([aps.close(), other.close(), emulator.close()]);
});

function client() {
  return createApsClient({ provider, baseUrl: aps.url, ky: { retry: 0 } });
}

describe('where the token goes', () => {
  it('adds the bearer token to requests to the APS base URL', async () => {
    expect(await client().get('oss/v2/buckets').json()).toEqual({ ok: true });
    expect(aps.requests).toMatchObject([{ method: 'GET', url: '/oss/v2/buckets', authorization: bearer }]);
  });

  it('sends a request to another host without it (absolute URL input)', async () => {
    await client().get(new URL('/collect', other.url));
    await client().get(new Request(`${other.url}/collect`));
    expect(other.requests).toMatchObject([
      { url: '/collect', authorization: undefined },
      { url: '/collect', authorization: undefined },
    ]);
  });

  it('sends a request to the same server under another origin (host name, port) without it', async () => {
    await client().get(new URL(`http://localhost:${aps.port}/oss/v2/buckets`));
    expect(aps.requests).toMatchObject([{ host: `localhost:${aps.port}`, authorization: undefined }]);
  });

  it('never sends it to the token endpoint', async () => {
    await client().post('authentication/v2/token', { body: new URLSearchParams({ grant_type: 'x' }) });
    await client().post('authentication/v2//token/', { body: '' });
    expect(aps.requests.map((r) => r.authorization)).toEqual([undefined, undefined]);
  });

  it('refuses a URL with user info, given or redirected to, before anything is sent there', async () => {
    expect(() => client().get(new URL(`http://user:pass@127.0.0.1:${aps.port}/oss/v2/buckets`))).toThrow(
      'Request cannot be constructed from a URL that includes credentials',
    );
    aps.respond = (req, res) => (req.url === '/start' ? redirect(res, 302, `http://user:pass@127.0.0.1:${aps.port}/next`) : undefined);
    await expect(client().get('start')).rejects.toThrow('Request cannot be constructed from a URL that includes credentials');
    expect(aps.requests.map((r) => r.url)).toEqual(['/start']);
  });

  it('does not let the caller forward its own credentials to another origin on a redirect', async () => {
    aps.respond = (_req, res) => redirect(res, 302, `${other.url}/landing`);
    await client().get('oss/v2/buckets', { headers: { cookie: 'session=1' } });
    expect(aps.requests).toMatchObject([{ authorization: bearer, cookie: 'session=1' }]);
    expect(other.requests).toMatchObject([{ url: '/landing', authorization: undefined, cookie: undefined }]);
  });
});

describe('redirects', () => {
  it('follows a redirect to another origin without the token', async () => {
    aps.respond = (_req, res) => redirect(res, 302, `${other.url}/signed-download?sig=abc`);
    expect(await client().get('oss/v2/buckets/b/objects/o').json()).toEqual({ ok: true });
    expect(aps.requests).toMatchObject([{ authorization: bearer }]);
    expect(other.requests).toMatchObject([{ url: '/signed-download?sig=abc', authorization: undefined }]);
  });

  it('follows a same-origin redirect with the token', async () => {
    aps.respond = (req, res) => (req.url === '/old' ? redirect(res, 301, '/new') : undefined);
    await client().get('old');
    expect(aps.requests).toMatchObject([
      { url: '/old', authorization: bearer },
      { url: '/new', authorization: bearer },
    ]);
  });

  it('once a hop left APS, no later hop carries the token, even back on APS: APS → other → APS', async () => {
    aps.respond = (req, res) => (req.url === '/start' ? redirect(res, 302, `${other.url}/bounce`) : undefined);
    other.respond = (_req, res) => redirect(res, 302, `${aps.url}/end`);
    await client().get('start');
    // The Fetch standard's rule: the other origin chose where the request went next, so it gets no credentials there.
    expect(aps.requests.map((r) => [r.url, r.authorization])).toEqual([
      ['/start', bearer],
      ['/end', undefined],
    ]);
    expect(other.requests).toMatchObject([{ url: '/bounce', authorization: undefined }]);
  });

  it('never follows a redirect into the token endpoint with the token', async () => {
    aps.respond = (req, res) => (req.url === '/start' ? redirect(res, 307, '/authentication/v2/token') : undefined);
    await client().post('start', { body: 'x' });
    expect(aps.requests.map((r) => [r.url, r.authorization])).toEqual([
      ['/start', bearer],
      ['/authentication/v2/token', undefined],
    ]);
  });

  it('keeps method and body on 307, turns POST into GET on 303', async () => {
    aps.respond = (req, res) => {
      if (req.url === '/a') redirect(res, 307, '/b');
      else if (req.url === '/b') redirect(res, 303, '/c');
    };
    await client().post('a', { json: { name: 'bucket' } });
    expect(aps.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/a', '{"name":"bucket"}'],
      ['POST', '/b', '{"name":"bucket"}'],
      ['GET', '/c', ''],
    ]);
  });

  it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
    aps.respond = (_req, res) => redirect(res, 302, '/loop');
    const error = await client().get('loop').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(302);
    expect(aps.requests).toHaveLength(MAX_REDIRECTS + 1);
  });

  it("honours the caller's redirect: 'manual'", async () => {
    aps.respond = (_req, res) => redirect(res, 302, `${other.url}/x`);
    const response = await client().get('start', { redirect: 'manual', throwHttpErrors: false });
    expect(response.status).toBe(302);
    expect(other.requests).toHaveLength(0);
  });
});
