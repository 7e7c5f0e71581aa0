export { SsaStrategy, SSA_STRATEGY_NAME } from './ssa-strategy.js';
export type {
  SsaAuthInfo,
  SsaIdentity,
  SsaStrategyOptions,
  SsaStrategyOptionsWithRequest,
  SsaVerifyDone,
  SsaVerifyFunction,
  SsaVerifyFunctionWithRequest,
} from './ssa-strategy.js';
export type { ApsClient } from '@aps-ssa/core';
export type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
