export { ssaToken } from './ssa-token-middleware.js';
export type { SsaTokenMiddleware, SsaTokenOptions } from './ssa-token-middleware.js';
export type { ApsRequestContext } from './aps-request-context.js';
export type { ApsClient } from '@aps-ssa/core';
export type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
