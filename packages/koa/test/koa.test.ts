import { ProviderRegistry } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { expectNoSecrets, expectSameTurn, listen, logged, useEmulator } from '@aps-ssa/test-support';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { ssaToken } from '../src/index.js';
import type { ApsRequestContext } from '../src/index.js';

let emulator: Emulator;
const registry = new ProviderRegistry();
let close: (() => Promise<void>) | undefined;

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  await registry.close();
});

describe('ssaToken() on Koa', () => {
  it('puts one frozen context per token on ctx.state.aps, the token hidden from logs, and lets later errors through', async () => {
    const seen: ApsRequestContext[] = [];
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = 500;
        ctx.body = `upstream: ${(error as Error).message}`;
      }
    });
    app.use(ssaToken({ env: emulator.seed.env, registry }));
    app.use((ctx) => {
      if (ctx.path === '/boom') throw new Error('not an aps-ssa error');
      seen.push(ctx.state.aps);
      ctx.body = logged(ctx.state.aps);
    });
    const server = await listen(app);
    close = server.close;

    const texts = [await (await fetch(`${server.url}/context`)).text(), await (await fetch(`${server.url}/context`)).text()];
    expect(seen[1]).toBe(seen[0]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    for (const text of texts) {
      expect(text).toContain('[redacted]');
      expectNoSecrets(text, emulator, [seen[0]!.token.accessToken]);
    }
    const other = await fetch(`${server.url}/boom`);
    expect([other.status, await other.text()]).toEqual([500, 'upstream: not an aps-ssa error']);
  });

  it('continues a request in the same turn when the token is fresh, and waits for it when none is', async () => {
    const middleware = ssaToken({ env: emulator.seed.env, registry });
    await expectSameTurn(() => {
      const ctx: { state: { aps?: ApsRequestContext } } = { state: {} };
      let continued = false;
      const done = middleware(ctx as never, async () => {
        continued = true;
      });
      return { continued: () => continued, context: () => ctx.state.aps, done };
    }, middleware.provider);
  });

  it('refuses a log that is not a function', () => {
    expect(() => ssaToken({ env: emulator.seed.env, registry, log: 'console' } as never)).toThrow('`log` must be a function, got a string.');
  });
});
