import { tracingChannel } from 'node:diagnostics_channel';
import type { TracingChannel } from 'node:diagnostics_channel';
import type { SsaError, SsaErrorCode } from '../errors.js';
import type { RateLimit } from '../http/rate-limit.js';
import type { TokenIdentity } from '../store/identity-key.js';

/**
 * The names of aps-ssa's `node:diagnostics_channel` tracing channels. Each call publishes `start` with its context
 * object, then `asyncEnd` with the same object completed (and `error` before it on failure); no other event. The
 * contexts hold who, what and how it went, never a secret: no token, assertion, key, client secret or request body.
 *
 * @example
 * ```ts
 * import { tracingChannel } from 'node:diagnostics_channel';
 * import { TRACING_CHANNELS } from '@aps-ssa/core';
 *
 * tracingChannel(TRACING_CHANNELS.exchange).subscribe({
 *   start() {},
 *   end() {},
 *   asyncStart() {},
 *   asyncEnd(context) { console.log('exchange', context.outcome, context.status, context.errorCode); },
 *   error() {},
 * });
 * ```
 */
export const TRACING_CHANNELS = Object.freeze({
  /** Every `provider.getToken()`: {@link GetTokenTraceContext}. */
  getToken: 'aps-ssa:getToken',
  /** Every exchange attempt at the token endpoint: {@link ExchangeTraceContext}. */
  exchange: 'aps-ssa:exchange',
  /** Every call of the admin client (`@aps-ssa/core/admin`): {@link AdminTraceContext}. */
  admin: 'aps-ssa:admin',
});

/** How a traced call ended. */
export type TraceOutcome = 'success' | 'failure';

/** What a failed call reports: the error's stable code and `Retry-After`, and the error (an `SsaError`: no secret). */
interface TraceFailure {
  /** Set on failure. */
  errorCode?: SsaErrorCode;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  retryAfter?: number;
  /** The error (set on failure). */
  error?: SsaError;
}

/** The context of the `getToken` channel. */
export interface GetTokenTraceContext extends TraceFailure {
  /** Who the token is for (no secret). */
  readonly identity: TokenIdentity;
  /** The identity's cache key (a hash of the identity): the same for every provider and instance sharing tokens. */
  readonly key: string;
  outcome?: TraceOutcome;
  /**
   * How the token was served: `hit` from the cache without waiting, `stale` from the cache past its refresh point
   * because refreshing failed, `wait` after waiting for a refresh.
   */
  served?: 'hit' | 'stale' | 'wait';
  /** Whether a stale token was served (`served === 'stale'`). */
  servedStale?: boolean;
  /** When the token served expires (ms since the epoch). */
  expiresAt?: number;
}

/** The context of the `exchange` channel: one attempt. */
export interface ExchangeTraceContext extends TraceFailure {
  readonly identity: TokenIdentity;
  readonly key: string;
  /** 1 for a refresh's first attempt, then 2, 3… for its retries. */
  readonly attempt: number;
  outcome?: TraceOutcome;
  /** The HTTP status, when a response arrived. */
  status?: number;
  /** The token's lifetime in seconds, on success. */
  expiresIn?: number;
  /** The token endpoint's rate limit as its response reported it. */
  rateLimit?: RateLimit;
}

/** The context of the `admin` channel: one admin API call. */
export interface AdminTraceContext extends TraceFailure {
  /** What the call does, e.g. `list the keys of 6BNJQT7RR7GTJ5QY`. */
  readonly operation: string;
  readonly method: string;
  outcome?: TraceOutcome;
  /** The HTTP status, when a response arrived. */
  status?: number;
}

/** The channels, made once. Internal. */
export const getTokenChannel: TracingChannel<unknown, GetTokenTraceContext> = tracingChannel(TRACING_CHANNELS.getToken);
export const exchangeChannel: TracingChannel<unknown, ExchangeTraceContext> = tracingChannel(TRACING_CHANNELS.exchange);
export const adminChannel: TracingChannel<unknown, AdminTraceContext> = tracingChannel(TRACING_CHANNELS.admin);
