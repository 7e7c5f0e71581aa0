import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createAdminClient } from '../../src/admin/admin-client.js';
import { MAX_ADMIN_RESPONSE_BYTES } from '../../src/admin/admin-client.js';
import { MAX_ACCESS_TOKEN_LENGTH } from '../../src/access-token.js';
import { SsaError, SsaTokenEndpointError, SsaTokenUnavailableError } from '../../src/errors.js';
import { MAX_TOKEN_RESPONSE_BYTES } from '../../src/http/token-request.js';
import { createTokenProvider } from '../../src/provider/token-provider.js';
import { isStoredToken } from '../../src/store/token-store.js';

// A server (a broken proxy, a hostile host behind a wrong base URL) answering with far more than APS ever sends: the
// answer is refused with ERR_SSA_RESPONSE_TOO_LARGE, and read no further than the cap. The server streams until the
// client hangs up and counts what it managed to send: a client that buffered everything would never hang up.

/** How the oversized server answers a request. */
type Answer = 'endless-token' | 'endless-error' | 'declared' | 'long-token';

interface OversizedServer {
  url: string;
  answer: Answer;
  /** Bytes of body the server wrote before the client hung up, per request. */
  readonly sent: number[];
  close(): Promise<void>;
}

/** An endless `{"access_token":"AAAA…` body, written as fast as the client reads it, until the client hangs up. */
function stream(res: ServerResponse, status: number, sent: number[]): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const index = sent.push(0) - 1;
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const pump = (): void => {
    while (!res.destroyed) {
      sent[index]! += chunk.length;
      if (sent[index]! > 2 ** 27) return void res.end('"}');
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  res.write('{"access_token":"');
  pump();
}

async function startOversizedServer(): Promise<OversizedServer> {
  const sent: number[] = [];
  const state = { answer: 'endless-token' as Answer };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (state.answer === 'endless-token') return stream(res, 200, sent);
      if (state.answer === 'endless-error') return stream(res, 503, sent);
      if (state.answer === 'declared') {
        sent.push(0);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(400 * 1024 * 1024) });
        return void res.write('{"access_token":"');
      }
      const token = 'A'.repeat(MAX_ACCESS_TOKEN_LENGTH + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3599 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get answer() {
      return state.answer;
    },
    set answer(answer: Answer) {
      state.answer = answer;
    },
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let emulator: Emulator;
let server: OversizedServer;
beforeAll(async () => {
  [emulator, server] = await Promise.all([startEmulator({ port: 0, rateLimit: 0 }), startOversizedServer()]);
});
afterEach(() => {
  server.sent.length = 0;
});
afterAll(() => Promise.all([emulator.close(), server.close()]));

/** A provider with the emulator's identity, exchanging at the oversized server. */
function provider() {
  return createTokenProvider({ env: emulator.seed.env, baseUrl: server.url, retry: { maxAttempts: 1 }, timeout: 30_000 });
}

/** The cause of a provider's refusal. */
async function exchangeError(): Promise<SsaTokenEndpointError> {
  const tokens = provider();
  try {
    const error = await tokens.getToken().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    return (error as SsaTokenUnavailableError).cause as SsaTokenEndpointError;
  } finally {
    await tokens.close();
  }
}

/** Well under what the server would have sent (128 MiB), but allowing for the socket buffers the kernel filled. */
const READ_AT_MOST = 64 * 1024 * 1024;

describe('the token endpoint', () => {
  it('answering 200 with an endless body: ERR_SSA_RESPONSE_TOO_LARGE, the body read no further than the cap', async () => {
    server.answer = 'endless-token';
    const error = await exchangeError();
    expect(error.code).toBe('ERR_SSA_RESPONSE_TOO_LARGE');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`with a body over ${MAX_TOKEN_RESPONSE_BYTES} bytes`);
    expect(server.sent).toHaveLength(1);
    expect(server.sent[0]).toBeLessThan(READ_AT_MOST);
  });

  it('declaring a 400 MB Content-Length: refused before the body is read', async () => {
    server.answer = 'declared';
    const error = await exchangeError();
    expect(error.code).toBe('ERR_SSA_RESPONSE_TOO_LARGE');
  });

  it('answering 503 with an endless body keeps its status (retryable), the body unread past the cap', async () => {
    server.answer = 'endless-error';
    const error = await exchangeError();
    expect(error.code).toBe('ERR_SSA_SERVER');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(server.sent[0]).toBeLessThan(READ_AT_MOST);
  });

  it(`handing out an access token over ${MAX_ACCESS_TOKEN_LENGTH} characters: refused, never cached`, async () => {
    server.answer = 'long-token';
    const error = await exchangeError();
    expect(error.code).toBe('ERR_SSA_RESPONSE_TOO_LARGE');
    expect(error.message).toContain(`with an access_token of ${MAX_ACCESS_TOKEN_LENGTH + 1} characters`);
    expect(error.message).not.toContain('AAAAAAAA');
  });

  it('a stored record with such a token is not a token (a store never serves it)', () => {
    const record = { accessToken: 'A'.repeat(MAX_ACCESS_TOKEN_LENGTH + 1), tokenType: 'Bearer', scopes: [], obtainedAt: 0, expiresAt: 1 };
    expect(isStoredToken(record)).toBe(false);
    expect(isStoredToken({ ...record, accessToken: 'A'.repeat(MAX_ACCESS_TOKEN_LENGTH) })).toBe(true);
  });
});

describe('the admin API', () => {
  it("refuses an endless 2-legged token answer (the admin client's own token)", async () => {
    server.answer = 'endless-token';
    const admin = createAdminClient({ clientId: emulator.seed.clientId, clientSecret: emulator.seed.clientSecret, baseUrl: server.url, timeout: 30_000 });
    const error = await admin.listServiceAccounts().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenEndpointError);
    expect((error as SsaTokenEndpointError).code).toBe('ERR_SSA_RESPONSE_TOO_LARGE');
    expect(server.sent[0]).toBeLessThan(READ_AT_MOST);
  });

  it(`refuses an answer over MAX_ADMIN_RESPONSE_BYTES (${MAX_ADMIN_RESPONSE_BYTES}) with a typed error`, async () => {
    server.answer = 'endless-token';
    const admin = createAdminClient({ getAccessToken: () => 'a-token', baseUrl: server.url, timeout: 30_000 });
    const error = await admin.listKeys('6BNJQT7RR7GTJ5QY').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaError);
    expect((error as SsaError).code).toBe('ERR_SSA_RESPONSE_TOO_LARGE');
    expect(server.sent[0]).toBeLessThan(READ_AT_MOST);
  });
});
