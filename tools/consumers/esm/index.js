// An ESM user of every @aps-ssa package, installed from the packed tarballs: imports each one and
// uses it against the packed emulator. Prints one line per check; exits 1 if any failed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { main as cliMain } from '@aps-ssa/cli';
import { createApsClient, createTokenProvider, SsaTokenUnavailableError } from '@aps-ssa/core';
import { closestName } from '@aps-ssa/core/adapter';
import { ADMIN_SCOPES, createAdminClient } from '@aps-ssa/core/admin';
import { startEmulator } from '@aps-ssa/emulator';
import { ssaErrorHandler, ssaTokenMiddleware } from '@aps-ssa/express-middleware';
import { ssaToken as fastifySsaToken } from '@aps-ssa/fastify';
import { ssaToken as honoSsaToken } from '@aps-ssa/hono';
import { ssaToken as koaSsaToken } from '@aps-ssa/koa';
import { ssaAuthenticationProvider } from '@aps-ssa/aps-sdk';
import { SSA_APS_CLIENT, SsaModule, SsaTokenService } from '@aps-ssa/nestjs-module';
import { SSA_STRATEGY_NAME, SsaStrategy } from '@aps-ssa/passport-strategy';
import { createRedisTokenStore } from '@aps-ssa/redis-store';
import { openPkcs11Signer } from '@aps-ssa/pkcs11';
import { instrumentApsSsa } from '@aps-ssa/opentelemetry';
import { ssaInterceptor } from '@aps-ssa/undici';
import { useSsaToken } from '@aps-ssa/axios';
import axios from 'axios';
import { Agent } from 'undici';
import { serve } from '@hono/node-server';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import Koa from 'koa';
import passport from 'passport';

const ME = 'userprofile/v1/users/@me';
let failures = 0;

async function check(name, run) {
  try {
    console.log(`ok ${name}${(await run()) ?? ''}`);
  } catch (error) {
    failures++;
    console.log(`not ok ${name}: ${error?.stack ?? error}`);
  }
}

const emulator = await startEmulator({ port: 0 });
const { env } = emulator.seed;
try {
  await check('@aps-ssa/core: a real exchange, and the APS client', async () => {
    const provider = createTokenProvider({ env });
    try {
      const token = await provider.getToken();
      assert.equal(token.tokenType, 'Bearer');
      assert.ok(token.expiresAt > Date.now());
      const profile = await createApsClient({ provider }).get(ME).json();
      assert.equal(profile.userId, emulator.seed.serviceAccountId);
    } finally {
      await provider.close();
    }
  });

  await check('@aps-ssa/undici and @aps-ssa/axios: fetch() and axios carry the token to APS', async () => {
    const provider = createTokenProvider({ env });
    const dispatcher = new Agent().compose(ssaInterceptor({ provider }));
    try {
      const viaFetch = await (await fetch(`${emulator.url}/${ME}`, { dispatcher })).json();
      assert.equal(viaFetch.userId, emulator.seed.serviceAccountId);
      const client = axios.create();
      useSsaToken(client, { provider });
      assert.equal((await client.get(`${emulator.url}/${ME}`)).data.userId, emulator.seed.serviceAccountId);
    } finally {
      await dispatcher.close();
      await provider.close();
    }
  });

  await check('@aps-ssa/core/admin and @aps-ssa/core/adapter: the subpaths', async () => {
    const admin = createAdminClient({ clientId: emulator.seed.clientId, clientSecret: emulator.seed.clientSecret, baseUrl: emulator.url });
    assert.ok((await admin.listServiceAccounts()).some((account) => account.serviceAccountId === emulator.seed.serviceAccountId));
    assert.ok(ADMIN_SCOPES.length > 0);
    assert.equal(closestName('baseUrI', ['baseUrl', 'fetch']), 'baseUrl');
  });

  await check('@aps-ssa/express-middleware + @aps-ssa/passport-strategy: requests through Express', async () => {
    passport.use(new SsaStrategy({ env }));
    const app = express();
    app.get('/me', ssaTokenMiddleware({ env }), async (req, res) => res.json(await req.aps.client.get(ME).json()));
    app.get('/whoami', passport.authenticate(SSA_STRATEGY_NAME, { session: false }), (req, res) => res.json(req.user));
    app.use(ssaErrorHandler());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${server.address().port}`;
      const me = await fetch(`${base}/me`);
      assert.equal(me.status, 200);
      assert.equal((await me.json()).userId, emulator.seed.serviceAccountId);
      const whoami = await fetch(`${base}/whoami`);
      assert.equal(whoami.status, 200);
      assert.equal((await whoami.json()).id, emulator.seed.serviceAccountId);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  await check('@aps-ssa/fastify, @aps-ssa/hono, @aps-ssa/koa: a request through each', async () => {
    const fastify = Fastify();
    await fastify.register(fastifySsaToken, { env });
    fastify.get('/me', (request) => request.aps.client.get(ME).json());
    const hono = new Hono();
    hono.get('/me', honoSsaToken({ env }), async (c) => c.json(await c.var.aps.client.get(ME).json()));
    const koa = new Koa();
    koa.use(koaSsaToken({ env }));
    koa.use(async (ctx) => (ctx.body = await ctx.state.aps.client.get(ME).json()));
    const honoServer = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' });
    const koaServer = koa.listen(0, '127.0.0.1');
    await Promise.all([once(honoServer, 'listening'), once(koaServer, 'listening')]);
    try {
      for (const base of [await fastify.listen({ port: 0, host: '127.0.0.1' }), `http://127.0.0.1:${honoServer.address().port}`, `http://127.0.0.1:${koaServer.address().port}`]) {
        const me = await fetch(`${base}/me`);
        assert.equal(me.status, 200);
        assert.equal((await me.json()).userId, emulator.seed.serviceAccountId);
      }
    } finally {
      await fastify.close();
      for (const server of [honoServer, koaServer]) {
        server.close();
        server.closeAllConnections();
      }
    }
  });

  await check('@aps-ssa/aps-sdk: a token for the scopes the SDK asks, accepted by OSS', async () => {
    const auth = ssaAuthenticationProvider({ env, scopes: ['bucket:read'] });
    try {
      const buckets = await fetch(`${emulator.url}/oss/v2/buckets`, { headers: { authorization: `Bearer ${await auth.getAccessToken(['bucket:read'])}` } });
      assert.equal(buckets.status, 200);
      assert.deepEqual(await buckets.json(), { items: [] });
    } finally {
      await auth.close();
    }
  });

  await check('@aps-ssa/nestjs-module: an application context', async () => {
    const app = await NestFactory.createApplicationContext(SsaModule.forRoot({ env }), { logger: false });
    const tokens = app.get(SsaTokenService);
    assert.match(await tokens.getAuthorizationHeader(), /^Bearer \S+$/);
    assert.equal((await app.get(SSA_APS_CLIENT).get(ME).json()).userId, emulator.seed.serviceAccountId);
    await app.close();
    assert.equal(tokens.provider.closed, true);
  });

  await check('@aps-ssa/opentelemetry (no SDK: the no-op providers) and @aps-ssa/pkcs11 (its addon loads)', async () => {
    const instrumentation = instrumentApsSsa();
    const provider = createTokenProvider({ env });
    try {
      await provider.getToken();
    } finally {
      instrumentation.disable();
      await provider.close();
    }
    const error = await openPkcs11Signer({ module: '/nonexistent/pkcs11.so', token: 't', kid: 'k', pin: 'p' }).catch((e) => e);
    assert.equal(error.code, 'ERR_SSA_SIGNER_SETUP');
  });

  await check('@aps-ssa/redis-store', async () => {
    if (!process.env.REDIS_URL) {
      assert.equal(typeof createRedisTokenStore, 'function');
      return ' (imported only: no REDIS_URL)';
    }
    const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const store = createRedisTokenStore({ redis, secret: env.APS_CLIENT_SECRET });
    const provider = createTokenProvider({ env, store });
    try {
      assert.equal((await createApsClient({ provider }).get(ME).json()).userId, emulator.seed.serviceAccountId);
    } finally {
      await provider.close();
      await store.close();
      redis.disconnect();
    }
    return ' (against redis-server)';
  });

  await check('@aps-ssa/cli: the aps-ssa bin, and main()', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/aps-ssa', ['token', '--json'], { env: { ...process.env, ...env } });
    assert.deepEqual(JSON.parse(stdout).scopes, [...emulator.seed.scopes].sort());
    const out = [];
    const code = await cliMain(['--help'], { stdout: { write: (text) => out.push(text) }, stderr: process.stderr, stdin: process.stdin, env, cwd: process.cwd(), now: Date.now });
    assert.equal(code, 0);
    assert.match(out.join(''), /^Usage: aps-ssa/);
  });

  await check('errors are the package classes; deep imports are closed by `exports`', async () => {
    const provider = createTokenProvider({ env: { ...env, APS_CLIENT_SECRET: 'wrong' } });
    await assert.rejects(provider.getToken(), (error) => error instanceof SsaTokenUnavailableError && error.cause.code === 'ERR_SSA_INVALID_CLIENT');
    await provider.close();
    await assert.rejects(import('@aps-ssa/core/dist/token-provider.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });
} finally {
  await emulator.close();
}
process.exitCode = failures === 0 ? 0 : 1;
