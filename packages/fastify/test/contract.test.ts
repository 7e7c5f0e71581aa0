import { adapterContract } from '@aps-ssa/test-support';
import Fastify from 'fastify';
import { ssaToken } from '../src/index.js';

adapterContract({
  where: 'app.register(ssaToken)',
  create: (options) => Fastify().register(ssaToken, options).ready(),
  async serve({ options, scoped, log }) {
    const app = Fastify();
    await app.register(ssaToken, { ...options, log });
    app.get('/me', (request) => request.aps.client.get('userprofile/v1/users/@me').json());
    for (const [name, scopes] of Object.entries(scoped)) app.get(`/scoped/${name}`, { config: { aps: { scopes } } }, (request) => request.aps.scopes);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, provider: app.apsProvider, shutdown: () => app.close() };
  },
});
