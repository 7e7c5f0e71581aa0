import { Controller, Get, Module } from '@nestjs/common';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { InjectApsClient, SsaModule, SsaTokenService } from '../src/index.js';
import type { ApsClient } from '../src/index.js';
import { listen } from './support.js';

// One mini app per scenario, over real HTTP: the app on port 0, the emulator standing in for APS.
let emulator: Emulator;
let close: (() => Promise<void>) | undefined;

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  emulator.resetCounters();
});

@Controller()
class ProfileController {
  constructor(
    @InjectApsClient() private readonly aps: ApsClient,
    private readonly tokens: SsaTokenService,
  ) {}

  @Get('me')
  me(): Promise<unknown> {
    return this.aps.get('userprofile/v1/users/@me').json();
  }

  @Get('token')
  async token(): Promise<unknown> {
    const { expiresAt, scopes } = await this.tokens.getToken();
    const header = await this.tokens.getAuthorizationHeader();
    return { scheme: header.split(' ')[0], expiresAt, scopes };
  }
}

async function start(options: Parameters<typeof SsaModule.forRoot>[0]) {
  @Module({ imports: [SsaModule.forRoot(options)], controllers: [ProfileController] })
  class AppModule {}
  const started = await listen(AppModule);
  close = () => started.app.close();
  return started;
}

describe('SsaModule.forRoot()', () => {
  it('injects SsaTokenService, with the scopes asked for', async () => {
    const { url } = await start({ env: emulator.seed.env, scopes: ['user-profile:read'] });
    const body = (await (await fetch(`${url}/token`)).json()) as { scheme: string; expiresAt: number; scopes: string[] };
    expect(body.scheme).toBe('Bearer');
    expect(body.scopes).toEqual(['user-profile:read']);
    expect(body.expiresAt).toBeGreaterThan(Date.now());
  });
});
