import { SsaClosedError, SsaTokenEndpointError, SsaTokenUnavailableError } from '../errors.js';
import { MAX_RETRY_AFTER } from '../http/retry-after.js';

/**
 * The `Retry-After` (seconds) of a 503 when the failure does not say when to come back: about the
 * provider's first pause after a failed refresh.
 *
 * @default 10
 */
export const DEFAULT_RETRY_AFTER = 10;


// What anonymous callers are told: nothing of this server's configuration (service account and
// client ids, the APS URL) nor APS's own words. The error's message, which has them, is for the log.
const MESSAGES = {
  closed: 'The server is shutting down. Try again later.',
  unavailable: 'No Autodesk Platform Services access token can be had right now. Try again later.',
  refused: "Autodesk Platform Services refused this server's service account credentials.",
} as const;

/** How an HTTP server should answer a request that failed for want of an APS token. */
export interface TokenFailureResponse {
  /** 503 when retrying may help (APS down, rate limiting, shutting down), 502 when APS refused the credentials, key or assertion. */
  readonly status: 502 | 503;
  /** Seconds for a `Retry-After` header (503 only). */
  readonly retryAfter: number | undefined;
  /** The error's stable code. */
  readonly code: 'ERR_SSA_TOKEN_UNAVAILABLE' | 'ERR_SSA_CLOSED';
  /**
   * A generic sentence for the response body, the same for every cause of this status: no id, URL or
   * text from APS. Log the error's own message, which says what happened and what to fix.
   */
  readonly message: string;
}

/**
 * Maps "no APS token can be had" to an HTTP answer, the same way in every framework adapter:
 * `SsaTokenUnavailableError` becomes 503 with `Retry-After` when retrying may help and 502 when it
 * cannot; `SsaClosedError` (shutting down) is a 503. Any other error gives `undefined`.
 * `Retry-After` is at least 1 s and at most `MAX_RETRY_AFTER` (10 minutes). Send `code` and `message`, and log the error's
 * own message: it names the service account, the client and APS's reason, which are not for callers.
 *
 * @example
 * ```ts
 * const answer = tokenFailureResponse(err);
 * if (answer === undefined) return next(err);
 * console.error(`${answer.code}: ${err.message}`);
 * if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
 * res.status(answer.status).json({ error: answer.code, message: answer.message });
 * ```
 */
export function tokenFailureResponse(error: unknown): TokenFailureResponse | undefined {
  if (error instanceof SsaClosedError) return { status: 503, retryAfter: DEFAULT_RETRY_AFTER, code: 'ERR_SSA_CLOSED', message: MESSAGES.closed };
  if (!(error instanceof SsaTokenUnavailableError)) return undefined;
  if (!error.retryable) return { status: 502, retryAfter: undefined, code: 'ERR_SSA_TOKEN_UNAVAILABLE', message: MESSAGES.refused };
  const cause = error.cause instanceof SsaTokenEndpointError ? error.cause.retryAfter : undefined;
  const seconds = error.retryAfter ?? cause ?? DEFAULT_RETRY_AFTER;
  // NaN (a corrupt value) falls to the default rather than into the header.
  const retryAfter = Number.isNaN(seconds) ? DEFAULT_RETRY_AFTER : Math.min(MAX_RETRY_AFTER, Math.max(1, Math.ceil(seconds)));
  return { status: 503, retryAfter, code: 'ERR_SSA_TOKEN_UNAVAILABLE', message: MESSAGES.unavailable };
}
