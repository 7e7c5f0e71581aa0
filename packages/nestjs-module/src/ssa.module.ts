import { Module } from '@nestjs/common';
import { SSA_APS_CLIENT } from './ssa.constants.js';
import { SsaHealthIndicator } from './ssa-health.indicator.js';
import { SSA_MODULE_OPTIONS, SsaConfigurableModule } from './ssa.module-definition.js';
import { RESOLVED_SSA_OPTIONS, resolveSsaOptions } from './ssa-module-options.js';
import type { ResolvedSsaOptions } from './ssa-module-options.js';
import { SsaTokenService } from './ssa-token.service.js';

/**
 * Gives the application an APS Secure Service Account: {@link SsaTokenService} (tokens), the APS
 * client (`@InjectApsClient()`) and {@link SsaHealthIndicator}. Configure it with `forRoot(options)`
 * or `forRootAsync({ imports, inject, useFactory })`; `isGlobal: true` makes it available to every
 * module. Options are those of `createTokenProvider()` (identity from the `APS_*` environment by
 * default), or an existing `provider` or `registry`, and `client` for the APS client.
 *
 * @example
 * ```ts
 * @Module({ imports: [SsaModule.forRoot({ scopes: ['data:read'], isGlobal: true })] })
 * export class AppModule {}
 * ```
 *
 * @example
 * ```ts
 * SsaModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ scopes: config.getOrThrow<string>('APS_SCOPES').split(' ') }),
 * });
 * ```
 */
@Module({
  providers: [
    { provide: RESOLVED_SSA_OPTIONS, useFactory: resolveSsaOptions, inject: [SSA_MODULE_OPTIONS] },
    SsaTokenService,
    {
      provide: SSA_APS_CLIENT,
      useFactory: ({ client }: ResolvedSsaOptions) => client,
      inject: [RESOLVED_SSA_OPTIONS],
    },
    SsaHealthIndicator,
  ],
  exports: [SsaTokenService, SSA_APS_CLIENT, SsaHealthIndicator],
})
export class SsaModule extends SsaConfigurableModule {}
