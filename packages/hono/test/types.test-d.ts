import { Hono } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import { ssaToken } from '../src/index.js';
import type { ApsRequestContext, SsaTokenMiddleware } from '../src/index.js';

describe('public types', () => {
  it('types c.var.aps and c.get("aps") through ContextVariableMap', () => {
    const app = new Hono();
    const aps = ssaToken({ scopes: ['data:read'] });
    expectTypeOf(aps).toEqualTypeOf<SsaTokenMiddleware>();
    app.use('/files/*', aps);
    app.get('/files/hubs', async (c) => {
      expectTypeOf(c.var.aps).toEqualTypeOf<ApsRequestContext>();
      expectTypeOf(c.get('aps')).toEqualTypeOf<ApsRequestContext>();
      return c.json(await c.var.aps.client.get('project/v1/hubs').json<{ data: unknown[] }>());
    });
    expectTypeOf(aps.close).returns.toEqualTypeOf<Promise<void>>();
  });

  it('rejects unknown options at compile time too', () => {
    // @ts-expect-error `scope` is not an option (`scopes` is)
    ssaToken({ scope: ['data:read'] });
  });
});
