'use strict';
// A CommonJS user: require() of every @aps-ssa package (ESM, loaded through require(esm), Node.js >=
// 20.19), then the basics against the packed emulator. One line per check; exits 1 if any failed.
const assert = require('node:assert/strict');
const { once } = require('node:events');
const { main: cliMain } = require('@aps-ssa/cli');
const { createApsClient, createTokenProvider, SsaError } = require('@aps-ssa/core');
const { closestName } = require('@aps-ssa/core/adapter');
const { createAdminClient } = require('@aps-ssa/core/admin');
const { startEmulator } = require('@aps-ssa/emulator');
const { ssaErrorHandler, ssaTokenMiddleware } = require('@aps-ssa/express-middleware');
const { ssaToken: fastifySsaToken } = require('@aps-ssa/fastify');
const { ssaToken: honoSsaToken } = require('@aps-ssa/hono');
const { ssaToken: koaSsaToken } = require('@aps-ssa/koa');
const { ssaAuthenticationProvider } = require('@aps-ssa/aps-sdk');
const { SsaModule, SsaTokenService } = require('@aps-ssa/nestjs-module');
const { SsaStrategy } = require('@aps-ssa/passport-strategy');
const { createRedisTokenStore } = require('@aps-ssa/redis-store');
const { openPkcs11Signer } = require('@aps-ssa/pkcs11');
const { instrumentApsSsa } = require('@aps-ssa/opentelemetry');
const { ssaInterceptor } = require('@aps-ssa/undici');
const { useSsaToken } = require('@aps-ssa/axios');
const { NestFactory } = require('@nestjs/core');
const express = require('express');
const Fastify = require('fastify');

const ME = 'userprofile/v1/users/@me';

async function run() {
  let failures = 0;
  const check = async (name, body) => {
    try {
      await body();
      console.log(`ok ${name}`);
    } catch (error) {
      failures++;
      console.log(`not ok ${name}: ${error?.stack ?? error}`);
    }
  };

  await check('require() returns every package', async () => {
    for (const value of [cliMain, createRedisTokenStore, SsaStrategy, SsaModule, createAdminClient, openPkcs11Signer, instrumentApsSsa, fastifySsaToken, honoSsaToken, koaSsaToken, ssaAuthenticationProvider, ssaInterceptor, useSsaToken]) {
      assert.equal(typeof value, 'function');
    }
    assert.equal(closestName('baseUrI', ['baseUrl', 'fetch']), 'baseUrl');
    assert.ok(new SsaError('ERR_SSA_CONFIG', 'x') instanceof Error);
  });

  const emulator = await startEmulator({ port: 0 });
  const { env } = emulator.seed;
  try {
    await check('@aps-ssa/core: a real exchange, and the APS client', async () => {
      const provider = createTokenProvider({ env });
      try {
        assert.ok((await provider.getToken()).expiresAt > Date.now());
        assert.equal((await createApsClient({ provider }).get(ME).json()).userId, emulator.seed.serviceAccountId);
      } finally {
        await provider.close();
      }
    });

    await check('@aps-ssa/aps-sdk: an IAuthenticationProvider token', async () => {
      const auth = ssaAuthenticationProvider({ env });
      try {
        assert.match(await auth.getAccessToken(), /^eyJ/);
      } finally {
        await auth.close();
      }
    });

    await check('@aps-ssa/express-middleware: a request through Express', async () => {
      const app = express();
      app.get('/me', ssaTokenMiddleware({ env }), async (req, res) => res.json(await req.aps.client.get(ME).json()));
      app.use(ssaErrorHandler());
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const response = await fetch(`http://127.0.0.1:${server.address().port}/me`);
        assert.equal(response.status, 200);
        assert.equal((await response.json()).userId, emulator.seed.serviceAccountId);
      } finally {
        server.close();
        server.closeAllConnections();
      }
    });

    await check('@aps-ssa/fastify: a request through Fastify (the plugin from require())', async () => {
      const app = Fastify();
      await app.register(fastifySsaToken, { env });
      app.get('/me', (request) => request.aps.client.get(ME).json());
      try {
        const response = await fetch(`${await app.listen({ port: 0, host: '127.0.0.1' })}/me`);
        assert.equal((await response.json()).userId, emulator.seed.serviceAccountId);
      } finally {
        await app.close();
      }
    });

    await check('@aps-ssa/nestjs-module: an application context', async () => {
      const app = await NestFactory.createApplicationContext(SsaModule.forRoot({ env }), { logger: false });
      const tokens = app.get(SsaTokenService);
      assert.match(await tokens.getAuthorizationHeader(), /^Bearer \S+$/);
      await app.close();
      assert.equal(tokens.provider.closed, true);
    });
  } finally {
    await emulator.close();
  }
  return failures;
}

run().then(
  (failures) => {
    process.exitCode = failures === 0 ? 0 : 1;
  },
  (error) => {
    console.log(`not ok: ${error?.stack ?? error}`);
    process.exitCode = 1;
  },
);
