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
export type { ApsClient, ProviderSourceOptions } from '@aps-ssa/core';
