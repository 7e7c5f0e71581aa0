import { ProviderRegistry } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { FAST_FAILURE, expectSameTurn, useEmulator } from '@aps-ssa/test-support';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it } from 'vitest';
import { ssaToken } from '../src/index.js';
import type { ApsRequestContext } from '../src/index.js';
import { serveHono } from '@aps-ssa/test-support';

let emulator: Emulator;
const registry = new ProviderRegistry();
let close: (() => Promise<void>) | undefined;

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  await registry.close();
  emulator.faults.clear();
});

describe('ssaToken() on Hono', () => {
  it('continues a request in the same turn when the token is fresh, and waits for it when none is', async () => {
    const middleware = ssaToken({ env: emulator.seed.env, registry });
    await expectSameTurn(() => {
      let aps: ApsRequestContext | undefined;
      let continued = false;
      const c = { set: (_name: 'aps', value: ApsRequestContext) => (aps = value) };
      const done = Promise.resolve(
        middleware(c as never, async () => {
          continued = true;
        }),
      );
      return { continued: () => continued, context: () => aps, done };
    }, middleware.provider);
  });

  it('fails through app.onError with an HTTPException whose cause is the token error', async () => {
    emulator.faults.inject({ kind: 'server-error', count: 100 });
    const seen: unknown[] = [];
    const app = new Hono();
    app.use(ssaToken({ env: emulator.seed.env, registry, ...FAST_FAILURE, log: () => undefined }));
    app.get('/me', (c) => c.text('unreachable'));
    app.onError((error, c) => {
      seen.push(error);
      return error instanceof HTTPException ? error.getResponse() : c.text('other', 500);
    });
    const server = await serveHono(app);
    close = server.close;

    const response = await fetch(`${server.url}/me`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(seen).toEqual([expect.any(HTTPException)]);
    expect((seen[0] as HTTPException).cause).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', retryable: true });
  });

  it('gives the middlewares of one identity and scopes one provider, and refuses a log that is not a function', () => {
    const reader = ssaToken({ env: emulator.seed.env, registry, scopes: ['data:read'] });
    expect(ssaToken({ env: emulator.seed.env, registry, scopes: ['data:read'] }).provider).toBe(reader.provider);
    expect(ssaToken({ env: emulator.seed.env, registry, scopes: ['data:write'] }).provider).not.toBe(reader.provider);
    expect(() => ssaToken({ env: emulator.seed.env, registry, log: 'console' } as never)).toThrow('`log` must be a function, got a string.');
  });
});
