// @aps-ssa/core/adapter: the plumbing that aps-ssa's adapters (Express, NestJS, Passport), its Redis store and its CLI
// share. Not needed to use aps-ssa; for writing another adapter or token store the way ours are written.
export { providerSource, PROVIDER_SOURCE_OPTIONS } from '../provider/provider-source.js';
export type { ProviderSourceOptions } from '../provider/provider-source.js';
export { rejectUnknownOptions, requireOptionsObject, describeType, closestName } from '../options.js';
export { identityKey } from '../provider/identity-key.js';
export { abortable } from '../http/abortable.js';
export { configFromEnvWithoutKey } from '../config.js';
export { safeCause, scrubSecrets } from '../http/safe-cause.js';
export { clampRetryAfter, parseRetryAfter } from '../http/retry-after.js';
export {
  estimateClockOffset,
  judgeClockSkew,
  describeSkew,
  NOTABLE_CLOCK_SKEW,
  CLOCK_AHEAD_LIMIT,
  CLOCK_BEHIND_LIMIT,
} from '../clock-skew.js';
