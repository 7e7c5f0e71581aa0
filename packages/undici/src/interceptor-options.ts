import { sharedTokenProvider, type TokenProvider } from '@aps-ssa/core';
import { OriginPolicy, normalizeBaseUrl, rejectUnknownOptions, requireOptionsObject, requireTokenProvider } from '@aps-ssa/core/adapter';

/**
 * Options of `ssaInterceptor()`.
 *
 * @example
 * ```ts
 * ssaInterceptor({ provider: createTokenProvider({ scopes: ['data:read'] }) });
 * ```
 */
export interface SsaInterceptorOptions {
  /**
   * Where the bearer tokens come from.
   *
   * @default sharedTokenProvider() (the identity of the `APS_*` environment)
   */
  provider?: TokenProvider;
  /**
   * The APS base URL: tokens go only to its origin and to `https://developer.api.autodesk.com`.
   *
   * @default the provider's base URL
   */
  baseUrl?: string;
}

const WHERE = 'ssaInterceptor()';

/** `options` checked once: the provider to use and the origin policy of its base URL. */
export function normalizeInterceptorOptions(options: SsaInterceptorOptions): { provider: TokenProvider; policy: OriginPolicy } {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, ['provider', 'baseUrl'], WHERE);
  const provider = options.provider === undefined ? sharedTokenProvider() : requireTokenProvider(options.provider);
  return { provider, policy: new OriginPolicy(normalizeBaseUrl(options.baseUrl ?? provider.identity.baseUrl)) };
}
