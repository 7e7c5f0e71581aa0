import { abortable } from './abortable.js';
import { proxiedFetch } from './proxy.js';
import { parseRateLimit } from './rate-limit.js';
import type { RateLimit } from './rate-limit.js';
import { readLimited } from './read-limited.js';
import { parseRetryAfter } from './retry-after.js';
import { safeCause, scrubSecrets } from './safe-cause.js';

/** The fetch of a request that names none: the global one, through the environment's proxy when one is set. */
const defaultFetch = proxiedFetch();

/** One HTTP request to APS: an assertion exchange, a 2-legged token, an admin API call. */
export interface HttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly headers: Record<string, string>;
  readonly body?: string | URLSearchParams;
  readonly timeout: number;
  readonly fetch: typeof fetch | undefined;
  /** The caller's cancellation: when it fires, its reason is thrown as it is. */
  readonly signal?: AbortSignal | undefined;
  /**
   * What neither a transport error nor a header quoted from the response (`x-request-id`, `Content-Type`) may show,
   * beside the credential of the `authorization` header.
   */
  readonly secrets?: readonly string[];
  /** The time (ms since the epoch) an HTTP-date `Retry-After` is taken against when the response has no `Date`. @default Date.now */
  readonly now?: () => number;
  /** The largest body read, in bytes: past it, reading stops and the answer is `oversized`. */
  readonly maxBodyBytes: number;
}

/** A response, read whole. */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  /** The body, or `''` when it was `oversized`. */
  readonly text: string;
  /** The body passed the request's `maxBodyBytes`: it was not read past that point (`text` is empty). */
  readonly oversized: boolean;
  /** The body as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown;
  /** The media type of `Content-Type`, scrubbed (see {@link scrubSecrets}). */
  readonly contentType: string | undefined;
  /** The `x-request-id` header, scrubbed (see {@link scrubSecrets}): a proxy may echo the request into it. */
  readonly requestId?: string;
  /** Seconds, from `Retry-After` (delay-seconds or an HTTP-date, taken against the response's `Date`), at most `MAX_RETRY_AFTER`. */
  readonly retryAfter?: number;
  /** The `Date` header, in ms since the epoch: the server's clock. */
  readonly serverDate?: number;
  /** The rate-limit headers, when both are whole numbers. */
  readonly rateLimit?: RateLimit;
}

/** The request never got a response: a timeout, or a network failure (`reason` is e.g. `ECONNREFUSED`). */
export class HttpTransportFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/**
 * Sends one request: no retry, no redirect (a redirect would carry the credentials elsewhere), one deadline for the
 * headers and the body. Throws {@link HttpTransportFailure} when no response arrives.
 */
export async function sendHttpRequest(request: HttpRequest): Promise<HttpAnswer> {
  // One deadline signal covers the headers and the body (a timer of our own, cleared at the end, rather than
  // AbortSignal.timeout(), whose timer holds its signal only weakly).
  const controller = new AbortController();
  const deadline = controller.signal;
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), request.timeout);
  const { signal } = request;
  const secrets = [request.headers.authorization?.replace(/^\S+\s+/, '') ?? '', ...(request.secrets ?? [])];
  let response: Response;
  let text: string | undefined;
  try {
    const stop = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    // The signal is also raced here, not only handed to fetch: a hung request once outlived a 500 ms deadline by 30 s
    // under load (core test/exchange.test.ts, "a hung request"), so the deadline must not depend on fetch honouring it.
    // One Request sent as it is: no copy of the body is kept (a tee that a fetch answering without reading the body
    // would leave waiting until the deadline).
    const outgoing = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: stop,
    });
    response = await abortable((request.fetch ?? defaultFetch)(outgoing), stop);
    text = await abortable(readLimited(response, request.maxBodyBytes), stop);
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    if (deadline.aborted) throw new HttpTransportFailure('timeout', `no answer within ${request.timeout} ms`);
    // The fetch error's cause is the socket error (ECONNREFUSED...). A custom fetch may throw anything, quoting the
    // request: only a scrubbed summary is kept, without the credential the request carried.
    const cause = error instanceof Error && error.cause instanceof Error ? safeCause(error.cause, secrets) : undefined;
    const reason =
      (cause as NodeJS.ErrnoException | undefined)?.code ?? cause?.message ?? (error instanceof Error ? safeCause(error, secrets).message : 'unknown error');
    throw new HttpTransportFailure('network', reason, cause === undefined ? undefined : { cause });
  } finally {
    clearTimeout(timer);
  }
  // Every header callers use is read here, once.
  const { headers } = response;
  const requestId = headers.get('x-request-id') ?? '';
  const serverDate = Date.parse(headers.get('date') ?? '');
  const retryAfter = parseRetryAfter(headers.get('retry-after'), Number.isNaN(serverDate) ? (request.now ?? Date.now)() : serverDate);
  const rateLimit = parseRateLimit(headers);
  const contentType = headers.get('content-type')?.split(';')[0]?.trim();
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    text: text ?? '',
    oversized: text === undefined,
    json: text === undefined ? undefined : parseJson(text),
    contentType: contentType ? scrubSecrets(contentType, secrets) : undefined,
    ...(requestId === '' ? {} : { requestId: scrubSecrets(requestId, secrets) }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(Number.isNaN(serverDate) ? {} : { serverDate }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
