export { ssaTokenMiddleware } from './ssa-token-middleware.js';
export type { SsaTokenMiddleware, SsaTokenMiddlewareOptions } from './ssa-token-middleware.js';
export { ssaErrorHandler } from './ssa-error-handler.js';
export type { SsaErrorBody, SsaErrorHandlerOptions } from './ssa-error-handler.js';
export type { ApsRequestContext } from './aps-request-context.js';
export type { ApsClient, ProviderSourceOptions } from '@aps-ssa/core';
