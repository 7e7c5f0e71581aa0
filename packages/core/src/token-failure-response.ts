import { SsaClosedError, SsaTokenEndpointError, SsaTokenUnavailableError } from './errors.js';

/**
 * The `Retry-After` (seconds) of a 503 when the failure does not say when to come back: about the
 * provider's first pause after a failed refresh.
 *
 * @default 10
 */
export const DEFAULT_RETRY_AFTER = 10;

/** How an HTTP server should answer a request that failed for want of an APS token. */
export interface TokenFailureResponse {
  /** 503 when retrying may help (APS down, rate limiting, shutting down), 502 when APS refused the credentials, key or assertion. */
  readonly status: 502 | 503;
  /** Seconds for a `Retry-After` header (503 only). */
  readonly retryAfter: number | undefined;
  /** The error's stable code. */
  readonly code: 'ERR_SSA_TOKEN_UNAVAILABLE' | 'ERR_SSA_CLOSED';
}

/**
 * Maps "no APS token can be had" to an HTTP answer, the same way in every framework adapter:
 * `SsaTokenUnavailableError` becomes 503 with `Retry-After` when retrying may help and 502 when it
 * cannot; `SsaClosedError` (shutting down) is a 503. Any other error gives `undefined`.
 *
 * @example
 * ```ts
 * const answer = tokenFailureResponse(err);
 * if (answer === undefined) return next(err);
 * if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
 * res.status(answer.status).json({ error: answer.code, message: err.message });
 * ```
 */
export function tokenFailureResponse(error: unknown): TokenFailureResponse | undefined {
  if (error instanceof SsaClosedError) return { status: 503, retryAfter: DEFAULT_RETRY_AFTER, code: 'ERR_SSA_CLOSED' };
  if (!(error instanceof SsaTokenUnavailableError)) return undefined;
  if (!error.retryable) return { status: 502, retryAfter: undefined, code: 'ERR_SSA_TOKEN_UNAVAILABLE' };
  const cause = error.cause instanceof SsaTokenEndpointError ? error.cause.retryAfter : undefined;
  const seconds = error.retryAfter ?? cause ?? DEFAULT_RETRY_AFTER;
  return { status: 503, retryAfter: Math.max(1, Math.ceil(seconds)), code: 'ERR_SSA_TOKEN_UNAVAILABLE' };
}
