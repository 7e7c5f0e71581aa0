import { basicCredentials } from './basic-credentials.js';
import { sendHttpRequest } from './send.js';
import type { HttpAnswer } from './send.js';

/**
 * The largest token endpoint answer read, in bytes (a token, or an error). A token response is an access token of at
 * most `MAX_ACCESS_TOKEN_LENGTH` characters and a few fields; an error body is a sentence or a gateway's page.
 * Past this, reading stops (the rest is never downloaded) and the exchange fails with `ERR_SSA_RESPONSE_TOO_LARGE`.
 *
 * @default 65_536 (64 KiB)
 *
 * @example
 * ```ts
 * import { MAX_TOKEN_RESPONSE_BYTES } from '@aps-ssa/core/adapter';
 *
 * console.log(`token answers are read up to ${MAX_TOKEN_RESPONSE_BYTES} bytes`);
 * ```
 */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** One OAuth request to APS's token endpoint (an assertion exchange, a 2-legged token). */
export interface TokenRequest {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The form: `grant_type` and what it needs. */
  readonly form: URLSearchParams;
  readonly timeout: number;
  readonly fetch: typeof fetch | undefined;
  readonly signal?: AbortSignal | undefined;
  /** What a transport error must not quote, beside the credentials. */
  readonly secrets?: readonly string[];
  /** The time (ms since the epoch) an HTTP-date `Retry-After` is taken against when the response has no `Date`. */
  readonly now?: () => number;
}

/**
 * POSTs `form` to the token endpoint with the app's `Authorization: Basic` credentials, through {@link sendHttpRequest}
 * (no retry, no redirect: a token endpoint never redirects, and following one would re-send the credentials elsewhere).
 */
export function sendTokenRequest(request: TokenRequest): Promise<HttpAnswer> {
  return sendHttpRequest({
    url: request.url,
    method: 'POST',
    headers: {
      authorization: `Basic ${basicCredentials(request.clientId, request.clientSecret)}`,
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: request.form,
    timeout: request.timeout,
    fetch: request.fetch,
    signal: request.signal,
    secrets: [request.clientSecret, ...(request.secrets ?? [])],
    now: request.now,
    maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
  });
}
