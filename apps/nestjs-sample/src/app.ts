import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Where the `APS_*` variables are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Nest's logger option. @default Nest's console logger */
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * The application, not yet listening: `main.ts` listens, tests use it as is.
 *
 * @example
 * ```ts
 * const app = await createApp({ env: emulator.seed.env });
 * await app.listen(0);
 * ```
 */
export async function createApp(options: AppOptions = {}): Promise<INestApplication> {
  const { env = process.env, logger } = options;
  // abortOnError: false, so that a bad configuration rejects (with SsaConfigError's list) instead of exiting the process.
  return NestFactory.create(AppModule.forRoot(env), { abortOnError: false, ...(logger === undefined ? {} : { logger }) });
}
