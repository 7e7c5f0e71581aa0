import { Body, Controller, Module, Post, Put } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Emulator } from '@aps-ssa/emulator';
import { createTokenProvider } from '@aps-ssa/core';
import { useEmulator } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER } from '@aps-ssa/core/adapter';
import { InjectApsClient, SsaExceptionFilter, SsaModule } from '../src/index.js';
import type { ApsClient, SsaModuleOptions } from '../src/index.js';
import { ProfileController } from './profile-controller.js';
import { getAll, listen, MemoryLogger } from './support.js';

// The token endpoint fails on a cold start: requests get a documented 503/502 at once, not a hang or a crash.
let emulator: Emulator;
let close: (() => Promise<void>) | undefined;
// A small retry budget, so that a refresh gives up after two quick attempts.
const retry = { maxAttempts: 2, baseDelay: 1, maxDelay: 1 };

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  emulator.faults.clear();
  emulator.resetCounters();
});

/** Routes that send APS a request with a body (ky keeps a copy of it for its retries, the client one for a replay). */
@Controller()
class BucketController {
  constructor(@InjectApsClient() private readonly aps: ApsClient) {}

  @Post('buckets')
  create(@Body() body: { bucketKey: string }): Promise<unknown> {
    return this.aps.post('oss/v2/buckets', { json: { bucketKey: body.bucketKey, policyKey: 'transient' } }).json();
  }

  @Put('notes')
  note(@Body() body: { text: string }): Promise<unknown> {
    return this.aps.put('oss/v2/buckets/notes/objects/note.txt', { body: body.text }).json();
  }
}

async function start(options: SsaModuleOptions) {
  @Module({
    imports: [SsaModule.forRoot(options)],
    controllers: [ProfileController, BucketController],
    providers: [{ provide: APP_FILTER, useClass: SsaExceptionFilter }],
  })
  class AppModule {}
  const logger = new MemoryLogger();
  const started = await listen(AppModule, logger);
  close = () => started.app.close();
  return { ...started, logger };
}

/** Everything that must never reach a response or a log line. */
function secrets(): string[] {
  const keyBody = emulator.seed.privateKey.replace(/-----[A-Z ]+-----|\s/g, '');
  return [emulator.seed.clientSecret, keyBody.slice(0, 64)];
}

describe('a token endpoint outage on a cold start', () => {
  it('answers 503 with Retry-After and a documented body while APS answers 5xx, and recovers', async () => {
    emulator.faults.inject({ kind: 'server-error', status: 503, count: 2 });
    const { url, logger } = await start({ env: emulator.seed.env, retry });

    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(503);
    // Retry-After is when the provider allows its next exchange, as the logged reason says.
    const allowedIn = /the next exchange is allowed in (\d+) s/.exec(logger.lines.join('\n'))?.[1];
    expect(allowedIn).toBeDefined();
    expect(response.headers.get('retry-after')).toBe(String(Math.max(1, Number(allowedIn))));
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      message: 'No Autodesk Platform Services access token can be had right now. Try again later.',
    });
    expect(emulator.counters().exchanges).toBe(2);
    // The reason is logged, not sent.
    const warning = logger.lines.find((line) => line.startsWith('warn ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token'));
    expect(warning).toContain(emulator.seed.serviceAccountId);
    for (const secret of secrets()) {
      expect(text).not.toContain(secret);
      expect(logger.lines.join('\n')).not.toContain(secret);
    }

    // The faults are spent: the next request exchanges again and succeeds.
    const next = await fetch(`${url}/me`);
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ userId: emulator.seed.serviceAccountId });
  });

  it('answers every one of 50 concurrent requests with 503, after one failed refresh', async () => {
    emulator.faults.inject({ kind: 'server-error', count: 100 });
    // The pause after a failed refresh starts at maxDelay: no request in the burst starts another one.
    const { url } = await start({ env: emulator.seed.env, retry: { ...retry, maxDelay: 60_000 } });

    const results = await getAll(`${url}/me`, 50);
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(503));
    expect(results[0]?.body).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
    expect(emulator.counters().exchanges).toBe(2);
  });

  // A route sending a body once held the caller's socket forever here (ky waited on its copy of the body).
  it.each([
    ['POST', 'buckets', { bucketKey: 'reports' }],
    ['PUT', 'notes', { text: 'hello' }],
  ])('answers a %s route that sends APS a body with 503 as it does a GET route, not a hang', async (method, path, body) => {
    emulator.faults.inject({ kind: 'server-error', status: 503, count: 100 });
    const { url } = await start({ env: emulator.seed.env, retry });

    const response = await fetch(`${url}/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
  });

  it('answers 503 ERR_SSA_CLOSED once the provider is closed (shutting down)', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    const { url } = await start({ provider });
    await provider.close();

    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(DEFAULT_RETRY_AFTER));
    expect(await response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'ERR_SSA_CLOSED',
      message: 'The server is shutting down. Try again later.',
    });
  });
});
