import { SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { checkProviderOptionNames, identityLookupKey, normalizeCheckedOptions } from './provider-options.js';
import type { TokenProviderOptions } from './provider-options.js';
import { providerFromNormalized } from './token-provider.js';
import { checkSigningKey } from './signing-key.js';
import type { CheckedSigningKey, SigningKey } from './signing-key.js';
import type { TokenProvider } from './token-provider.js';

/**
 * How many identities a {@link ProviderRegistry} serves. An app has a few (one per scope set);
 * beyond a hundred, scopes are most likely being built per request, which would also spend an
 * exchange per new set: failing loudly beats growing without bound.
 *
 * @default 100
 */
export const REGISTRY_MAX_PROVIDERS = 100;

/** Options of {@link ProviderRegistry}. */
export interface ProviderRegistryOptions {
  /**
   * The most identities (distinct providers) served at once.
   *
   * @default REGISTRY_MAX_PROVIDERS (100)
   */
  maxProviders?: number;
}

/**
 * One token provider per identity (client, service account, key id, scope set, base URL), shared by
 * every caller asking for it: how framework wrappers give each route its scopes while routes that
 * ask for the same scopes share one cache and one single flight.
 *
 * The first `get()` of an identity creates its provider with the options given then; later calls
 * for the same identity return it, whatever their other options. A provider closed by someone is
 * replaced at the next `get()`.
 *
 * @example
 * ```ts
 * const registry = new ProviderRegistry();
 * const reader = registry.get({ scopes: ['data:read'] });
 * registry.get({ scopes: ['data:read'] }) === reader; // true
 * await registry.close(); // closes every provider
 * ```
 */
// The registry's lookup without the option-name check, for adapters that checked the names themselves.
let lookUp: (registry: ProviderRegistry, options: TokenProviderOptions) => TokenProvider;

export class ProviderRegistry {
  static {
    lookUp = (registry, options) => registry.#lookUp(options);
  }

  readonly #maxProviders: number;
  /** By identity key. */
  readonly #providers = new Map<string, TokenProvider>();
  /** Identity keys by the raw identity fields that led to them: a later `get()` of those finds its provider unparsed. */
  readonly #seen = new Map<string, string>();
  /** The last key handed to rotateKey(): providers created afterwards for its service account sign with it too. */
  #rotated: CheckedSigningKey | undefined;

  constructor(options: ProviderRegistryOptions = {}) {
    requireOptionsObject(options as unknown, 'new ProviderRegistry()');
    rejectUnknownOptions(options, ['maxProviders'], 'new ProviderRegistry()');
    const { maxProviders = REGISTRY_MAX_PROVIDERS } = options;
    if (!Number.isInteger(maxProviders) || maxProviders < 1) {
      throw new SsaOptionError(
        'maxProviders',
        `\`maxProviders\` must be a whole number of at least 1, got ${typeof maxProviders === 'number' ? maxProviders : describeType(maxProviders)}.`,
      );
    }
    this.#maxProviders = maxProviders;
  }

  /** How many open providers the registry holds. */
  get size(): number {
    return this.#providers.size;
  }

  /**
   * The provider of the identity these options describe (identity fields not given come from the
   * environment, as with `createTokenProvider`), created on first use. A provider already made for the same
   * identity fields is found before anything is parsed (no key load, no environment check); the options of a new
   * identity are validated in full.
   *
   * @throws {SsaOptionError} when `maxProviders` identities are already served, or for invalid options.
   */
  get(options: TokenProviderOptions = {}): TokenProvider {
    checkProviderOptionNames(options);
    return this.#lookUp(options);
  }

  #lookUp(options: TokenProviderOptions): TokenProvider {
    const lookupKey = identityLookupKey(options);
    const seen = lookupKey === undefined ? undefined : this.#providers.get(this.#seen.get(lookupKey) ?? '');
    if (seen !== undefined && !seen.closed) return seen;
    const normalized = normalizeCheckedOptions(options);
    let provider = this.#providers.get(normalized.key);
    if (provider === undefined || provider.closed) {
      this.#dropClosed();
      if (this.#providers.size >= this.#maxProviders) {
        throw new SsaOptionError(
          'maxProviders',
          `The registry already serves ${this.#maxProviders} identities (scope sets). Scopes are probably built per request; ` +
            'use a fixed set of scope lists, or raise `maxProviders`.',
        );
      }
      provider = providerFromNormalized(normalized);
      if (this.#rotated !== undefined && this.#concerns(this.#rotated, provider)) provider.rotateKey(this.#rotated);
      this.#providers.set(normalized.key, provider);
    }
    if (lookupKey !== undefined) {
      // A few spellings per identity at most (scopes in another order); a flood of them is not kept.
      if (this.#seen.size >= 4 * this.#maxProviders) this.#seen.clear();
      this.#seen.set(lookupKey, normalized.key);
    }
    return provider;
  }

  /**
   * Signs the next exchanges of every provider of the key's service account (every one, when the key names none) with
   * this key, and those the registry creates later too, whatever key their options name (they are looked up by it as
   * before): a key rotation without a restart. Each keeps serving its cached token until its refresh.
   *
   * @throws {SsaOptionError} for a missing key id; `SsaKeyError` for a bad key.
   *
   * @example
   * ```ts
   * registry.rotateKey({ keyId: created.kid, privateKey: created.privateKey, serviceAccountId });
   * ```
   */
  rotateKey(key: SigningKey): void {
    const checked = checkSigningKey(key, 'rotateKey()');
    this.#dropClosed();
    for (const provider of this.#providers.values()) if (this.#concerns(checked, provider)) provider.rotateKey(checked);
    this.#rotated = checked;
  }

  #concerns(key: CheckedSigningKey, provider: TokenProvider): boolean {
    return key.serviceAccountId === undefined || key.serviceAccountId === provider.identity.serviceAccountId;
  }

  /** Closes every provider and empties the registry; it can be used again afterwards. */
  async close(): Promise<void> {
    const providers = [...this.#providers.values()];
    this.#providers.clear();
    this.#seen.clear();
    await Promise.all(providers.map((provider) => provider.close()));
  }

  #dropClosed(): void {
    for (const [key, provider] of this.#providers) if (provider.closed) this.#providers.delete(key);
  }

  toJSON(): { size: number; maxProviders: number } {
    return { size: this.size, maxProviders: this.#maxProviders };
  }
}

const sharedRegistry = new ProviderRegistry();

/**
 * The process-wide provider of an identity, from a registry shared by every package in the
 * process: what a framework wrapper uses when the app does not hand it a provider or registry.
 *
 * @example
 * ```ts
 * import { sharedTokenProvider } from '@aps-ssa/core';
 *
 * const provider = sharedTokenProvider({ scopes: ['data:read'] }); // same object on every call
 * ```
 */
export function sharedTokenProvider(options?: TokenProviderOptions): TokenProvider {
  return sharedRegistry.get(options);
}

/** The provider of `options` (whose names the caller checked) in `registry`, or the process-wide one. Internal. */
export function providerOf(registry: ProviderRegistry | undefined, options: TokenProviderOptions): TokenProvider {
  return lookUp(registry ?? sharedRegistry, options);
}
