import type { AccessToken } from '@aps-ssa/core';
import express from 'express';
import type { Request } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { ssaErrorHandler, ssaTokenMiddleware } from '../src/index.js';
import type { ApsClient, ApsRequestContext, SsaTokenMiddleware } from '../src/index.js';

describe('public types', () => {
  it('types req.aps on every Express request', () => {
    expectTypeOf<Request['aps']>().toEqualTypeOf<ApsRequestContext>();
    expectTypeOf<ApsRequestContext['token']>().toEqualTypeOf<AccessToken>();
    expectTypeOf<ApsRequestContext['client']>().toEqualTypeOf<ApsClient>();
  });

  it('fits app.use, router.use and route handlers', () => {
    const app = express();
    const aps = ssaTokenMiddleware({ scopes: ['data:read'] });
    expectTypeOf(aps).toEqualTypeOf<SsaTokenMiddleware>();
    app.use(aps);
    express.Router().use(ssaTokenMiddleware());
    app.get('/me', aps, async (req, res) => {
      const profile = await req.aps.client.get('userprofile/v1/users/@me').json<{ userId: string }>();
      res.json({ id: profile.userId, expiresAt: req.aps.expiresAt });
    });
    app.use(ssaErrorHandler());
    expectTypeOf(aps.close).returns.toEqualTypeOf<Promise<void>>();
  });

  it('rejects unknown options at compile time too', () => {
    // @ts-expect-error `scope` is not an option (`scopes` is)
    ssaTokenMiddleware({ scope: ['data:read'] });
  });
});
