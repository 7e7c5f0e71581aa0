// A TypeScript user of every @aps-ssa package (NodeNext, strict, and the packages' declaration files
// checked too: skipLibCheck is off). Compiling it is the first test; running it the second.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { main } from '@aps-ssa/cli';
import type { CliIo } from '@aps-ssa/cli';
import { createApsClient, createTokenProvider, SsaError } from '@aps-ssa/core';
import type { AccessToken, TokenProvider, TokenProviderOptions } from '@aps-ssa/core';
import { closestName } from '@aps-ssa/core/adapter';
import { createAdminClient } from '@aps-ssa/core/admin';
import type { AdminClient } from '@aps-ssa/core/admin';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { ssaErrorHandler, ssaTokenMiddleware } from '@aps-ssa/express-middleware';
import type { ApsRequestContext } from '@aps-ssa/express-middleware';
import { ssaToken as fastifySsaToken } from '@aps-ssa/fastify';
import type { ApsRequestContext as FastifyApsContext } from '@aps-ssa/fastify';
import { ssaToken as honoSsaToken } from '@aps-ssa/hono';
import type { ApsRequestContext as HonoApsContext } from '@aps-ssa/hono';
import { ssaToken as koaSsaToken } from '@aps-ssa/koa';
import type { ApsRequestContext as KoaApsContext } from '@aps-ssa/koa';
import { ssaAuthenticationProvider } from '@aps-ssa/aps-sdk';
import type { ApsAuthenticationProvider, SsaAuthenticationProvider } from '@aps-ssa/aps-sdk';
import { InjectApsClient, SsaExceptionFilter, SsaHealthIndicator, SsaModule, SsaTokenService } from '@aps-ssa/nestjs-module';
import type { ApsClient, SsaHealthStatus } from '@aps-ssa/nestjs-module';
import { SsaStrategy } from '@aps-ssa/passport-strategy';
import type { SsaIdentity } from '@aps-ssa/passport-strategy';
import { createRedisTokenStore } from '@aps-ssa/redis-store';
import type { RedisTokenStore } from '@aps-ssa/redis-store';
import { openPkcs11Signer } from '@aps-ssa/pkcs11';
import type { Pkcs11SignerOptions } from '@aps-ssa/pkcs11';
import { instrumentApsSsa } from '@aps-ssa/opentelemetry';
import { ssaInterceptor } from '@aps-ssa/undici';
import type { SsaInterceptorOptions } from '@aps-ssa/undici';
import { useSsaToken } from '@aps-ssa/axios';
import type { SsaAxiosHandle } from '@aps-ssa/axios';
import axios from 'axios';
import { Agent } from 'undici';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import Koa from 'koa';
import passport from 'passport';

interface Profile {
  userId: string;
}

const ME = 'userprofile/v1/users/@me';

/**
 * Never called: what the types must refuse. Each line under `@ts-expect-error` has to be a type
 * error, so tsc fails if a package's types were missing or loose (`any` accepts everything).
 */
export function refusedByTheTypes(provider: TokenProvider, token: AccessToken): void {
  // @ts-expect-error scopes are an array of strings
  createTokenProvider({ scopes: 'data:read' });
  // @ts-expect-error unknown option
  SsaModule.forRoot({ scope: ['data:read'] });
  // @ts-expect-error expiresAt is a number of ms
  const expiresAt: string = token.expiresAt;
  // @ts-expect-error getToken() is asynchronous
  const now: AccessToken = provider.getToken();
  // @ts-expect-error the strategy's options are checked too
  new SsaStrategy({ passReqToCallback: 'yes' });
  void [expiresAt, now];
}

/** Never called either: what the types must accept, beyond what runs below. */
export function acceptedByTheTypes(): RedisTokenStore {
  const options: TokenProviderOptions = { scopes: ['data:read'], retry: { maxAttempts: 2 } };
  void SsaModule.forRootAsync({ useFactory: async () => options, isGlobal: true });
  return createRedisTokenStore({ redis: new Redis({ lazyConnect: true }), secret: 'the client secret' });
}

@Controller()
class ProfileController {
  constructor(
    @InjectApsClient() private readonly aps: ApsClient,
    private readonly health: SsaHealthIndicator,
  ) {}

  @Get('me')
  me(): Promise<Profile> {
    return this.aps.get(ME).json<Profile>();
  }

  @Get('healthz')
  healthz(): Promise<SsaHealthStatus> {
    return this.health.check();
  }
}

async function nestApp(emulator: Emulator): Promise<void> {
  @Module({
    imports: [SsaModule.forRootAsync({ useFactory: () => ({ env: emulator.seed.env }) })],
    controllers: [ProfileController],
    providers: [{ provide: APP_FILTER, useClass: SsaExceptionFilter }],
  })
  class AppModule {}

  const app: INestApplication = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    const url = await app.getUrl();
    const profile = (await (await fetch(`${url}/me`)).json()) as Profile;
    assert.equal(profile.userId, emulator.seed.serviceAccountId);
    const health = (await (await fetch(`${url}/healthz`)).json()) as SsaHealthStatus;
    assert.equal(health.status, 'up');
  } finally {
    await app.close();
  }
  assert.equal(app.get(SsaTokenService).provider.closed, true);
}

async function expressApp(emulator: Emulator): Promise<void> {
  const { env } = emulator.seed;
  passport.use(new SsaStrategy({ env }));
  const app = express();
  app.get('/me', ssaTokenMiddleware({ env }), async (req, res) => {
    const context: ApsRequestContext = req.aps; // the Express.Request augmentation
    res.json(await context.client.get(ME).json<Profile>());
  });
  app.get('/whoami', passport.authenticate('aps-ssa', { session: false }), (req, res) => {
    res.json(req.user as SsaIdentity);
  });
  app.use(ssaErrorHandler());
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    assert.equal(((await (await fetch(`${base}/me`)).json()) as Profile).userId, emulator.seed.serviceAccountId);
    assert.equal(((await (await fetch(`${base}/whoami`)).json()) as SsaIdentity).id, emulator.seed.serviceAccountId);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

/** The Fastify plugin, the Hono and the Koa middleware, each typed by its augmentation, serving `/me`. */
async function frameworkApps(emulator: Emulator): Promise<void> {
  const { env } = emulator.seed;
  const fastify = Fastify();
  await fastify.register(fastifySsaToken, { env });
  fastify.get('/me', (request) => {
    const context: FastifyApsContext = request.aps; // the FastifyRequest augmentation
    return context.client.get(ME).json<Profile>();
  });
  const hono = new Hono();
  hono.get('/me', honoSsaToken({ env }), async (c) => {
    const context: HonoApsContext = c.var.aps; // the ContextVariableMap augmentation
    return c.json(await context.client.get(ME).json<Profile>());
  });
  const koa = new Koa();
  koa.use(koaSsaToken({ env }));
  koa.use(async (ctx) => {
    const context: KoaApsContext = ctx.state.aps; // the DefaultState augmentation
    ctx.body = await context.client.get(ME).json<Profile>();
  });
  const honoServer = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' });
  const koaServer = koa.listen(0, '127.0.0.1');
  await Promise.all([once(honoServer, 'listening'), once(koaServer, 'listening')]);
  try {
    const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
    for (const base of [await fastify.listen({ port: 0, host: '127.0.0.1' }), `http://127.0.0.1:${port(honoServer)}`, `http://127.0.0.1:${port(koaServer)}`]) {
      assert.equal(((await (await fetch(`${base}/me`)).json()) as Profile).userId, emulator.seed.serviceAccountId);
    }
  } finally {
    await fastify.close();
    honoServer.close();
    koaServer.close();
    koaServer.closeAllConnections();
  }
}

const emulator = await startEmulator({ port: 0 });
try {
  const provider = createTokenProvider({ env: emulator.seed.env });
  const token: AccessToken = await provider.getToken();
  assert.ok(token.expiresAt > Date.now());
  assert.equal((await createApsClient({ provider }).get(ME).json<Profile>()).userId, emulator.seed.serviceAccountId);
  await provider.close();
  console.log('ok @aps-ssa/core');

  const sdkAuth: SsaAuthenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: ['data:read'] });
  const asSdkSees: ApsAuthenticationProvider = sdkAuth;
  assert.match(await asSdkSees.getAccessToken(['data:read']), /^eyJ/);
  await sdkAuth.close();
  console.log('ok @aps-ssa/aps-sdk');

  const admin: AdminClient = createAdminClient({ clientId: emulator.seed.clientId, clientSecret: emulator.seed.clientSecret, baseUrl: emulator.url });
  assert.ok((await admin.listServiceAccounts()).some((account) => account.serviceAccountId === emulator.seed.serviceAccountId));
  assert.equal(closestName('baseUrI', ['baseUrl', 'fetch']), 'baseUrl');
  console.log('ok @aps-ssa/core/admin, @aps-ssa/core/adapter');

  await expressApp(emulator);
  console.log('ok @aps-ssa/express-middleware, @aps-ssa/passport-strategy');
  await frameworkApps(emulator);
  console.log('ok @aps-ssa/fastify, @aps-ssa/hono, @aps-ssa/koa');
  await nestApp(emulator);
  console.log('ok @aps-ssa/nestjs-module (decorators and metadata compiled by tsc)');

  const out: string[] = [];
  const io: CliIo = { stdout: { write: (text) => out.push(text) }, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: process.cwd(), now: Date.now };
  assert.equal(await main(['--help'], io), 0);
  assert.ok(new SsaError('ERR_SSA_CONFIG', 'test') instanceof Error);
  console.log('ok @aps-ssa/cli, @aps-ssa/redis-store (types)');
  const hsm: Pkcs11SignerOptions = { module: '/nonexistent/pkcs11.so', token: 't', kid: 'k', pin: 'p' };
  const refused: unknown = await openPkcs11Signer(hsm).catch((error: unknown) => error);
  assert.ok(refused instanceof SsaError && refused.code === 'ERR_SSA_SIGNER_SETUP');
  instrumentApsSsa().disable();
  console.log('ok @aps-ssa/pkcs11, @aps-ssa/opentelemetry');

  const outbound = createTokenProvider({ env: emulator.seed.env });
  const interceptorOptions: SsaInterceptorOptions = { provider: outbound };
  const dispatcher = new Agent().compose(ssaInterceptor(interceptorOptions));
  const response = await dispatcher.request({ origin: emulator.url, path: '/userprofile/v1/users/@me', method: 'GET' });
  assert.equal(((await response.body.json()) as { userId: string }).userId, emulator.seed.serviceAccountId);
  const client = axios.create();
  const handle: SsaAxiosHandle = useSsaToken(client, { provider: outbound });
  assert.equal((await client.get<{ userId: string }>(`${emulator.url}/userprofile/v1/users/@me`)).data.userId, emulator.seed.serviceAccountId);
  handle.eject();
  await outbound.close();
  console.log('ok @aps-ssa/undici, @aps-ssa/axios');
} finally {
  await emulator.close();
}
