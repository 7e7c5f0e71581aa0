export {
  SsaError,
  SsaOptionError,
  SsaConfigError,
  SsaKeyError,
  SsaTokenEndpointError,
  SsaAssertionInvalidError,
  SsaTokenUnavailableError,
  SsaClosedError,
  SsaApiError,
} from './errors.js';
export type {
  SsaErrorCode,
  SsaConfigProblem,
  SsaKeyErrorCode,
  SsaTokenEndpointErrorCode,
  SsaTokenEndpointErrorDetails,
  AssertionIssue,
  AssertionIssueCause,
} from './errors.js';

export { loadPrivateKey, loadPrivateKeyFile, MIN_RSA_MODULUS_LENGTH } from './private-key.js';
export type { PrivateKeyInput } from './private-key.js';

export { createAssertion, APS_TOKEN_AUDIENCE, ASSERTION_LIFETIME, MAX_ASSERTION_LIFETIME } from './assertion/assertion.js';
export type { AssertionOptions } from './assertion/assertion.js';

export { diagnoseAssertion } from './assertion/assertion-diagnosis.js';
export type { AssertionDiagnosis, DiagnoseAssertionOptions } from './assertion/assertion-diagnosis.js';

export { exchangeAssertion, EXCHANGE_TIMEOUT, JWT_BEARER_GRANT_TYPE, MAX_EXPIRES_IN, TOKEN_ENDPOINT_PATH } from './exchange/token-endpoint.js';
export type { ExchangeOptions, ExchangeResult } from './exchange/token-endpoint.js';
export type { RateLimit } from './http/rate-limit.js';
export { MAX_RETRY_AFTER } from './http/retry-after.js';
export { MAX_TOKEN_RESPONSE_BYTES } from './http/token-request.js';
export { ScrubbedError } from './http/safe-cause.js';

export { configFromEnv, CONFIG_VARIABLES, DEFAULT_BASE_URL } from './config.js';
export type { SsaConfig, SsaConfigOverrides } from './config.js';

export { createAccessToken, MAX_ACCESS_TOKEN_LENGTH } from './access-token.js';
export type { AccessToken, AccessTokenInit } from './access-token.js';

export { createTokenProvider } from './provider/token-provider.js';
export type { TokenProvider, TokenProviderStats } from './provider/token-provider.js';
export {
  REFRESH_AHEAD,
  REFRESH_JITTER,
  MIN_VALIDITY,
  RETRY_MAX_ATTEMPTS,
  RETRY_BASE_DELAY,
  RETRY_MAX_DELAY,
  RETRY_BUDGET,
  FAILURE_COOL_DOWN,
} from './provider/provider-options.js';
export type { TokenProviderOptions } from './provider/provider-options.js';
export type { RetryPolicy } from './provider/backoff.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type {
  TokenProviderEvent,
  TokenProviderEventMap,
  TokenProviderListener,
  RefreshedEvent,
  RefreshFailedEvent,
  ServedStaleEvent,
  InvalidatedEvent,
} from './provider/provider-events.js';
export { ProviderRegistry, sharedTokenProvider, REGISTRY_MAX_PROVIDERS } from './provider/provider-registry.js';
export type { ProviderRegistryOptions } from './provider/provider-registry.js';
export { KEY_FILE_POLL_INTERVAL, watchKeyFile } from './provider/key-file.js';
export type { KeyFileWatch, KeyRotationTarget, WatchKeyFileOptions } from './provider/key-file.js';
export type { SigningKey } from './provider/signing-key.js';

export { isStoredToken } from './provider/token-store.js';
export type { StoredToken, TokenStore, TokenStoreRefreshOptions } from './provider/token-store.js';
export { MemoryTokenStore, MEMORY_STORE_MAX_ENTRIES } from './provider/memory-token-store.js';
export type { MemoryTokenStoreOptions } from './provider/memory-token-store.js';
export type { TokenIdentity } from './provider/identity-key.js';

export { createApsClient, MAX_REDIRECTS } from './client/aps-client.js';
export type { ApsClient, ApsClientOptions } from './client/aps-client.js';
export { tokenFailureResponse, DEFAULT_RETRY_AFTER } from './provider/token-failure-response.js';
export type { TokenFailureResponse } from './provider/token-failure-response.js';
