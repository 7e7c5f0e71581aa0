import ky from 'ky';
import type { Dispatcher } from 'undici';
import { proxiedFetch } from '../http/proxy.js';
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
import { BODY_HEADERS, CREDENTIAL_HEADERS, MAX_REDIRECTS, isRedirectStatus, keepsMethodAndBody } from './redirect-rules.js';
import { BearerHeader, answersWithFreshToken, freshTokenAfter401, isOneShotBody } from './token-replay.js';
import { discard } from '../http/discard.js';

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
   * The fetch that sends each request (an instrumented one).
   *
   * @default globalThis.fetch, through the `HTTPS_PROXY`/`HTTP_PROXY` proxy when one is set
   */
  fetch?: typeof fetch;
  /**
   * The undici dispatcher requests go through (a `ProxyAgent`...), in place of the environment's proxy settings
   * (`HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, honoured by default). Not with `fetch`.
   */
  dispatcher?: Dispatcher;
  /** Other ky options (`timeout`, `retry`, `hooks`, `headers`...). `prefixUrl` and `fetch` are set by the client. */
  ky?: Omit<KyOptions, 'prefixUrl' | 'fetch'>;
}

const WHERE = 'createApsClient()';
// Each hop is sent with this init: redirects are followed here, hop by hop.
const MANUAL: RequestInit = Object.freeze({ redirect: 'manual' });

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
  rejectUnknownOptions(options, ['provider', 'baseUrl', 'fetch', 'dispatcher', 'ky'], WHERE);
  const provider = options.provider === undefined ? sharedTokenProvider() : requireTokenProvider(options.provider);
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? provider.identity.baseUrl);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new SsaOptionError('fetch', `\`fetch\` must be a function, got ${describeType(options.fetch)}.`);
  }
  if (options.fetch !== undefined && options.dispatcher !== undefined) throw new SsaOptionError('dispatcher', 'Pass `fetch` or `dispatcher`, not both.');
  const extra = options.ky ?? {};
  requireOptionsObject(extra as unknown, `${WHERE} option \`ky\``);
  for (const fixed of ['prefixUrl', 'fetch'] as const) {
    if (fixed in extra) {
      throw new SsaOptionError(`ky.${fixed}`, `\`ky.${fixed}\` is set by the client; use the \`${fixed === 'fetch' ? 'fetch' : 'baseUrl'}\` option instead.`);
    }
  }
  // ky hands its fetch a Request whatever the body was; only a hook still sees whether it was a stream.
  const streamed = new WeakSet<Request>();
  const send = authorizedFetch(provider, new OriginPolicy(baseUrl), options.fetch ?? proxiedFetch(options.dispatcher), streamed);
  return ky
    .create({
      prefixUrl: baseUrl,
      fetch: send,
      hooks: {
        beforeRequest: [
          (request, kyOptions) => {
            if (isOneShotBody(kyOptions.body)) streamed.add(request);
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
  const bearer = new BearerHeader();
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
        if (token !== undefined) request.headers.set('authorization', bearer.valueFor(token));
        response = await baseFetch(request, send);
        // A fetch that answered without reading the body (a cache, a circuit breaker) leaves it to be dropped here.
        discard(request);
      } catch (error) {
        discard(request, replay);
        throw error;
      }

      if (answersWithFreshToken(response.status, token, retried401)) {
        retried401 = true;
        const fresh = await settle(freshTokenAfter401(provider, token, request.body === null || replay !== undefined), [response, replay]);
        if (fresh !== undefined) {
          discard(response);
          request = replay ?? request;
          continue;
        }
      }
      const location = response.headers.get('location');
      const keepsBody = keepsMethodAndBody(request.method, response.status);
      // The replay copy is dropped unless the next hop resends it (an unread copy would hold the body in memory).
      if (!keepsBody || !isRedirectStatus(response.status)) discard(replay);
      if (!isRedirectStatus(response.status) || location === null || request.redirect === 'manual') return response;
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
