import { SsaOptionError } from '../errors.js';
import { identityKey } from './identity-key.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { normalizeProviderOptions } from './provider-options.js';
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
export class ProviderRegistry {
  readonly #maxProviders: number;
  readonly #providers = new Map<string, TokenProvider>();
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
   * environment, as with `createTokenProvider`), created on first use. It validates the options each
   * time: call it when setting up (a route, a module), not per request.
   *
   * @throws {SsaOptionError} when `maxProviders` identities are already served, or for invalid options.
   */
  get(options?: TokenProviderOptions): TokenProvider {
    const normalized = normalizeProviderOptions(options);
    const key = identityKey(normalized.identity);
    const existing = this.#providers.get(key);
    if (existing !== undefined && !existing.closed) return existing;
    this.#dropClosed();
    if (this.#providers.size >= this.#maxProviders) {
      throw new SsaOptionError(
        'maxProviders',
        `The registry already serves ${this.#maxProviders} identities (scope sets). Scopes are probably built per request; ` +
          'use a fixed set of scope lists, or raise `maxProviders`.',
      );
    }
    const provider = providerFromNormalized(normalized);
    if (this.#rotated !== undefined && this.#concerns(this.#rotated, provider)) provider.rotateKey(this.#rotated);
    this.#providers.set(key, provider);
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
