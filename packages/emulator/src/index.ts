export type { AccessTokenClaims } from './tokens/access-tokens.js';
export { ASSERTION_AUDIENCE, MAX_ASSERTION_LIFETIME_SECONDS } from './tokens/assertion-judge.js';
export { runEmulatorCli, type EmulatorCliIo } from './launch/cli.js';
export type { EmulatorClock } from './lib/clock.js';
export type { EmulatorCounters, OutcomeCounts } from './control/counters.js';
export { startEmulator, type Emulator } from './emulator.js';
export { ENDPOINTS, type EndpointName } from './control/endpoints.js';
export { formatEnvFile } from './launch/env-file.js';
export { EmulatorInterceptError, EmulatorOptionError, EmulatorStateError } from './errors.js';
export {
  FAULT_KINDS,
  type EmulatorFaults,
  type FaultKind,
  type FaultSpec,
  type FaultTarget,
  type PendingFault,
  type TokenField,
} from './control/faults.js';
export { APS_HOSTS } from './intercept/aps-hosts.js';
export { startInterceptProxy, type InterceptProxy, type InterceptProxyOptions } from './intercept/intercept-proxy.js';
export type { EmulatorOptions } from './options.js';
export {
  ASSERTION_RULES,
  type AssertionRule,
  type IssuedTokenInfo,
  type RequestLogEntry,
  type RuleVerdict,
} from './control/request-log.js';
export type { EmulatorSeed } from './state/seed.js';
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
} from './state/state.js';
export { EmulatorStateFileError } from './state/state-file.js';
export { devCredentials, type DevCredentials, type DevCredentialsOptions } from './launch/dev-credentials.js';
