import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError } from 'ky';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createApsClient } from '../../src/client/aps-client.js';
import { SsaTokenEndpointError, SsaTokenUnavailableError } from '../../src/errors.js';
import { createTokenProvider } from '../../src/provider/token-provider.js';
import type { TokenProvider } from '../../src/provider/token-provider.js';

// A request with a body (ky keeps a copy of it for its retries, the client one for a 401 replay) settles as a GET
// does, whether no token can be had or a custom fetch answers without reading the body. A generous deadline turns a
// hang into a readable failure instead of the test's timeout; no timing is asserted.
let emulator: Emulator;
const providers: TokenProvider[] = [];
const PENDING = Symbol('still pending after 15 s');

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  emulator.faults.clear();
  emulator.resetCounters();
});
afterAll(() => emulator.close());

function provider(options: Parameters<typeof createTokenProvider>[0] = {}): TokenProvider {
  const created = createTokenProvider({ env: emulator.seed.env, retry: { maxAttempts: 1 }, ...options });
  providers.push(created);
  return created;
}

/** How `promise` settles: its value, its error, or PENDING if neither within 15 s. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve(PENDING), 15_000)));
  try {
    return await Promise.race([promise.catch((error: unknown) => error), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('with the token endpoint down', () => {
  it.each([
    ['GET', (aps: ReturnType<typeof createApsClient>) => aps.get('userprofile/v1/users/@me')],
    ['POST with a JSON body', (aps: ReturnType<typeof createApsClient>) => aps.post('oss/v2/buckets', { json: { bucketKey: 'b' } })],
    ['PUT with a text body', (aps: ReturnType<typeof createApsClient>) => aps.put('oss/v2/buckets/b/objects/o', { body: 'some text' })],
    ['PATCH with bytes', (aps: ReturnType<typeof createApsClient>) => aps.patch('x', { body: new Uint8Array(64 * 1024) })],
  ])('%s rejects with the provider error, and sends nothing', async (_name, send) => {
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'token:jwt-bearer', count: 100 });
    const aps = createApsClient({ provider: provider() });

    const error = await outcome(send(aps));
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect((error as SsaTokenUnavailableError).cause).toBeInstanceOf(SsaTokenEndpointError);
    expect(emulator.requests().filter((entry) => !entry.endpoint.startsWith('token'))).toEqual([]);
  });

  it('a second request with a body settles too (nothing is left waiting on the first)', async () => {
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'token:jwt-bearer', count: 100 });
    const aps = createApsClient({ provider: provider() });
    for (let i = 0; i < 3; i++) expect(await outcome(aps.post('oss/v2/buckets', { json: { i } }))).toBeInstanceOf(SsaTokenUnavailableError);
  });
});

describe('a custom fetch that answers without reading the request body', () => {
  // A circuit breaker in front of APS: it answers 503 itself, the token still comes from the emulator.
  const breaker: typeof fetch = async () => new Response('{"error":"circuit open"}', { status: 503, headers: { 'content-type': 'application/json' } });

  it('gets its answer to a POST back, not a hang or a ky timeout', async () => {
    const aps = createApsClient({ provider: provider(), fetch: breaker, ky: { retry: 0 } });
    const error = await outcome(aps.post('oss/v2/buckets', { json: { bucketKey: 'b' } }));
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(503);
  });

  it('in front of the token endpoint gives the exchange its answer (ERR_SSA_SERVER), not ERR_SSA_TIMEOUT', async () => {
    const tokens = provider({ fetch: breaker, timeout: 10_000 });
    const error = await outcome(tokens.getToken());
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect(((error as SsaTokenUnavailableError).cause as SsaTokenEndpointError).code).toBe('ERR_SSA_SERVER');
  });
});
