import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import passport from 'passport';
import type { Strategy as PassportStrategyContract } from 'passport';
import { describe, expectTypeOf, it } from 'vitest';
import { SsaStrategy } from '../src/index.js';
import type { SsaAuthInfo, SsaIdentity, SsaVerifyDone } from '../src/index.js';

describe('public types', () => {
  it('is a Passport strategy, usable with passport.use and the NestJS mixin', () => {
    expectTypeOf<SsaStrategy>().toExtend<PassportStrategyContract>();
    passport.use(new SsaStrategy());
    class Nest extends PassportStrategy(SsaStrategy) {
      validate(identity: SsaIdentity): SsaIdentity {
        return identity;
      }
    }
    expectTypeOf<Nest>().toExtend<SsaStrategy>();
  });

  it('types the verify callback by passReqToCallback', () => {
    new SsaStrategy({ scopes: ['data:read'] }, (identity, authInfo, done) => {
      expectTypeOf(identity).toEqualTypeOf<SsaIdentity>();
      expectTypeOf(authInfo).toEqualTypeOf<SsaAuthInfo>();
      expectTypeOf(done).toEqualTypeOf<SsaVerifyDone>();
      done(null, false, { message: 'refused' });
    });
    new SsaStrategy({ passReqToCallback: true }, (req, identity, _authInfo, done) => {
      expectTypeOf(req).toEqualTypeOf<Request>();
      done(null, identity);
    });
    // @ts-expect-error a request-first callback needs `passReqToCallback: true`
    new SsaStrategy({}, (_req: Request, _identity: SsaIdentity, _authInfo: SsaAuthInfo, _done: SsaVerifyDone) => undefined);
    // @ts-expect-error `scope` is not an option (`scopes` is)
    new SsaStrategy({ scope: ['data:read'] });
  });
});
