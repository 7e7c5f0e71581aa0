import { ProviderRegistry, SsaOptionError } from '@aps-ssa/core';
import { PROVIDER_SOURCE_OPTIONS, providerSource, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import type { ApsClient, TokenProvider } from '@aps-ssa/core';
import type { ProviderSourceOptions } from '@aps-ssa/core/adapter';

/**
 * Options of `SsaModule.forRoot()` (or what the `forRootAsync()` factory returns): anything
 * `createTokenProvider()` of `@aps-ssa/core` takes, every identity field defaulting to the `APS_*`
 * environment variables; or an existing `provider` or `registry`; and `client`, the options of the
 * injected APS client. The same options as the Express middleware and the Passport strategy.
 *
 * @example
 * ```ts
 * SsaModule.forRoot({ scopes: ['data:read'], retry: { maxAttempts: 3 }, client: { ky: { timeout: 30_000 } } });
 * SsaModule.forRoot({ provider: createTokenProvider({ env: myEnv }) });
 * ```
 */
export interface SsaModuleOptions extends ProviderSourceOptions {
  /**
   * Where the provider of these options' identity is found or created. Give one to share providers
   * with other integrations (it stays yours: the module does not close it).
   *
   * @default a registry of the module's own, closed on application shutdown
   */
  registry?: ProviderRegistry;
}

/** Injection token of the {@link ResolvedSsaOptions}. Internal. */
export const RESOLVED_SSA_OPTIONS = Symbol('RESOLVED_SSA_OPTIONS');

/** What the module runs on, from {@link SsaModuleOptions}. Internal. */
export interface ResolvedSsaOptions {
  readonly provider: TokenProvider;
  readonly client: ApsClient;
  /** Closes what the module created (its own registry, so its provider), nothing else. */
  close(): Promise<void>;
}

const WHERE = 'SsaModule.forRoot()';

/**
 * Validates the module options once and finds the provider and APS client through core's
 * `providerSource()`, as the other adapters do. The options are only read; they are copied by name,
 * which also reads an `SsaConfig`'s hidden secrets (a spread would drop them).
 */
export function resolveSsaOptions(options: SsaModuleOptions): ResolvedSsaOptions {
  requireOptionsObject(options as unknown, WHERE);
  if ('warnings' in options && options.clientSecret === undefined) {
    // forRoot() copies its options with Object.keys(), which drops an SsaConfig's non-enumerable secrets.
    throw new SsaOptionError(
      'warnings',
      `${WHERE} was given an SsaConfig (from configFromEnv()) whose hidden secrets were lost when Nest copied the options. ` +
        'Pass `{ provider: createTokenProvider(config) }`, or return the config from a forRootAsync() factory.',
    );
  }
  // `warnings`: an SsaConfig returned by a forRootAsync() factory carries it (ignored).
  rejectUnknownOptions(options, [...PROVIDER_SOURCE_OPTIONS, 'warnings'], WHERE);
  const source: Record<string, unknown> = {};
  for (const name of PROVIDER_SOURCE_OPTIONS) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) source[name] = value;
  }
  // Not the process-wide registry by default: the module owns its provider, and closes it at shutdown.
  const own = options.provider === undefined && options.registry === undefined ? new ProviderRegistry() : undefined;
  if (own !== undefined) source['registry'] = own;
  const { provider, client } = providerSource(source, WHERE);
  return { provider, client, close: async () => own?.close() };
}
