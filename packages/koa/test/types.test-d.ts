import Koa from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { ssaToken } from '../src/index.js';
import type { ApsRequestContext, SsaTokenMiddleware } from '../src/index.js';

describe('public types', () => {
  it('types ctx.state.aps', () => {
    const app = new Koa();
    const aps = ssaToken({ scopes: ['data:read'] });
    expectTypeOf(aps).toEqualTypeOf<SsaTokenMiddleware>();
    app.use(aps);
    app.use(async (ctx) => {
      expectTypeOf(ctx.state.aps).toEqualTypeOf<ApsRequestContext>();
      ctx.body = await ctx.state.aps.client.get('userprofile/v1/users/@me').json();
    });
    expectTypeOf(aps.close).returns.toEqualTypeOf<Promise<void>>();
  });

  it('rejects unknown options at compile time too', () => {
    // @ts-expect-error `scope` is not an option (`scopes` is)
    ssaToken({ scope: ['data:read'] });
  });
});
