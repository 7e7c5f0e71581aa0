// Trust: the leak canary through Express. Distinctive secrets (client secret, private key, every
// issued token) must appear in no response, no `req.aps` rendering, no error handed to `next()`, no
// provider event, and no line Express or the library writes (Express's default handler logs errors).
import { ProviderRegistry } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { listen } from '@aps-ssa/test-support';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../../../apps/express-sample/src/app.js';
import { CanaryWatch, canarySecret } from '../../../core/test/trust/support/canaries.js';
import { ssaErrorHandler, ssaTokenMiddleware } from '../../src/index.js';
import type { SsaTokenMiddleware } from '../../src/index.js';
import { countExpressLogs } from './support.js';

const watch = new CanaryWatch();
watch.captureOutput();
// Only Express's own lines: the test's console calls below must not make the log check look exercised.
const expressLogs = countExpressLogs();

let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  const app = emulator.state.createApp({ name: 'canary-express', clientSecret: canarySecret() });
  const account = emulator.state.createServiceAccount({ clientId: app.clientId, name: 'canary-express' });
  const key = await emulator.state.createKey(account.serviceAccountId);
  watch.addSecret('client secret', app.clientSecret);
  watch.addPrivateKey('service account key', key.privateKey);
  env = {
    APS_CLIENT_ID: app.clientId,
    APS_CLIENT_SECRET: app.clientSecret,
    APS_SA_ID: account.serviceAccountId,
    APS_SA_KEY_ID: key.kid,
    APS_SA_PRIVATE_KEY: key.privateKey,
    APS_SCOPES: 'data:read user-profile:read',
    APS_BASE_URL: emulator.url,
  };
});
afterAll(() => emulator.close());

function observeEvents(provider: TokenProvider): void {
  for (const event of ['refreshed', 'refresh-failed', 'served-stale', 'invalidated'] as const) {
    provider.on(event, (payload) => void watch.observe(`event ${event}`, payload));
  }
}

/**
 * An app a careless developer might write: it logs and returns `req.aps` whole, logs every error, and
 * lets errors reach Express's own handler (which logs them too outside NODE_ENV=test).
 */
async function serve(middleware: SsaTokenMiddleware): Promise<{ get(path: string): Promise<void>; close(): Promise<void> }> {
  const app = express();
  app.set('env', 'development');
  app.use(middleware);
  app.get('/aps', (req, res) => {
    console.log('request context', req.aps);
    res.json(watch.observe('req.aps', req.aps));
  });
  app.get('/me', async (req, res) => void res.json(await req.aps.client.get('userprofile/v1/users/@me').json()));
  app.get('/missing', async (req, res) => void res.json(await req.aps.client.get('no/such/path').json()));
  const observeError: ErrorRequestHandler = (err, _req, _res, next) => {
    console.error('request failed', err);
    watch.observe('error passed to next()', err);
    next(err);
  };
  app.use(observeError, ssaErrorHandler());
  return observeResponses(app);
}

/** Serves `app` on a free port; `get` observes each response, headers included. */
async function observeResponses(app: express.Express): Promise<{ get(path: string): Promise<void>; close(): Promise<void> }> {
  const server = await listen(app);
  return {
    async get(path) {
      const response = await fetch(`${server.url}${path}`);
      const text = await response.text();
      watch.observe(`response ${path} ${response.status}`, `${JSON.stringify([...response.headers])}\n${text}`);
    },
    close: server.close,
  };
}

it('responses, req.aps, errors, events, logs and the middleware show no secret', async () => {
  const registry = new ProviderRegistry();
  const middleware = watch.observe(
    'middleware',
    ssaTokenMiddleware({ env, registry, fetch: watch.tokenRecordingFetch(), retry: { maxAttempts: 2, baseDelay: 10, maxDelay: 20, budget: 2_000 }, timeout: 2_000 }),
  );
  observeEvents(middleware.provider);
  const app = await serve(middleware);
  await app.get('/aps');
  await app.get('/me');
  await app.get('/missing'); // ky's HTTPError reaches Express's default handler, which logs it.
  emulator.faults.inject({ kind: 'server-error', status: 500, endpoint: 'userprofile' });
  await app.get('/me');
  middleware.provider.invalidate();
  emulator.faults.inject({ kind: 'html', status: 502, count: 10 });
  await app.get('/aps');
  emulator.faults.clear();
  await app.close();
  watch.observe('provider', middleware.provider);
  await middleware.close();

  const refused = ssaTokenMiddleware({ env: { ...env, APS_CLIENT_SECRET: `${env.APS_CLIENT_SECRET}x` }, registry: new ProviderRegistry(), retry: 1 });
  observeEvents(refused.provider);
  const refusedApp = await serve(refused);
  await refusedApp.get('/aps');
  await refusedApp.close();
  await refused.close();

  const sample = await observeResponses(createApp({ env, registry: new ProviderRegistry(), fetch: watch.tokenRecordingFetch() }));
  await sample.get('/healthz');
  await sample.get('/me');
  await sample.close();

  expect(watch.pending).toEqual(expect.arrayContaining(['req.aps', 'error passed to next()', 'event refreshed', 'event refresh-failed', 'response /aps 200', 'response /aps 503', 'response /aps 502', 'response /me 200', 'response /missing 500']));
  expect(expressLogs.count, 'Express logged nothing: the log check proves nothing').toBeGreaterThan(0);
  watch.expectClean(emulator);
  expect(watch.counts.canaries, `${watch.counts.canaries} canaries, ${watch.counts.values} values`).toBeGreaterThanOrEqual(4);
});
