import { adapterContract, listen } from '@aps-ssa/test-support';
import Koa from 'koa';
import type { Middleware } from 'koa';
import { ssaToken } from '../src/index.js';

/** `middleware` on the requests to `path` only (what a router does). */
const at = (path: string, middleware: Middleware): Middleware => (ctx, next) => (ctx.path === path ? middleware(ctx, next) : next());

adapterContract({
  where: 'ssaToken()',
  create: (options) => ssaToken(options),
  async serve({ options, scoped, log }) {
    const aps = ssaToken({ ...options, log });
    const app = new Koa();
    app.use(at('/me', aps));
    app.use(at('/me', async (ctx) => (ctx.body = await ctx.state.aps.client.get('userprofile/v1/users/@me').json())));
    for (const [name, scopes] of Object.entries(scoped)) {
      app.use(at(`/scoped/${name}`, ssaToken({ ...options, log, scopes: [...scopes] })));
      app.use(at(`/scoped/${name}`, (ctx) => void (ctx.body = ctx.state.aps.scopes)));
    }
    const server = await listen(app);
    return { url: server.url, provider: aps.provider, shutdown: async () => (await server.close(), await aps.close()) };
  },
});
