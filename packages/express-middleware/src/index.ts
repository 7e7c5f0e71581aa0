export { ssaTokenMiddleware } from './ssa-token-middleware.js';
export type { SsaTokenMiddleware, SsaTokenMiddlewareOptions } from './ssa-token-middleware.js';
export { ssaErrorHandler } from './ssa-error-handler.js';
export type { SsaErrorBody, SsaErrorHandlerOptions } from './ssa-error-handler.js';
export type { ApsRequestContext } from './aps-request-context.js';
export type { ApsClient } from '@aps-ssa/core';
export type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
