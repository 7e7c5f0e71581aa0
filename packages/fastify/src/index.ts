export { ssaToken } from './ssa-token-plugin.js';
export type { SsaTokenOptions } from './ssa-token-plugin.js';
export type { ApsRequestContext, ApsRouteConfig } from './aps-request-context.js';
export type { ApsClient } from '@aps-ssa/core';
export type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
