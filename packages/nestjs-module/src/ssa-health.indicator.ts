import { Injectable, Logger } from '@nestjs/common';
import { SsaError, SsaOptionError, tokenFailureResponse } from '@aps-ssa/core';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import { SSA_HEALTH_CHECK_TIMEOUT } from './ssa.constants.js';
import { SsaTokenService } from './ssa-token.service.js';

/**
 * The result of {@link SsaHealthIndicator.check}: whether a token can be had and how long it stays
 * valid. The fields beside `status` are what `@nestjs/terminus` calls the indicator's details.
 */
export interface SsaHealthStatus {
  readonly status: 'up' | 'down';
  /** When the current token expires (ISO 8601), when `up`. */
  readonly expiresAt?: string;
  /** Whole seconds the current token stays valid, when `up`. */
  readonly secondsLeft?: number;
  /**
   * Why no token could be had, when `down`: the error's stable `code` and a generic sentence, fit for
   * an anonymous prober (no id, URL or APS text). The error's own message is logged as a warning.
   */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link SsaHealthIndicator.check}. */
export interface SsaHealthCheckOptions {
  /**
   * How long to wait for a token before answering `down`, in ms.
   *
   * @default SSA_HEALTH_CHECK_TIMEOUT (5 s)
   */
  timeout?: number;
}

/**
 * A health indicator for the service account's token, without depending on `@nestjs/terminus`.
 * A check asks the provider for a token: served from the cache while one is valid, so probing
 * costs no exchange; with none, it waits for one, at most `timeout`.
 *
 * @example
 * ```ts
 * @Get('healthz')
 * async healthz(): Promise<SsaHealthStatus> {
 *   const health = await this.ssaHealth.check();
 *   if (health.status === 'down') throw new ServiceUnavailableException(health);
 *   return health;
 * }
 * ```
 */
@Injectable()
export class SsaHealthIndicator {
  readonly #logger = new Logger('SsaHealthIndicator');

  constructor(private readonly tokens: SsaTokenService) {}

  /**
   * `{ status: 'up', expiresAt, secondsLeft }`, or `{ status: 'down', error }` when no token can be
   * had within `timeout`.
   *
   * @throws {SsaOptionError} for an invalid option.
   */
  async check(options: SsaHealthCheckOptions = {}): Promise<SsaHealthStatus> {
    const timeout = checkTimeout(options);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeout, 'timeout');
    });
    try {
      const token = await Promise.race([this.tokens.getToken(), timedOut]);
      if (token === 'timeout') {
        this.#logger.warn(`ERR_SSA_TIMEOUT: no APS access token within ${timeout} ms: the token endpoint is slow or unreachable, and the refresh goes on.`);
        return down('ERR_SSA_TIMEOUT', `No Autodesk Platform Services access token within ${timeout} ms. Try again later.`);
      }
      return {
        status: 'up',
        expiresAt: new Date(token.expiresAt).toISOString(),
        secondsLeft: Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000)),
      };
    } catch (error) {
      // The provider fails only with SsaErrors; anything else is a bug, not an outage.
      if (!(error instanceof SsaError)) throw error;
      this.#logger.warn(`${error.code}: ${error.message}`);
      return down(error.code, tokenFailureResponse(error)?.message ?? UNAVAILABLE);
    } finally {
      clearTimeout(timer);
    }
  }
}

const UNAVAILABLE = 'No Autodesk Platform Services access token can be had right now. Try again later.';

// Node's timers fire at once beyond this (2^31 - 1 ms).
const MAX_TIMEOUT = 2_147_483_647;

function checkTimeout(options: SsaHealthCheckOptions): number {
  const where = 'SsaHealthIndicator#check()';
  requireOptionsObject(options as unknown, where);
  rejectUnknownOptions(options, ['timeout'], where);
  const { timeout = SSA_HEALTH_CHECK_TIMEOUT } = options;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT) {
    throw new SsaOptionError('timeout', `\`timeout\` must be a positive number of milliseconds, got ${typeof timeout === 'number' ? timeout : describeType(timeout)}.`);
  }
  return timeout;
}

function down(code: string, message: string): SsaHealthStatus {
  return { status: 'down', error: { code, message } };
}
