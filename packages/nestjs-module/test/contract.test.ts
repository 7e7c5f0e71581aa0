import { Module } from '@nestjs/common';
import type { LoggerService } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { adapterContract } from '@aps-ssa/test-support';
import { SsaExceptionFilter, SsaModule, SsaTokenService } from '../src/index.js';
import type { SsaModuleOptions } from '../src/index.js';
import { ProfileController } from './profile-controller.js';
import { listen } from './support.js';

adapterContract({
  where: 'SsaModule.forRoot()',
  create: (options) => Test.createTestingModule({ imports: [SsaModule.forRoot(options as SsaModuleOptions)] }).compile(),
  async serve({ options, log }) {
    @Module({ imports: [SsaModule.forRoot(options)], controllers: [ProfileController], providers: [{ provide: APP_FILTER, useClass: SsaExceptionFilter }] })
    class AppModule {}
    const logger: LoggerService = { log: () => undefined, error: (message) => log(String(message)), warn: (message) => log(String(message)) };
    const { app, url } = await listen(AppModule, logger);
    return { url, provider: app.get(SsaTokenService).provider, shutdown: () => app.close() };
  },
  failureBody: ({ status, code, message }) => ({ statusCode: status, error: status === 503 ? 'Service Unavailable' : 'Bad Gateway', code, message }),
  // One SsaModule, so one provider, per application.
  perRouteScopes: false,
});
