import { createApsClient } from '../client/aps-client.js';
import type { ApsClient, ApsClientOptions } from '../client/aps-client.js';
import { SsaOptionError } from '../errors.js';
import { describeType } from '../options.js';
import type { TokenProviderOptions } from './provider-options.js';
import { ProviderRegistry, sharedTokenProvider } from './provider-registry.js';
import type { TokenProvider } from './token-provider.js';

/**
 * Where a framework adapter takes its tokens and APS client from: an existing `provider`, or any
 * option of core's `createTokenProvider` (`scopes`, `baseUrl`, `env`, `retry`...), whose identity
 * fields default to the `APS_*` environment.
 *
 * @example
 * ```ts
 * const options: ProviderSourceOptions = { scopes: ['data:read'], retry: { budget: 5_000 }, client: { ky: { timeout: 30_000 } } };
 * ```
 */
export interface ProviderSourceOptions extends TokenProviderOptions {
  /**
   * The provider to take tokens from, instead of one made from the other options (which must then
   * be absent).
   *
   * @default the provider of these options' identity in `registry`
   */
  provider?: TokenProvider;
  /**
   * Where the provider of these options' identity is found or created, so that everyone asking
   * for the same identity and scopes shares one cache and one exchange.
   *
   * @default the process-wide registry of `sharedTokenProvider()`
   */
  registry?: ProviderRegistry;
  /**
   * Options of the APS client (`ky` options such as `timeout`, a `fetch`...).
   *
   * @default {} (then one client per provider, shared)
   */
  client?: Omit<ApsClientOptions, 'provider'>;
}

// `satisfies` keeps this list in step with core: a provider option added there fails the build here.
const PROVIDER_OPTIONS = Object.keys({
  clientId: true,
  clientSecret: true,
  serviceAccountId: true,
  keyId: true,
  privateKey: true,
  scopes: true,
  baseUrl: true,
  env: true,
  refreshAhead: true,
  refreshJitter: true,
  minValidity: true,
  retry: true,
  timeout: true,
  failureCoolDown: true,
  store: true,
  clock: true,
  fetch: true,
  signer: true,
  publicKey: true,
} satisfies Record<keyof TokenProviderOptions, true>);

/**
 * The keys of {@link ProviderSourceOptions}, for `rejectUnknownOptions` in framework adapters.
 *
 * @example
 * ```ts
 * rejectUnknownOptions(options, [...PROVIDER_SOURCE_OPTIONS, 'myOwnOption'], 'myAdapter()');
 * ```
 */
export const PROVIDER_SOURCE_OPTIONS: readonly string[] = ['provider', 'registry', 'client', ...PROVIDER_OPTIONS];

// One client per provider, so that everyone sharing a provider shares its client too.
const clients = new WeakMap<TokenProvider, ApsClient>();

/**
 * The provider and APS client that `options` (already checked for unknown keys) describe: how every
 * framework adapter (Express, Passport, NestJS) finds them, so that adapters asking for the same
 * identity share one provider and one client. `where` names the caller in error messages.
 *
 * @example
 * ```ts
 * const { provider, client } = providerSource({ scopes: ['data:read'] }, 'ssaTokenMiddleware()');
 * ```
 */
export function providerSource(options: ProviderSourceOptions, where: string): { provider: TokenProvider; client: ApsClient } {
  const { provider: given, registry, client: clientOptions, ...providerOptions } = options;
  const provider = resolveProvider(given, registry, providerOptions, where);
  if (clientOptions !== undefined) return { provider, client: createApsClient({ ...clientOptions, provider }) };
  let client = clients.get(provider);
  if (client === undefined) {
    client = createApsClient({ provider });
    clients.set(provider, client);
  }
  return { provider, client };
}

function resolveProvider(given: unknown, registry: unknown, providerOptions: TokenProviderOptions, where: string): TokenProvider {
  if (given === undefined) {
    if (registry === undefined) return sharedTokenProvider(providerOptions);
    if (!(registry instanceof ProviderRegistry)) {
      throw new SsaOptionError('registry', `\`registry\` must be a ProviderRegistry, got ${describeType(registry)}.`);
    }
    return registry.get(providerOptions);
  }
  const provider = given as Partial<TokenProvider> | null;
  if (typeof provider !== 'object' || provider === null || typeof provider.getToken !== 'function' || typeof provider.close !== 'function') {
    throw new SsaOptionError('provider', `\`provider\` must be a TokenProvider (from createTokenProvider()), got ${describeType(given)}.`);
  }
  // Options the provider would silently ignore are a mistake worth reporting.
  const ignored = registry === undefined ? Object.entries(providerOptions).find(([, value]) => value !== undefined)?.[0] : 'registry';
  if (ignored !== undefined) {
    throw new SsaOptionError(
      ignored,
      `\`${ignored}\` cannot be combined with \`provider\` in ${where}: the provider already has its identity and settings. Pass one or the other.`,
    );
  }
  return given as TokenProvider;
}
