import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { SsaExceptionFilter, SsaModule } from '@aps-ssa/nestjs-module';
import { HealthController } from './health.controller.js';
import { ProfileController } from './profile.controller.js';
import { ApsSsaStrategy } from './ssa.strategy.js';
import { WhoamiController } from './whoami.controller.js';

@Module({})
export class AppModule {
  /** The application, its APS identity read from `env` (the `APS_*` variables). */
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Tokens, the APS client and the health indicator, for every module of the app.
        // With @nestjs/config: SsaModule.forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ ... }) }).
        SsaModule.forRoot({ env, isGlobal: true }),
        PassportModule,
      ],
      controllers: [ProfileController, HealthController, WhoamiController],
      providers: [
        ApsSsaStrategy,
        // No token to be had (APS down, bad credentials): 503/502 with a JSON body instead of a 500.
        { provide: APP_FILTER, useClass: SsaExceptionFilter },
      ],
    };
  }
}
