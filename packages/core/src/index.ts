export {
  SsaError,
  SsaOptionError,
  SsaConfigError,
  SsaKeyError,
  SsaSignerError,
  SsaTokenEndpointError,
  SsaAssertionInvalidError,
  SsaTokenUnavailableError,
  SsaClosedError,
  SsaApiError,
  SSA_ERROR_CODES,
  SSA_TOKEN_ENDPOINT_ERROR_CODES,
} from './errors.js';
export type {
  SsaErrorCode,
  SsaConfigProblem,
  SsaKeyErrorCode,
  SsaSignerErrorCode,
  SsaTokenEndpointErrorCode,
  SsaTokenEndpointErrorDetails,
  AssertionIssue,
  AssertionIssueCause,
} from './errors.js';

export { loadPrivateKey, loadPrivateKeyFile } from './private-key.js';
export type { PrivateKeyInput } from './private-key.js';

export { createAssertion } from './assertion/assertion.js';
export type { AssertionOptions } from './assertion/assertion.js';
export type { AssertionSigner, PublicKeyInput } from './assertion/signer.js';

export { diagnoseAssertion } from './assertion/assertion-diagnosis.js';
export type { AssertionDiagnosis, DiagnoseAssertionOptions } from './assertion/assertion-diagnosis.js';

export { exchangeAssertion } from './exchange/token-endpoint.js';
export type { ExchangeOptions, ExchangeResult } from './exchange/token-endpoint.js';
export type { RateLimit } from './http/rate-limit.js';
export { ScrubbedError } from './http/safe-cause.js';

export { configFromEnv, DEFAULT_BASE_URL } from './config.js';
export type { SsaConfig, SsaConfigOverrides } from './config.js';

export { createAccessToken } from './access-token.js';
export type { AccessToken, AccessTokenInit } from './access-token.js';

export { createTokenProvider } from './provider/token-provider.js';
export type { TokenProvider, TokenProviderStats } from './provider/token-provider.js';
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
export { ProviderRegistry, sharedTokenProvider } from './provider/provider-registry.js';
export type { ProviderRegistryOptions } from './provider/provider-registry.js';
export { watchKeyFile } from './provider/key-file.js';
export type { KeyFileWatch, KeyRotationTarget, WatchKeyFileOptions } from './provider/key-file.js';
export type { SigningKey } from './provider/signing-key.js';

export { isStoredToken } from './store/token-store.js';
export type { StoredToken, TokenStore, TokenStoreRefreshOptions } from './store/token-store.js';
export { MemoryTokenStore } from './store/memory-token-store.js';
export type { MemoryTokenStoreOptions } from './store/memory-token-store.js';
export type { TokenIdentity } from './store/identity-key.js';

export { TRACING_CHANNELS } from './tracing/tracing-channels.js';
export type { AdminTraceContext, ExchangeTraceContext, GetTokenTraceContext, TraceOutcome } from './tracing/tracing-channels.js';

export { createApsClient } from './client/aps-client.js';
export type { ApsClient, ApsClientOptions } from './client/aps-client.js';
export { tokenFailureResponse } from './adapter/token-failure-response.js';
export type { TokenFailureResponse } from './adapter/token-failure-response.js';
export { tokenHealth } from './adapter/token-health.js';
export type { TokenHealth } from './adapter/token-health.js';
