import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SsaModuleOptions } from './ssa-module-options.js';

// The way official Nest modules are built: the builder generates `forRoot`/`forRootAsync`, their
// option types and the options token; `isGlobal` is an extra that only shapes the module definition.
const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<SsaModuleOptions>({ moduleName: 'Ssa' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** The generated base class of `SsaModule`, with its static `forRoot()` and `forRootAsync()`. */
export const SsaConfigurableModule = ConfigurableModuleClass;

/**
 * Injection token of the {@link SsaModuleOptions} given to `SsaModule.forRoot()` (or returned by the
 * `forRootAsync()` factory), `'SSA_MODULE_OPTIONS'`.
 *
 * @example
 * ```ts
 * constructor(@Inject(SSA_MODULE_OPTIONS) options: SsaModuleOptions) {}
 * ```
 */
export const SSA_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;
