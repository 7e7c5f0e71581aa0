import { normalizeBaseUrl } from '../config.js';
import { rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { sharedTokenProvider } from '../provider/provider-registry.js';
import { requireTokenProvider } from '../provider/token-provider.js';
import type { TokenProvider } from '../provider/token-provider.js';
import { OriginPolicy } from './origin-policy.js';

/**
 * The options of every token-attaching hook of another HTTP client (`@aps-ssa/undici`'s `ssaInterceptor()`,
 * `@aps-ssa/axios`'s `useSsaToken()`).
 *
 * @example
 * ```ts
 * ssaInterceptor({ provider: createTokenProvider({ scopes: ['data:read'] }) });
 * ```
 */
export interface OutboundOptions {
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

/**
 * {@link OutboundOptions} checked once (an object of known keys, a token provider, a valid base URL): the provider
 * and the origin policy of its base URL.
 *
 * @throws {SsaOptionError} for an unknown key (with a "Did you mean") or an invalid value.
 *
 * @example
 * ```ts
 * const { provider, policy } = normalizeOutboundOptions(options, 'ssaInterceptor()');
 * ```
 */
export function normalizeOutboundOptions(options: OutboundOptions, where: string): { provider: TokenProvider; policy: OriginPolicy } {
  requireOptionsObject(options as unknown, where);
  rejectUnknownOptions(options, ['provider', 'baseUrl'], where);
  const provider = options.provider === undefined ? sharedTokenProvider() : requireTokenProvider(options.provider);
  return { provider, policy: new OriginPolicy(normalizeBaseUrl(options.baseUrl ?? provider.identity.baseUrl)) };
}
