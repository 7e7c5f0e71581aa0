import type { TokenProvider } from '@aps-ssa/core';
import Fastify from 'fastify';
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { ssaToken } from '../src/index.js';
import type { ApsRequestContext, ApsRouteConfig } from '../src/index.js';

describe('public types', () => {
  it('types request.aps, route config and app.apsProvider by module augmentation', async () => {
    expectTypeOf<FastifyRequest['aps']>().toEqualTypeOf<ApsRequestContext>();
    const app = Fastify();
    await app.register(ssaToken, { scopes: ['data:read'] });
    expectTypeOf(app.apsProvider).toEqualTypeOf<TokenProvider>();
    app.get('/me', (request) => request.aps.client.get('userprofile/v1/users/@me').json());
    app.post('/buckets', { config: { aps: { scopes: ['bucket:create'] } } }, (request) => request.aps.scopes);
    app.get('/healthz', { config: { aps: false } }, () => 'ok');
    expectTypeOf<false>().toMatchTypeOf<ApsRouteConfig>();
  });

  it('rejects unknown options at compile time too', async () => {
    // @ts-expect-error `scope` is not an option (`scopes` is)
    await Fastify().register(ssaToken, { scope: ['data:read'] });
  });
});
