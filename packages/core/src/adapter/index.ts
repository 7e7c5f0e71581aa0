// @aps-ssa/core/adapter: what aps-ssa's adapters (Express, NestJS, Passport), its Redis store and its CLI build on.
// Not needed to use aps-ssa; for writing another adapter or token store the way ours are written.
export { providerSource } from './provider-source.js';
export type { ProviderSourceOptions } from './provider-source.js';
export { tokenContexts } from './token-context.js';
export type { ApsTokenContext, TokenContexts } from './token-context.js';
export { tokenFailureResponse, DEFAULT_RETRY_AFTER } from './token-failure-response.js';
export type { TokenFailureResponse } from './token-failure-response.js';
export { PROVIDER_SOURCE_OPTIONS, rejectUnknownOptions, requireOptionsObject, describeType, closestName } from '../options.js';
export { identityKey } from '../store/identity-key.js';
export { FAILURE_COOL_DOWN, REFRESH_AHEAD, REFRESH_JITTER } from '../provider/provider-options.js';
export { abortable } from '../http/abortable.js';
export { safeCause } from '../http/safe-cause.js';
export { MAX_RETRY_AFTER } from '../http/retry-after.js';
export { APS_TOKEN_AUDIENCE } from '../assertion/assertion.js';
export { TOKEN_ENDPOINT_PATH } from '../exchange/token-endpoint.js';
export { estimateClockOffset, judgeClockSkew, describeSkew } from '../clock-skew.js';
export { configFromEnvWithoutKey } from '../config.js';
export { MAX_TOKEN_RESPONSE_BYTES } from '../http/token-request.js';
export { MAX_ACCESS_TOKEN_LENGTH } from '../access-token.js';
export { OriginPolicy, APS_ORIGIN } from '../client/origin-policy.js';
export { MAX_REDIRECTS, CREDENTIAL_HEADERS, BODY_HEADERS, isRedirectStatus, keepsMethodAndBody, redirectTarget } from '../client/redirect-rules.js';
export { BearerHeader, answersWithFreshToken, freshTokenAfter401, currentToken, isOneShotBody } from '../client/token-replay.js';
export { normalizeOutboundOptions } from '../client/outbound-options.js';
export type { OutboundOptions } from '../client/outbound-options.js';
export { proxySettings, showProxy } from '../http/proxy.js';
export type { ProxySettings } from '../http/proxy.js';
