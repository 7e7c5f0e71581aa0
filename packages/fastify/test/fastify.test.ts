import { ProviderRegistry } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { expectNoSecrets, logged, useEmulator } from '@aps-ssa/test-support';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ssaToken } from '../src/index.js';

let emulator: Emulator;
let app: FastifyInstance | undefined;
const registry = new ProviderRegistry();

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await app?.close();
  app = undefined;
  await registry.close();
  emulator.resetCounters();
});

/** An app with the plugin registered on `env`, its routes added by `routes`, listening on a free port. */
async function start(routes: (app: FastifyInstance) => void, before?: (app: FastifyInstance) => void): Promise<string> {
  app = Fastify();
  before?.(app);
  await app.register(ssaToken, { env: emulator.seed.env, registry, log: () => undefined });
  routes(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

describe('the ssaToken plugin', () => {
  it('puts one frozen context per token on request.aps, the token hidden from logs', async () => {
    const seen: unknown[] = [];
    const url = await start((app) =>
      app.get('/context', (request, reply) => {
        seen.push(request.aps);
        return reply.type('text/plain').send(logged(request.aps));
      }),
    );
    const texts = [await (await fetch(`${url}/context`)).text(), await (await fetch(`${url}/context`)).text()];
    expect(seen[1]).toBe(seen[0]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[0]).toMatchObject({ scopes: ['data:read', 'user-profile:read'] });
    for (const text of texts) {
      expect(text).toContain('[redacted]');
      expectNoSecrets(text, emulator, [(seen[0] as { token: { accessToken: string } }).token.accessToken]);
    }
  });

  it('continues a request in the same turn when the token is fresh, and waits for it when none is', async () => {
    // A hook before the plugin's notes when its done() has returned: a handler that runs before that ran in the same turn.
    let hookReturned = false;
    const turns: boolean[] = [];
    const url = await start(
      (app) =>
        app.get('/turn', (request) => {
          turns.push(!hookReturned);
          return { scopes: request.aps.scopes };
        }),
      (app) =>
        app.addHook('onRequest', (_request, _reply, done) => {
          hookReturned = false;
          done();
          hookReturned = true;
        }),
    );
    for (let i = 0; i < 2; i++) expect((await fetch(`${url}/turn`)).status).toBe(200);
    expect(turns).toEqual([false, true]);
    expect(app!.apsProvider.stats).toMatchObject({ exchanges: 1, cacheMisses: 1, cacheHits: 1 });
  });

  it('gets no token for a route with config: { aps: false }, nor for a 404, even while APS is down', async () => {
    emulator.faults.inject({ kind: 'server-error', count: 100 });
    const url = await start((app) => app.get('/healthz', { config: { aps: false } }, (request) => ({ aps: request.aps })));
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ aps: null });
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    expect(emulator.counters().exchanges).toBe(0);
    emulator.faults.clear();
  });

  it('passes every other error to the error handler that was in place', async () => {
    const url = await start(
      (app) =>
        app.get('/boom', () => {
          throw new Error('not an aps-ssa error');
        }),
      (app) => app.setErrorHandler((error: Error, _request, reply) => reply.code(500).send(`own handler: ${error.message}`)),
    );
    const response = await fetch(`${url}/boom`);
    expect([response.status, await response.text()]).toEqual([500, 'own handler: not an aps-ssa error']);
  });

  it('refuses a route config it cannot use, naming the route, when the route is declared', async () => {
    app = Fastify();
    await app.register(ssaToken, { env: emulator.seed.env, registry });
    expect(() => app!.get('/files', { config: { aps: { scope: ['data:read'] } as never } }, () => 'files')).toThrow(
      expect.objectContaining({ code: 'ERR_SSA_INVALID_OPTION', message: 'Unknown option `scope` passed to the config of route GET /files. Did you mean `scopes`?' }),
    );
    expect(() => app!.get('/buckets', { config: { aps: ['data:read'] as never } }, () => 'buckets')).toThrow(
      '`aps` in the config of route GET /buckets must be `{ scopes }` or `false`, got an array.',
    );
  });

  it('accepts Fastify’s register options and refuses a log that is not a function', async () => {
    app = Fastify();
    await app.register(ssaToken, { env: emulator.seed.env, registry, logLevel: 'warn' } as never);
    await expect(Fastify().register(ssaToken, { env: emulator.seed.env, registry, log: 'console' } as never).ready()).rejects.toThrow(
      '`log` must be a function, got a string.',
    );
  });
});
