import ky from 'ky';
import type { KyInstance, Options as KyOptions } from 'ky';
import { normalizeBaseUrl } from '../config.js';
import { SsaError, SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { OriginPolicy } from './origin-policy.js';
import { scrubSecrets } from '../http/safe-cause.js';
import { sharedTokenProvider } from '../provider/provider-registry.js';
import type { AccessToken } from '../access-token.js';
import { requireTokenProvider } from '../provider/token-provider.js';
import type { TokenProvider } from '../provider/token-provider.js';

/**
 * The most redirects one request follows (each hop re-checked against the allow-list). APS answers
 * with at most one (a signed download URL); fetch's own limit of 20 only helps a loop.
 *
 * @default 5
 */
export const MAX_REDIRECTS = 5;

/**
 * Options of {@link createApsClient}.
 *
 * @example
 * ```ts
 * createApsClient({ provider, ky: { timeout: 30_000, retry: { limit: 3 } } });
 * ```
 */
export interface ApsClientOptions {
  /**
   * Where the bearer tokens come from.
   *
   * @default sharedTokenProvider() (the identity of the `APS_*` environment)
   */
  provider?: TokenProvider;
  /**
   * The APS base URL requests are relative to. Tokens go only to its origin and to
   * `https://developer.api.autodesk.com`.
   *
   * @default the provider's base URL
   */
  baseUrl?: string;
  /**
   * The fetch that sends each request (a proxy agent's, an instrumented one).
   *
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Other ky options (`timeout`, `retry`, `hooks`, `headers`...). `prefixUrl` and `fetch` are set by the client. */
  ky?: Omit<KyOptions, 'prefixUrl' | 'fetch'>;
}

const WHERE = 'createApsClient()';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Each hop is sent with this init: redirects are followed here, hop by hop.
const MANUAL: RequestInit = Object.freeze({ redirect: 'manual' });
// Credentials of the previous origin, dropped when a redirect leaves it (the Fetch standard drops Authorization).
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * The APS client: a ky instance bound to the APS base URL that sends the service account's token.
 *
 * @example
 * ```ts
 * const profile = await (aps as ApsClient).get('userprofile/v1/users/@me').json();
 * ```
 */
export type ApsClient = KyInstance;

/**
 * A ky instance bound to the APS base URL that authenticates each request with the provider's
 * token, where it belongs:
 * - the token goes only to the base URL's origin and `https://developer.api.autodesk.com`, over
 *   HTTPS (plain HTTP only to a loopback host, for the emulator); never to another host, a
 *   look-alike (`developer.api.autodesk.com.evil.com`), a URL with user info, or the token endpoint;
 * - redirects are followed by the client itself, hop by hop, each hop judged afresh: a redirect to
 *   another origin is followed without the token (and without the caller's credentials);
 * - on a 401 for a request that carried a token, the token is invalidated and the request is sent
 *   once more with a fresh one.
 *
 * This happens below ky's hooks, in the instance's `fetch`, so that every hop and the 401 retry
 * pass the same checks, and the caller's own hooks see one request and its final response.
 *
 * @throws {SsaOptionError} for an invalid option (an `http:` base URL to a non-loopback host included).
 *
 * @example
 * ```ts
 * import { createApsClient, createTokenProvider } from '@aps-ssa/core';
 *
 * const aps = createApsClient({ provider: createTokenProvider({ scopes: ['data:read'] }) });
 * const hubs = await aps.get('project/v1/hubs').json();
 * ```
 */
export function createApsClient(options: ApsClientOptions = {}): ApsClient {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, ['provider', 'baseUrl', 'fetch', 'ky'], WHERE);
  const provider = options.provider === undefined ? sharedTokenProvider() : requireTokenProvider(options.provider);
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? provider.identity.baseUrl);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new SsaOptionError('fetch', `\`fetch\` must be a function, got ${describeType(options.fetch)}.`);
  }
  const extra = options.ky ?? {};
  requireOptionsObject(extra as unknown, `${WHERE} option \`ky\``);
  for (const fixed of ['prefixUrl', 'fetch'] as const) {
    if (fixed in extra) {
      throw new SsaOptionError(`ky.${fixed}`, `\`ky.${fixed}\` is set by the client; use the \`${fixed === 'fetch' ? 'fetch' : 'baseUrl'}\` option instead.`);
    }
  }
  // ky hands its fetch a Request whatever the body was; only a hook still sees whether it was a stream.
  const streamed = new WeakSet<Request>();
  const send = authorizedFetch(provider, new OriginPolicy(baseUrl), options.fetch ?? ((input, init) => globalThis.fetch(input, init)), streamed);
  return ky
    .create({
      prefixUrl: baseUrl,
      fetch: send,
      hooks: {
        beforeRequest: [
          (request, kyOptions) => {
            if (isStream(kyOptions.body)) streamed.add(request);
          },
        ],
        // ky retries thrown errors as if they were network errors; "no token available" is not one.
        beforeRetry: [
          ({ error }) => {
            if (error instanceof SsaError) throw error;
          },
        ],
      },
    })
    .extend(extra);
}

/**
 * A fetch that attaches the provider's token where the policy allows, follows redirects itself and retries a 401 once.
 *
 * As the Fetch standard treats credentials: once a hop goes where the policy refuses the token (another origin, the
 * token endpoint), no later hop carries it, even back on APS (the other side chose where the request went next),
 * so a request that starts elsewhere never gets it. A streamed body (`streamed`) is never copied for a replay: a 401 or a 307/308 that would need it again is
 * returned to the caller.
 */
function authorizedFetch(provider: TokenProvider, policy: OriginPolicy, baseFetch: typeof fetch, streamed: WeakSet<Request>): typeof fetch {
  // The Authorization value of the last token sent: one string per token, not a new one (and its ByteString check on a
  // fresh concatenation) per request.
  let headerToken: AccessToken | undefined;
  let headerValue = '';
  const bearer = (token: AccessToken): string => {
    if (token !== headerToken) {
      headerToken = token;
      headerValue = `Bearer ${token.accessToken}`;
    }
    return headerValue;
  };
  return async (input, init) => {
    // ky hands over a Request it never uses again (it keeps a clone for retries) and an empty init: that Request is
    // sent as it is (its headers completed in place), with no copy made of it.
    let request = input instanceof Request && (init === undefined || Object.keys(init).length === 0) ? input : new Request(input, init);
    // Options a Request does not keep (an undici dispatcher...) are passed on to every hop, with the redirect mode
    // this function implements itself.
    const send = input instanceof Request && init !== undefined && Object.keys(init).length > 0 ? { ...init, redirect: MANUAL.redirect } : MANUAL;
    const isStreamed = input instanceof Request && streamed.has(input);
    let retried401 = false;
    let leftAps = false;
    // The request's own Authorization (the caller's, or none), restored before a redirect is built from the request:
    // the token set on it is judged afresh for every hop.
    let ownAuthorization = request.headers.get('authorization');
    for (let redirects = 0; ; ) {
      leftAps ||= !policy.allows(request.url);
      let replay: Request | undefined;
      let token: AccessToken | undefined;
      let response: Response;
      try {
        // The token first: when none can be had, only the request's own body is left to drop.
        token = leftAps ? undefined : await provider.getToken();
        replay = request.body === null || isStreamed ? undefined : request.clone();
        if (token !== undefined) request.headers.set('authorization', bearer(token));
        response = await baseFetch(request, send);
        // A fetch that answered without reading the body (a cache, a circuit breaker) leaves it to be dropped here.
        discard(request);
      } catch (error) {
        discard(request, replay);
        throw error;
      }

      if (response.status === 401 && token !== undefined && !retried401) {
        retried401 = true;
        provider.invalidate(token);
        if (request.body === null || replay !== undefined) {
          // The provider keeps a token it judges too young to be the problem: resending it would only get another 401.
          const fresh = await settle(provider.getToken(), [response, replay]);
          if (fresh.accessToken !== token.accessToken) {
            discard(response);
            request = replay ?? request;
            continue;
          }
        }
      }
      const location = response.headers.get('location');
      const keepsBody = keepsMethodAndBody(request.method, response.status);
      // The replay copy is dropped unless the next hop resends it (an unread copy would hold the body in memory).
      if (!keepsBody || !REDIRECT_STATUSES.has(response.status)) discard(replay);
      if (!REDIRECT_STATUSES.has(response.status) || location === null || request.redirect === 'manual') return response;
      if (request.redirect === 'error') {
        discard(response, replay);
        // The Location is the server's: it may echo the token it was sent.
        const shown = scrubSecrets(location, token === undefined ? [] : [token.accessToken]);
        throw new TypeError(`Redirect to ${shown} refused: the request's redirect mode is "error".`);
      }
      // Past the limit, or a streamed body already sent once (a 307/308 would need it again): the caller gets the redirect.
      if (redirects++ >= MAX_REDIRECTS || (keepsBody && isStreamed && request.body !== null)) {
        discard(replay);
        return response;
      }
      discard(response);
      if (ownAuthorization === null) request.headers.delete('authorization');
      else request.headers.set('authorization', ownAuthorization);
      request = redirected(request, keepsBody ? replay : undefined, response.status, new URL(location, request.url));
      ownAuthorization = request.headers.get('authorization');
    }
  };
}

/** `promise`'s value; when it rejects, the bodies of `unread` are dropped first (no socket or copy is left behind). */
async function settle<T>(promise: Promise<T>, unread: ReadonlyArray<Request | Response | undefined>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    discard(...unread);
    throw error;
  }
}

/**
 * Cancels the unread bodies of `messages`, without waiting. A request body is a branch of a tee (ky keeps a copy for
 * its retries, this client one for a replay), and cancelling one branch settles only once every branch is cancelled
 * or read: waiting here would wait for ky, which waits for this request to settle.
 */
function discard(...messages: ReadonlyArray<Request | Response | undefined>): void {
  for (const message of messages) if (message?.body && !message.bodyUsed) message.body.cancel().catch(() => undefined);
}

/** Whether a redirect resends the method and body (307/308, or 301/302 of anything but POST), as fetch does. */
function keepsMethodAndBody(method: string, status: number): boolean {
  return !((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST'));
}

/** A body that can be read only once: a web or Node.js stream, or any async iterable. */
function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body instanceof ReadableStream || Symbol.asyncIterator in body);
}

/** The next hop of a redirect, as fetch would build it, minus the previous origin's credentials when the origin changes. */
function redirected(previous: Request, replay: Request | undefined, status: number, url: URL): Request {
  const headers = new Headers(previous.headers);
  if (url.origin !== new URL(previous.url).origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const common = { headers, signal: previous.signal, redirect: previous.redirect };
  const toGet = !keepsMethodAndBody(previous.method, status);
  if (toGet || replay === undefined) {
    if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
    return new Request(url, { ...common, method: toGet ? 'GET' : previous.method });
  }
  return new Request(url, { ...common, method: previous.method, body: replay.body, duplex: 'half' } as RequestInit);
}
