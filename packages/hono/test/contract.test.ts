import { adapterContract } from '@aps-ssa/test-support';
import { Hono } from 'hono';
import { ssaToken } from '../src/index.js';
import { serveHono } from '@aps-ssa/test-support';

adapterContract({
  where: 'ssaToken()',
  create: (options) => ssaToken(options),
  async serve({ options, scoped, log }) {
    const aps = ssaToken({ ...options, log });
    const app = new Hono();
    app.get('/me', aps, async (c) => c.json(await c.var.aps.client.get('userprofile/v1/users/@me').json()));
    for (const [name, scopes] of Object.entries(scoped)) app.get(`/scoped/${name}`, ssaToken({ ...options, log, scopes: [...scopes] }), (c) => c.json(c.var.aps.scopes));
    const server = await serveHono(app);
    return { url: server.url, provider: aps.provider, shutdown: async () => (await server.close(), await aps.close()) };
  },
});
