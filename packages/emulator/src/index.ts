export type { AccessTokenClaims } from './access-tokens.js';
export { ASSERTION_AUDIENCE, MAX_ASSERTION_LIFETIME_SECONDS } from './assertion-judge.js';
export { runEmulatorCli, type EmulatorCliIo } from './cli.js';
export type { EmulatorClock } from './clock.js';
export type { EmulatorCounters, OutcomeCounts } from './counters.js';
export { startEmulator, type Emulator } from './emulator.js';
export { ENDPOINTS, type EndpointName } from './endpoints.js';
export { formatEnvFile } from './env-file.js';
export { EmulatorInterceptError, EmulatorOptionError, EmulatorStateError } from './errors.js';
export {
  FAULT_KINDS,
  type EmulatorFaults,
  type FaultKind,
  type FaultSpec,
  type FaultTarget,
  type PendingFault,
  type TokenField,
} from './faults.js';
export { APS_HOSTS } from './intercept/aps-hosts.js';
export { startInterceptProxy, type InterceptProxy, type InterceptProxyOptions } from './intercept/intercept-proxy.js';
export type { EmulatorOptions } from './options.js';
export {
  ASSERTION_RULES,
  type AssertionRule,
  type IssuedTokenInfo,
  type RequestLogEntry,
  type RuleVerdict,
} from './request-log.js';
export type { EmulatorSeed } from './seed.js';
export {
  EmulatorState,
  type AppRecord,
  type AppType,
  type CreatedKey,
  type CreateServiceAccountInput,
  type KeyRecord,
  type KeyStatus,
  type ServiceAccountRecord,
  type ServiceAccountStatus,
  type StateSnapshot,
} from './state.js';
export { EmulatorStateFileError } from './state-file.js';
export { devCredentials, type DevCredentials, type DevCredentialsOptions } from './dev-credentials.js';
