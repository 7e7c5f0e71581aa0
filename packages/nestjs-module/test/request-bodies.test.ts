import { Body, Controller, Module, Post, Put } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { InjectApsClient, SsaExceptionFilter, SsaModule } from '../src/index.js';
import type { ApsClient } from '../src/index.js';
import { listen } from './support.js';

// A route that sends APS a request with a body, while no token can be had: it answers with the documented 503 as a
// GET route does, instead of holding the caller's socket (ky once waited forever on its copy of the body).
let emulator: Emulator;
let close: (() => Promise<void>) | undefined;

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  emulator.faults.clear();
});

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

describe('a Nest route sending a body with the token endpoint down', () => {
  it.each([
    ['POST', 'buckets', { bucketKey: 'reports' }],
    ['PUT', 'notes', { text: 'hello' }],
  ])('%s answers 503 ERR_SSA_TOKEN_UNAVAILABLE', async (method, path, body) => {
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'token:jwt-bearer', count: 100 });
    @Module({
      imports: [SsaModule.forRoot({ env: emulator.seed.env, retry: { maxAttempts: 1 } })],
      controllers: [BucketController],
      providers: [{ provide: APP_FILTER, useClass: SsaExceptionFilter }],
    })
    class AppModule {}
    const started = await listen(AppModule);
    close = () => started.app.close();

    const response = await fetch(`${started.url}/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
  });
});
