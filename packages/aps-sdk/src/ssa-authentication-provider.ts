import { SsaOptionError } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { OriginPolicy, PROVIDER_SOURCE_OPTIONS, describeType, providerSource, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
import type { ApsAuthenticationProvider, SdkManagerLike } from './authentication-provider.js';

/**
 * Options of {@link ssaAuthenticationProvider}: an existing `provider`, or any option of core's
 * `createTokenProvider` (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to the `APS_*`
 * environment; `registry`; and the `sdkManager` the SDK clients use, to check where each token goes.
 *
 * @example
 * ```ts
 * ssaAuthenticationProvider({ scopes: ['data:read', 'bucket:read'], sdkManager });
 * ```
 */
export interface SsaAuthenticationProviderOptions extends Omit<ProviderSourceOptions, 'client'> {
  /**
   * The `SdkManager` handed to the same SDK clients. When given, every token is handed out only while its
   * `apsConfiguration.baseAddress` is an origin the token may go to (APS, or the provider's `baseUrl`, such as
   * the emulator); otherwise `getAccessToken()` throws and no request is sent.
   *
   * @default none (the SDK sends the token wherever its base address points)
   */
  sdkManager?: SdkManagerLike;
}

/**
 * The `IAuthenticationProvider` {@link ssaAuthenticationProvider} returns, with the provider behind it.
 *
 * @example
 * ```ts
 * const auth = ssaAuthenticationProvider();
 * process.once('SIGTERM', () => void auth.close());
 * ```
 */
export interface SsaAuthenticationProvider extends ApsAuthenticationProvider {
  /** The provider of the default scopes (shared by everyone asking for the same identity and registry). */
  readonly provider: TokenProvider;
  /** Closes {@link SsaAuthenticationProvider.provider} and every per-scope provider this adapter used. */
  close(): Promise<void>;
}

const WHERE = 'ssaAuthenticationProvider()';
const OPTIONS = [...PROVIDER_SOURCE_OPTIONS.filter((name) => name !== 'client'), 'sdkManager'];

/**
 * Autodesk's `IAuthenticationProvider` over an aps-ssa token provider: pass it as `authenticationProvider` to
 * `@aps_sdk/oss`, `@aps_sdk/data-management`, `@aps_sdk/model-derivative` (any client of
 * `@aps_sdk/autodesk-sdkmanager`), and each call gets a cached, refreshed-ahead token of the service account.
 *
 * `getAccessToken()` gives the provider's token; `getAccessToken(scopes)` a token for exactly those scopes, from the
 * registry's provider of that scope set (one cache and one exchange per set). With a `provider` given instead of
 * options, only its own scope set can be served.
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import { OssClient } from '@aps_sdk/oss';
 * import { ssaAuthenticationProvider } from '@aps-ssa/aps-sdk';
 *
 * const oss = new OssClient({ authenticationProvider: ssaAuthenticationProvider({ scopes: ['bucket:read'] }) });
 * const { items } = await oss.getBuckets();
 * ```
 */
export function ssaAuthenticationProvider(providerOrOptions: TokenProvider | SsaAuthenticationProviderOptions = {}): SsaAuthenticationProvider {
  requireOptionsObject(providerOrOptions as unknown, WHERE);
  const options: SsaAuthenticationProviderOptions = isProvider(providerOrOptions) ? { provider: providerOrOptions } : providerOrOptions;
  rejectUnknownOptions(options, OPTIONS, WHERE);
  const { sdkManager, ...source } = options;
  if (sdkManager !== undefined && typeof (sdkManager as Partial<SdkManagerLike>)?.apsConfiguration !== 'object') {
    throw new SsaOptionError('sdkManager', `\`sdkManager\` must be an SdkManager of @aps_sdk/autodesk-sdkmanager, got ${describeType(sdkManager)}.`);
  }
  const { provider } = providerSource(source, WHERE);
  const policy = new OriginPolicy(provider.identity.baseUrl);
  const scoped = new Map<string, TokenProvider>();

  const providerFor = (scopes: readonly string[] | undefined): TokenProvider => {
    if (scopes === undefined) return provider;
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && scope !== '')) {
      throw new SsaOptionError('scopes', `The SDK asked for scopes ${describeType(scopes)}; they must be an array of scope names.`);
    }
    if (scopes.length === 0) return provider;
    const key = [...new Set(scopes)].sort().join(' ');
    if (key === [...provider.identity.scopes].sort().join(' ')) return provider;
    if (source.provider !== undefined) {
      throw new SsaOptionError(
        'provider',
        `The SDK asked for a token for ${key}, but ${WHERE} was given a provider of ${provider.identity.scopes.join(' ')}; ` +
          'a provider serves only its own scopes. Pass its options instead (scopes, env...) so that each scope set gets its provider.',
      );
    }
    let found = scoped.get(key);
    if (found === undefined || found.closed) {
      found = providerSource({ ...source, scopes: [...scopes] }, WHERE).provider;
      scoped.set(key, found);
    }
    return found;
  };

  return {
    provider,
    async getAccessToken(scopes?: string[]): Promise<string> {
      if (sdkManager !== undefined) checkBaseAddress(sdkManager, policy);
      return (await providerFor(scopes).getToken()).accessToken;
    },
    async close(): Promise<void> {
      await Promise.all([provider, ...scoped.values()].map((each) => each.close()));
      scoped.clear();
    },
  };
}

function isProvider(value: object): value is TokenProvider {
  return typeof (value as Partial<TokenProvider>).getToken === 'function';
}

function checkBaseAddress(sdkManager: SdkManagerLike, policy: OriginPolicy): void {
  const address = String(sdkManager.apsConfiguration.baseAddress);
  if (policy.allows(address)) return;
  let shown: string;
  try {
    shown = new URL(address).origin;
  } catch {
    shown = 'an unparsable URL';
  }
  throw new SsaOptionError(
    'sdkManager',
    `The SDK manager's base address is ${shown}, not an origin this provider's token may go to (${policy.origins.join(', ')}): ` +
      'no token was handed out. Point the SdkManager at APS, or give the provider that baseUrl (an emulator on loopback).',
  );
}
