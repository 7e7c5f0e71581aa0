import { ProviderRegistry } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { PassportStrategy } from '@nestjs/passport';
import express from 'express';
import passport from 'passport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SsaStrategy } from '../src/index.js';
import type { SsaAuthInfo, SsaIdentity } from '../src/index.js';
import { listen } from '@aps-ssa/test-support';

// @nestjs/passport's mixin calls `super(...args, callback)` and registers the instance with the global
// passport; its `validate` is the verify callback. The NestJS sample shows it inside a Nest app.
describe('with @nestjs/passport PassportStrategy(SsaStrategy)', () => {
  let emulator: Emulator;
  const registry = new ProviderRegistry();
  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
  });
  afterEach(async () => {
    passport.unuse('aps-ssa');
    await registry.close();
    await emulator.close();
  });

  it('registers as aps-ssa and authenticates through validate(), which can refuse', async () => {
    class ServiceAccountStrategy extends PassportStrategy(SsaStrategy) {
      constructor(readonly allowed: string) {
        super({ env: emulator.seed.env, registry });
      }

      validate(identity: SsaIdentity, authInfo: SsaAuthInfo): object | null {
        return identity.scopes.includes(this.allowed) ? { robot: identity.id, expiresAt: authInfo.expiresAt } : null;
      }
    }
    new ServiceAccountStrategy('user-profile:read');
    const app = express();
    app.get('/me', passport.authenticate('aps-ssa', { session: false }), (req, res) => void res.json(req.user));
    const server = await listen(app);
    try {
      const body = (await (await fetch(`${server.url}/me`)).json()) as { robot: string; expiresAt: number };
      expect(body.robot).toBe(emulator.seed.serviceAccountId);
      expect(body.expiresAt).toBeGreaterThan(Date.now());

      new ServiceAccountStrategy('data:write'); // replaces the registration; its validate() refuses
      expect((await fetch(`${server.url}/me`)).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
