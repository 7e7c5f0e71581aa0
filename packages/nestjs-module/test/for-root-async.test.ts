import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { SSA_MODULE_OPTIONS, SsaModule, SsaTokenService } from '../src/index.js';
import type { SsaModuleOptions } from '../src/index.js';
import { ProfileController } from './profile-controller.js';
import { listen } from './support.js';

let emulator: Emulator;
let close: (() => Promise<void>) | undefined;

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
});

// A stand-in for @nestjs/config: a ConfigService read from a map the module is given.
const CONFIG_VALUES = Symbol('CONFIG_VALUES');

@Injectable()
class ConfigService {
  constructor(@Inject(CONFIG_VALUES) private readonly values: Record<string, string | undefined>) {}

  get(name: string): string | undefined {
    return this.values[name];
  }

  all(): Record<string, string | undefined> {
    return { ...this.values };
  }
}

@Module({})
class ConfigModule {
  static forRoot(values: Record<string, string | undefined>): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG_VALUES, useValue: values }, ConfigService], exports: [ConfigService] };
  }
}

// A feature module that does not import SsaModule: it sees SsaTokenService only when the module is global.
@Controller('feature')
class FeatureController {
  constructor(private readonly tokens: SsaTokenService) {}

  @Get('scopes')
  async scopes(): Promise<readonly string[]> {
    return (await this.tokens.getToken()).scopes;
  }
}

@Module({ controllers: [FeatureController] })
class FeatureModule {}

function fromConfig(extra: { isGlobal?: boolean } = {}): DynamicModule {
  return SsaModule.forRootAsync({
    imports: [ConfigModule.forRoot({ ...emulator.seed.env, APS_SCOPES: 'user-profile:read' })],
    inject: [ConfigService],
    // Asynchronous, as a factory reading a vault would be.
    useFactory: async (config: ConfigService): Promise<SsaModuleOptions> => ({ env: config.all(), retry: { maxAttempts: 2 } }),
    ...extra,
  });
}

describe('SsaModule.forRootAsync()', () => {
  it('builds the options with a factory that injects a config service from an imported module', async () => {
    @Module({ imports: [fromConfig()], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);
    close = () => app.close();

    const response = await fetch(`${url}/me`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: emulator.seed.serviceAccountId });
    expect(app.get(SsaTokenService).provider.identity.scopes).toEqual(['user-profile:read']);
  });

  it('accepts an options factory class (useClass)', async () => {
    @Injectable()
    class SsaOptionsFactory {
      create(): SsaModuleOptions {
        return { env: emulator.seed.env, scopes: ['user-profile:read'] };
      }
    }
    @Module({ imports: [SsaModule.forRootAsync({ useClass: SsaOptionsFactory })], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);
    close = () => app.close();

    expect((await fetch(`${url}/me`)).status).toBe(200);
    expect(app.get(SSA_MODULE_OPTIONS)).toEqual({ env: emulator.seed.env, scopes: ['user-profile:read'] });
  });

  it('with isGlobal, serves modules that do not import it', async () => {
    @Module({ imports: [fromConfig({ isGlobal: true }), FeatureModule] })
    class AppModule {}
    const { app, url } = await listen(AppModule);
    close = () => app.close();

    const response = await fetch(`${url}/feature/scopes`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['user-profile:read']);
  });

  it('without isGlobal, is private to the modules that import it', async () => {
    @Module({ imports: [fromConfig(), FeatureModule] })
    class AppModule {}
    const compiling = Test.createTestingModule({ imports: [AppModule] }).compile();
    await expect(compiling).rejects.toThrow(/argument SsaTokenService at index \[0\] is available in the FeatureModule/);
  });

  it('closes its provider on app.close()', async () => {
    @Module({ imports: [fromConfig()], controllers: [ProfileController] })
    class AppModule {}
    const { app, url } = await listen(AppModule);
    expect((await fetch(`${url}/me`)).status).toBe(200);
    const { provider } = app.get(SsaTokenService);
    await app.close();
    expect(provider.closed).toBe(true);
  });
});
