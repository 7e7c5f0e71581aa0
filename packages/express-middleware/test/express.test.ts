import { ProviderRegistry } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssaErrorHandler, ssaTokenMiddleware } from '../src/index.js';
import type { ApsRequestContext } from '../src/index.js';
import { adapterContract, EXPRESS_MAJORS, expectNoSecrets, listen, logged } from '@aps-ssa/test-support';

// Both majors run every scenario: the middleware must not rely on Express 5's promise handling.
describe.each(EXPRESS_MAJORS)('%s', (_name, express) => {
  adapterContract({
    where: 'ssaTokenMiddleware()',
    create: (options) => ssaTokenMiddleware(options),
    async serve({ options, scoped, log }) {
      const aps = ssaTokenMiddleware(options);
      const app = express();
      app.get('/me', aps, async (req, res, next) => {
        try {
          res.json(await req.aps.client.get('userprofile/v1/users/@me').json());
        } catch (error) {
          next(error);
        }
      });
      for (const [name, scopes] of Object.entries(scoped)) {
        app.get(`/scoped/${name}`, ssaTokenMiddleware({ ...options, scopes: [...scopes] }), (req, res) => void res.json(req.aps.scopes));
      }
      app.use(ssaErrorHandler({ log }));
      const served = await listen(app);
      return { url: served.url, provider: aps.provider, shutdown: async () => (await served.close(), await aps.close()) };
    },
  });

  describe('Express specifics', () => {
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
});
