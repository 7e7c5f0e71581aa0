import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ProviderRegistry, configFromEnv, createTokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { describe, expect, it } from 'vitest';
import { SsaModule, SsaTokenService } from '../src/index.js';
import type { SsaModuleOptions } from '../src/index.js';
import { ProfileController } from './profile-controller.js';
import { listen } from './support.js';

let emulator: Emulator;

useEmulator((started) => (emulator = started));

function compile(options: SsaModuleOptions): Promise<unknown> {
  return Test.createTestingModule({ imports: [SsaModule.forRoot(options)] }).compile();
}

describe('an existing provider', () => {
  it('is used as given, and left open on app.close(): it belongs to the caller', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    @Module({ imports: [SsaModule.forRoot({ provider })], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);

    expect((await fetch(`${url}/me`)).status).toBe(200);
    expect(app.get(SsaTokenService).provider).toBe(provider);
    expect(provider.stats.exchanges).toBe(1);
    await app.close();
    expect(provider.closed).toBe(false);
    await provider.close();
  });
});

describe('an existing registry', () => {
  it('shares its provider with other users of the identity, and is left open on app.close()', async () => {
    const registry = new ProviderRegistry();
    @Module({ imports: [SsaModule.forRoot({ registry, env: emulator.seed.env })], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);

    expect((await fetch(`${url}/me`)).status).toBe(200);
    const { provider } = app.get(SsaTokenService);
    expect(registry.get({ env: emulator.seed.env })).toBe(provider);
    await app.close();
    expect(provider.closed).toBe(false);
    await registry.close();
    expect(provider.closed).toBe(true);
  });
});

describe('option validation', () => {
  it('refuses an unknown option, with a suggestion', async () => {
    await expect(compile({ scope: ['data:read'] } as never)).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      option: 'scope',
      message: 'Unknown option `scope` passed to SsaModule.forRoot(). Did you mean `scopes`?',
    });
    await expect(compile({ provder: {} } as never)).rejects.toMatchObject({
      message: 'Unknown option `provder` passed to SsaModule.forRoot(). Did you mean `provider`?',
    });
  });

  it('refuses provider options beside a provider', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    await expect(compile({ provider, scopes: ['data:read'] })).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      option: 'scopes',
      message:
        '`scopes` cannot be combined with `provider` in SsaModule.forRoot(): the provider already has its identity and settings. Pass one or the other.',
    });
    await provider.close();
  });

  it('refuses a provider that is not one', async () => {
    await expect(compile({ provider: {} as never })).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      option: 'provider',
      message: '`provider` must be a TokenProvider (from createTokenProvider()), got an object.',
    });
  });

  it('refuses an SsaConfig given to forRoot(), whose hidden secrets Nest drops when it copies the options', async () => {
    const config = configFromEnv(emulator.seed.env);
    await expect(compile(config as never)).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      option: 'warnings',
      message:
        'SsaModule.forRoot() was given an SsaConfig (from configFromEnv()) whose hidden secrets were lost when Nest copied the options. ' +
        'Pass `{ provider: createTokenProvider(config) }`, or return the config from a forRootAsync() factory.',
    });
  });

  it('accepts an SsaConfig returned by a forRootAsync() factory, which Nest does not copy', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SsaModule.forRootAsync({ useFactory: () => configFromEnv(emulator.seed.env) })],
    }).compile();
    const tokens = moduleRef.get(SsaTokenService);
    expect((await tokens.getToken()).scopes).toEqual([...emulator.seed.scopes].sort());
    await moduleRef.close();
    expect(tokens.provider.closed).toBe(true);
  });

  it('reports what the environment lacks', async () => {
    await expect(compile({ env: {} })).rejects.toMatchObject({ code: 'ERR_SSA_CONFIG', message: expect.stringContaining('APS_CLIENT_ID') });
  });

  it('passes client options to the APS client', async () => {
    const seen: string[] = [];
    const beforeRequest = [(request: Request) => void seen.push(new URL(request.url).pathname)];
    @Module({ imports: [SsaModule.forRoot({ env: emulator.seed.env, client: { ky: { hooks: { beforeRequest } } } })], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);

    expect((await fetch(`${url}/me`)).status).toBe(200);
    expect(seen).toEqual(['/userprofile/v1/users/@me']);
    await app.close();
  });
});
