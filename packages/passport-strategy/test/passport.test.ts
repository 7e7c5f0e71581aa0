import { ProviderRegistry } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Passport } from 'passport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SsaStrategy } from '../src/index.js';
import type { SsaAuthInfo, SsaIdentity, SsaStrategyOptions, SsaVerifyFunction, SsaVerifyFunctionWithRequest } from '../src/index.js';
import { EXPRESS_MAJORS, expectNoSecrets, listen, logged } from '@aps-ssa/test-support';

describe.each(EXPRESS_MAJORS)('%s', (_name, express) => {
  let emulator: Emulator;
  let registry: ProviderRegistry;
  let server: { url: string; close(): Promise<void> } | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    registry = new ProviderRegistry();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await registry.close();
    await emulator.close();
  });

  /** An app with `GET /me` behind `passport.authenticate('aps-ssa')`, calling APS as the service account. */
  async function serve(strategy: SsaStrategy, route?: RequestHandler): Promise<string> {
    const passport = new Passport();
    passport.use(strategy);
    const app = express();
    app.get(
      '/me',
      passport.authenticate('aps-ssa', { session: false }),
      route ??
        (async (req, res, next) => {
          try {
            const { client } = req.authInfo as SsaAuthInfo;
            res.json({ user: req.user, profile: await client.get('userprofile/v1/users/@me').json() });
          } catch (error) {
            next(error);
          }
        }),
    );
    server = await listen(app);
    return server.url;
  }

  const strategy = (options: SsaStrategyOptions = {}, verify?: SsaVerifyFunction): SsaStrategy =>
    new SsaStrategy({ env: emulator.seed.env, registry, ...options }, verify);

  it('authenticates the request as the service account, whose token reaches APS', async () => {
    const url = await serve(strategy());
    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    const { user, profile } = (await response.json()) as { user: SsaIdentity; profile: { userId: string } };
    expect(user).toEqual({ id: emulator.seed.serviceAccountId, clientId: emulator.seed.clientId, scopes: ['data:read', 'user-profile:read'] });
    expect(profile.userId).toBe(emulator.seed.serviceAccountId);
  });

  it('puts the token, its expiry and the client in req.authInfo, the token hidden from logs', async () => {
    const infos: SsaAuthInfo[] = [];
    const url = await serve(strategy(), (req, res) => {
      infos.push(req.authInfo as SsaAuthInfo);
      res.type('text').send(logged({ user: req.user, authInfo: req.authInfo }));
    });
    const texts = [await (await fetch(`${url}/me`)).text(), await (await fetch(`${url}/me`)).text()];
    const [info] = infos;
    expect(info).toMatchObject({ expiresAt: info!.token.expiresAt, scopes: ['data:read', 'user-profile:read'] });
    expect(info!.token.accessToken).toMatch(/^eyJ/);
    expect(typeof info!.client.get).toBe('function');
    // A warm request reuses the frozen info of its token.
    expect(infos[1]).toBe(info);
    for (const text of texts) {
      expect(text).toContain('[redacted]');
      expectNoSecrets(text, emulator, [info!.token.accessToken]);
    }
  });

  it('authenticates in the same turn when the token is fresh, and waits for it when none is', async () => {
    const made = strategy();
    // What Passport does per request: an Object.create() of the strategy, given success/fail/error.
    const attempt = (): { outcome: { user?: unknown; info?: unknown }; done: Promise<void> } => {
      const outcome: { user?: unknown; info?: unknown } = {};
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((r) => (resolve = r));
      const request = Object.create(made) as SsaStrategy & { success(user: unknown, info: unknown): void; error(error: Error): void };
      request.success = (user, info) => {
        Object.assign(outcome, { user, info });
        resolve();
      };
      request.error = (error) => {
        throw error;
      };
      request.authenticate({} as never);
      return { outcome, done };
    };
    const cold = attempt();
    expect(cold.outcome.user).toBeUndefined();
    await cold.done;
    const warm = attempt();
    expect(warm.outcome.user).toBe(cold.outcome.user);
    expect(warm.outcome.info).toBe(cold.outcome.info);
    expect(made.provider.stats).toMatchObject({ exchanges: 1, cacheMisses: 1, cacheHits: 1 });
  });

  it('lets a verify callback map the identity', async () => {
    const verify: SsaVerifyFunction = (identity, authInfo, done) => done(null, { robot: identity.id, until: authInfo.expiresAt });
    const url = await serve(strategy({}, verify), (req, res) => void res.json({ user: req.user, hasInfo: (req.authInfo as SsaAuthInfo).client !== undefined }));
    const body = (await (await fetch(`${url}/me`)).json()) as { user: { robot: string; until: number }; hasInfo: boolean };
    expect(body.user.robot).toBe(emulator.seed.serviceAccountId);
    expect(body.user.until).toBeGreaterThan(Date.now());
    expect(body.hasInfo).toBe(true);
  });

  it('answers 401 when the verify callback refuses, without calling the route', async () => {
    let routed = false;
    const verify: SsaVerifyFunction = (identity, _authInfo, done) => done(null, identity.scopes.includes('data:write') && identity, { message: 'needs data:write' });
    const url = await serve(strategy({}, verify), (_req, res) => {
      routed = true;
      res.send('routed');
    });
    const response = await fetch(`${url}/me`);
    expect([response.status, await response.text()]).toEqual([401, 'Unauthorized']);
    expect(routed).toBe(false);
  });

  it('passes the request first with passReqToCallback, and reports a verify error or throw as an error', async () => {
    const verify: SsaVerifyFunctionWithRequest = (req, identity, _authInfo, done) => {
      if (req.query.fail === 'callback') return done(new Error('verify failed'));
      if (req.query.fail === 'throw') throw new Error('verify threw');
      done(null, { id: identity.id, path: req.path });
    };
    const passport = new Passport();
    passport.use(new SsaStrategy({ env: emulator.seed.env, registry, passReqToCallback: true }, verify));
    const app = express();
    app.get('/me', passport.authenticate('aps-ssa', { session: false }), (req, res) => void res.json(req.user));
    app.use(((err, _req, res, _next) => void res.status(500).send(`error: ${(err as Error).message}`)) satisfies ErrorRequestHandler);
    server = await listen(app);

    expect(await (await fetch(`${server.url}/me`)).json()).toEqual({ id: emulator.seed.serviceAccountId, path: '/me' });
    expect(await (await fetch(`${server.url}/me?fail=callback`)).text()).toBe('error: verify failed');
    expect(await (await fetch(`${server.url}/me?fail=throw`)).text()).toBe('error: verify threw');
  });

  it('gives strategies of other scopes their own provider, and those of the same scopes one provider', async () => {
    const reader = strategy({ scopes: ['data:read'] });
    expect(strategy({ scopes: ['data:read'] }).provider).toBe(reader.provider);
    const url = await serve(strategy({ scopes: ['user-profile:read'] }));
    expect(((await (await fetch(`${url}/me`)).json()) as { user: SsaIdentity }).user.scopes).toEqual(['user-profile:read']);
    expect(registry.size).toBe(2);
  });
});
