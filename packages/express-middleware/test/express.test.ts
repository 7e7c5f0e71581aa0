import { ProviderRegistry } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssaErrorHandler, ssaTokenMiddleware } from '../src/index.js';
import type { ApsRequestContext } from '../src/index.js';
import { EXPRESS_MAJORS, expectNoSecrets, FAST_FAILURE, listen, logged } from '@aps-ssa/test-support';

const UNAVAILABLE = 'No Autodesk Platform Services access token can be had right now. Try again later.';

// Both majors run every scenario: the middleware must not rely on Express 5's promise handling.
describe.each(EXPRESS_MAJORS)('%s', (_name, express) => {
  let emulator: Emulator;
  let registry: ProviderRegistry;
  let server: { url: string; close(): Promise<void> } | undefined;
  let log: string[];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    registry = new ProviderRegistry();
    log = [];
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await registry.close();
    await emulator.close();
  });

  /** A body for anonymous callers: no service account or client id, no URL, none of APS's text. */
  function expectGeneric(text: string): void {
    for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, 'http', 'APS refused', 'invalid_', 'Retry']) {
      expect(text).not.toContain(detail);
    }
  }

  /** An app whose `/me` calls APS through `req.aps.client`, behind the middleware made of `options`. */
  async function serve(options: Parameters<typeof ssaTokenMiddleware>[0] = {}): Promise<string> {
    const app = express();
    app.use(ssaTokenMiddleware({ env: emulator.seed.env, registry, ...options }));
    app.get('/me', async (req, res, next) => {
      try {
        res.json(await req.aps.client.get('userprofile/v1/users/@me').json());
      } catch (error) {
        next(error);
      }
    });
    app.use(ssaErrorHandler({ log: (line) => log.push(line) }));
    server = await listen(app);
    return server.url;
  }

  it('gives each request the service account token and a client that calls APS with it', async () => {
    const url = await serve();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: emulator.seed.serviceAccountId, emailId: emulator.seed.serviceAccountEmail });
    expect(emulator.counters().userprofile).toMatchObject({ ok: 1 });
  });

  it('puts { token, expiresAt, scopes, client } on req.aps, the token hidden from logs, one frozen object per token', async () => {
    const seen: ApsRequestContext[] = [];
    const app = express();
    const middleware = ssaTokenMiddleware({ env: emulator.seed.env, registry });
    app.get('/context', middleware, (req, res) => {
      seen.push(req.aps);
      res.type('text').send(logged(req.aps));
    });
    server = await listen(app);

    const first = await fetch(`${server.url}/context`);
    const second = await fetch(`${server.url}/context`);
    const [context] = seen;
    expect(context).toMatchObject({ expiresAt: context!.token.expiresAt, scopes: ['data:read', 'user-profile:read'] });
    expect(context!.token.accessToken).toMatch(/^eyJ/);
    expect(context!.expiresAt - Date.now()).toBeGreaterThan(3_500_000);
    expect(Object.isFrozen(context)).toBe(true);
    // The warm request got the very same context: no allocation, no exchange.
    expect(seen[1]).toBe(context);
    expect(middleware.provider.stats).toMatchObject({ exchanges: 1, cacheMisses: 1, cacheHits: 1 });
    for (const text of [await first.text(), await second.text()]) {
      expect(text).toContain('[redacted]');
      expectNoSecrets(text, emulator, [context!.token.accessToken]);
    }
  });

  it('continues a request in the same turn when the token is fresh, and waits for it when none is', async () => {
    const middleware = ssaTokenMiddleware({ env: emulator.seed.env, registry });
    const run = (): { req: { aps?: ApsRequestContext }; continued: () => boolean; done: Promise<void> } => {
      const req: { aps?: ApsRequestContext } = {};
      let continued = false;
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      middleware(req as never, {} as never, (error?: unknown) => {
        expect(error).toBeUndefined();
        continued = true;
        resolve();
      });
      return { req, continued: () => continued, done };
    };
    const cold = run();
    expect(cold.continued()).toBe(false);
    await cold.done;
    const warm = run();
    // next() already ran, before the middleware returned: no promise turn on a warm cache.
    expect(warm.continued()).toBe(true);
    expect(warm.req.aps).toBe(cold.req.aps);
    expect(middleware.provider.stats).toMatchObject({ exchanges: 1, cacheMisses: 1, cacheHits: 1 });
  });

  it('shares one exchange between 50 concurrent requests on a cold app', async () => {
    const url = await serve();
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/me`)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(emulator.counters().exchanges).toBe(1);
    expect(emulator.counters().userprofile).toMatchObject({ ok: 50 });
  });

  it('gives each route its scopes, one provider, client and exchange per scope set', async () => {
    const clients: unknown[] = [];
    const scopes = (req: Express.Request, res: { json(body: unknown): void }): void => {
      clients.push(req.aps.client);
      res.json(req.aps.scopes);
    };
    const app = express();
    const reader = express.Router();
    reader.use(ssaTokenMiddleware({ env: emulator.seed.env, registry, scopes: ['data:read'] }));
    reader.get('/scopes', scopes);
    app.use('/reader', reader);
    app.get('/profile/scopes', ssaTokenMiddleware({ env: emulator.seed.env, registry, scopes: ['user-profile:read'] }), scopes);
    const again = ssaTokenMiddleware({ env: emulator.seed.env, registry, scopes: ['data:read'] });
    app.get('/again/scopes', again, scopes);
    server = await listen(app);

    expect(await (await fetch(`${server.url}/reader/scopes`)).json()).toEqual(['data:read']);
    expect(await (await fetch(`${server.url}/profile/scopes`)).json()).toEqual(['user-profile:read']);
    expect(await (await fetch(`${server.url}/again/scopes`)).json()).toEqual(['data:read']);
    // The same scopes twice share the provider (so its cache) and the client.
    expect(again.provider).toBe(registry.get({ env: emulator.seed.env, scopes: ['data:read'] }));
    expect(clients[2]).toBe(clients[0]);
    expect(clients[1]).not.toBe(clients[0]);
    expect(registry.size).toBe(2);
    expect(emulator.counters()['token:jwt-bearer']).toMatchObject({ ok: 2 });
  });

  it('answers 503 with Retry-After and the error code when APS fails on a cold start, without hanging', async () => {
    emulator.faults.inject({ kind: 'server-error', status: 503, count: 100 });
    const url = await serve(FAST_FAILURE);
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });
    expectGeneric(text);
    // The detail is logged; Retry-After is when the provider allows its next exchange, as the log says.
    expect(log).toEqual([expect.stringMatching(new RegExp(`^ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token for service account ${emulator.seed.serviceAccountId} .*503`))]);
    const next = /The token endpoint may recover: the next exchange is allowed in (\d+) s\./.exec(log[0]!)?.[1];
    expect(next).toBeDefined();
    expect(response.headers.get('retry-after')).toBe(String(Math.max(1, Number(next))));
    expectNoSecrets(text, emulator);
    expectNoSecrets(log.join('\n'), emulator);
    expect(emulator.counters().userprofile).toMatchObject({ ok: 0 });
  });

  it('passes on the token endpoint’s own Retry-After when it rate-limits', async () => {
    emulator.faults.inject({ kind: 'rate-limit', retryAfter: 42 });
    const url = await serve(FAST_FAILURE);
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('42');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });
    expectGeneric(text);
    expect(log).toEqual([expect.stringMatching(/rate|429/i)]);
  });

  it('answers 503 when the token endpoint cannot be reached', async () => {
    const url = await serve(FAST_FAILURE);
    await emulator.close();
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: UNAVAILABLE });
    expectGeneric(text);
    expect(log).toEqual([expect.stringMatching(/^ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token/)]);
    expectNoSecrets(text, emulator);
  });

  it('answers 502 without Retry-After when APS refuses the credentials, and never shows the secret', async () => {
    const url = await serve({ ...FAST_FAILURE, clientSecret: 'wrong-secret-0123456789abcdef' });
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after')).toBeNull();
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: "Autodesk Platform Services refused this server's service account credentials." });
    expectGeneric(text);
    expect(log).toEqual([expect.stringMatching(/client credentials are invalid.*Retrying cannot fix this/s)]);
    expectNoSecrets(text, emulator, ['wrong-secret-0123456789abcdef']);
    expectNoSecrets(log.join('\n'), emulator, ['wrong-secret-0123456789abcdef']);
  });

  it('answers 503 once the middleware is closed, and leaves other errors to the next handler', async () => {
    const app = express();
    const middleware = ssaTokenMiddleware({ env: emulator.seed.env, registry });
    app.get('/ok', middleware, (_req, res) => void res.send('ok'));
    app.get('/boom', () => {
      throw new Error('not an aps-ssa error');
    });
    app.use(ssaErrorHandler({ log: (line) => log.push(line) }));
    app.use((err: Error, _req: unknown, res: { status(code: number): { send(body: string): void } }, _next: unknown) => {
      res.status(500).send(`next handler: ${err.message}`);
    });
    server = await listen(app);

    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    await middleware.close();
    const closed = await fetch(`${server.url}/ok`);
    expect(closed.status).toBe(503);
    expect(await closed.json()).toEqual({ error: 'ERR_SSA_CLOSED', message: 'The server is shutting down. Try again later.' });
    expect(log).toEqual(['ERR_SSA_CLOSED: The token provider is closed. Create a new provider to get tokens again.']);
    const other = await fetch(`${server.url}/boom`);
    expect([other.status, await other.text()]).toEqual([500, 'next handler: not an aps-ssa error']);
  });
});
