import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { AccessToken, TokenProvider } from '@aps-ssa/core';
import { RESOLVED_SSA_OPTIONS } from './ssa-module-options.js';
import type { ResolvedSsaOptions } from './ssa-module-options.js';

/**
 * Valid APS access tokens of the Secure Service Account configured in `SsaModule`, cached and
 * refreshed ahead of expiry by `@aps-ssa/core`'s token provider. The provider the module created is
 * closed on application shutdown (`app.close()`, or a signal with `enableShutdownHooks()`).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class BucketsService {
 *   constructor(private readonly tokens: SsaTokenService) {}
 *
 *   async list() {
 *     const response = await fetch('https://developer.api.autodesk.com/oss/v2/buckets', {
 *       headers: { authorization: await this.tokens.getAuthorizationHeader() },
 *     });
 *     return response.json();
 *   }
 * }
 * ```
 */
@Injectable()
export class SsaTokenService implements OnApplicationShutdown {
  /** The underlying token provider: `identity`, `stats`, `on('refresh-failed', …)`. */
  readonly provider: TokenProvider;
  readonly #resolved: ResolvedSsaOptions;

  constructor(@Inject(RESOLVED_SSA_OPTIONS) resolved: ResolvedSsaOptions) {
    this.provider = resolved.provider;
    this.#resolved = resolved;
  }

  /**
   * A token with at least the provider's `minValidity` left, from the cache whenever possible.
   *
   * @throws {SsaTokenUnavailableError} when no valid token can be had (map it with `SsaExceptionFilter`).
   */
  getToken(): Promise<AccessToken> {
    return this.provider.getToken();
  }

  /** `'Bearer <token>'`, for an `Authorization` header. */
  getAuthorizationHeader(): Promise<string> {
    return this.provider.getAuthorizationHeader();
  }

  /** Drops a token APS answered 401 to, so that the next caller gets a new one (see `TokenProvider#invalidate`). */
  invalidate(token?: AccessToken | string): void {
    this.provider.invalidate(token);
  }

  /** Closes the provider if the module created it; Nest calls this on application shutdown. */
  onApplicationShutdown(): Promise<void> {
    // A provider or registry passed in belongs to whoever made it (and may serve others).
    return this.#resolved.close();
  }
}
