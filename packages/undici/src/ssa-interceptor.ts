import type { Dispatcher } from 'undici';
import type { AccessToken, TokenProvider } from '@aps-ssa/core';
import {
  BearerHeader,
  type OriginPolicy,
  answersWithFreshToken,
  currentToken,
  freshTokenAfter401,
  isOneShotBody,
  normalizeOutboundOptions,
  redirectTarget,
  type OutboundOptions,
} from '@aps-ssa/core/adapter';

type Dispatch = Dispatcher['dispatch'];
type DispatchOptions = Dispatcher.DispatchOptions;
type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Headers = DispatchOptions['headers'];

/**
 * Options of {@link ssaInterceptor}: `provider` (default `sharedTokenProvider()`) and `baseUrl` (default the provider's).
 *
 * @example
 * ```ts
 * ssaInterceptor({ provider: createTokenProvider({ scopes: ['data:read'] }) });
 * ```
 */
export type SsaInterceptorOptions = OutboundOptions;

/** How many "back on APS after leaving it" redirect targets are remembered at once (each is used once). */
const LEFT_APS_MEMORY = 64;

/**
 * An undici interceptor that sends the service account's token to APS, and only there, with the rules of
 * `createApsClient()` (shared with it through `@aps-ssa/core/adapter`):
 * - the token goes only to the base URL's origin and `https://developer.api.autodesk.com`, over HTTPS (plain HTTP
 *   only to loopback), never to the token endpoint, a look-alike host or a URL with user info;
 * - every redirect hop is judged afresh (fetch, or undici's `redirect` interceptor, sends each hop through this one),
 *   and a hop that comes back to APS from another origin goes without the token;
 * - a 401 to a request that carried a token invalidates it and sends the request once more with a fresh one (when
 *   its body can be sent again: none, a string or a buffer; a stream is never copied, its 401 reaches the caller).
 *
 * @example
 * ```ts
 * import { Agent, setGlobalDispatcher } from 'undici';
 * import { ssaInterceptor } from '@aps-ssa/undici';
 *
 * setGlobalDispatcher(new Agent().compose(ssaInterceptor()));
 * const me = await fetch('https://developer.api.autodesk.com/userprofile/v1/users/@me');
 * ```
 */
export function ssaInterceptor(options: SsaInterceptorOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  const { provider: source, policy } = normalizeOutboundOptions(options, 'ssaInterceptor()');
  const bearer = new BearerHeader();
  const leftAps = new Set<string>();

  return (dispatch: Dispatch): Dispatch =>
    (opts, handler) => {
      const url = `${String(opts.origin ?? '').replace(/\/$/, '')}${opts.path}`;
      const cameBack = leftAps.delete(url);
      const headers = cameBack || !policy.allows(url) ? undefined : headerList(opts.headers);
      const sending: Sending = { dispatch, opts, headers: headers ?? [], handler: handler as Handler, url, provider: source, bearer, leftAps, policy };
      if (headers === undefined) return dispatch(opts, new Watched(sending, undefined));
      const token = currentToken(source);
      if (!(token instanceof Promise)) return send(sending, token, false);
      token.then(
        (ready) => send(sending, ready, false),
        (error: unknown) => failBeforeStart(handler as Handler, error),
      );
      return true;
    };
}

interface Sending {
  dispatch: Dispatch;
  opts: DispatchOptions;
  /** The request's headers, to which the token is added. */
  headers: string[];
  handler: Handler;
  url: string;
  provider: TokenProvider;
  bearer: BearerHeader;
  leftAps: Set<string>;
  policy: OriginPolicy;
}

function send(sending: Sending, token: AccessToken, replayed: boolean, controller?: StableController): boolean {
  const opts = { ...sending.opts, headers: [...sending.headers, 'authorization', sending.bearer.valueFor(token)] };
  return sending.dispatch(opts, new Watched(sending, token, replayed, controller));
}

/** A handler's error before any request started (no token could be had): the handler needs a controller to be told. */
function failBeforeStart(handler: Handler, error: unknown): void {
  const controller = new StableController();
  handler.onRequestStart?.(controller, {});
  handler.onResponseError?.(controller, error as Error);
}

/**
 * The controller the caller's handler keeps across the 401 replay: it acts on whichever request is current.
 */
class StableController implements Controller {
  current: Controller | undefined;
  #reason: Error | null = null;
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted || (this.current?.aborted ?? false);
  }
  get paused(): boolean {
    return this.current?.paused ?? false;
  }
  get reason(): Error | null {
    return this.current?.reason ?? this.#reason;
  }
  abort(reason: Error): void {
    this.#aborted = true;
    this.#reason = reason;
    this.current?.abort(reason);
  }
  pause(): void {
    this.current?.pause();
  }
  resume(): void {
    this.current?.resume();
  }
}

/**
 * Passes one request's events on to the caller's handler, except a 401 that is answered with a fresh token: that
 * response is read to its end (so the connection is reused) and the request sent again; when no fresh token comes,
 * the 401 is handed on as it came.
 */
class Watched implements Handler {
  readonly #controller: StableController;
  #held: { status: number; headers: Record<string, string | string[]>; message: string; chunks: Buffer[] } | undefined;

  constructor(
    readonly sending: Sending,
    readonly token: AccessToken | undefined,
    readonly replayed = false,
    controller?: StableController,
  ) {
    this.#controller = controller ?? new StableController();
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#controller.current = controller;
    if (!this.replayed) this.sending.handler.onRequestStart?.(this.#controller, context);
  }

  onRequestUpgrade(controller: Controller, status: number, headers: Record<string, string | string[]>, socket: never): void {
    this.sending.handler.onRequestUpgrade?.(this.#controller, status, headers, socket);
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[]>, message: string): void {
    if (answersWithFreshToken(status, this.token, this.replayed) && !isOneShotBody(this.sending.opts.body)) {
      this.#held = { status, headers, message, chunks: [] };
      return;
    }
    if (this.token === undefined) this.#rememberHopBack(status, headers);
    // A 401 to a body that cannot be sent again: the token is still dropped, the 401 reaches the caller.
    else if (answersWithFreshToken(status, this.token, this.replayed)) void freshTokenAfter401(this.sending.provider, this.token, false);
    this.sending.handler.onResponseStart?.(this.#controller, status, headers, message);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#held) this.#held.chunks.push(chunk);
    else this.sending.handler.onResponseData?.(this.#controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Record<string, string | string[]>): void {
    const held = this.#held;
    if (held === undefined) {
      this.sending.handler.onResponseEnd?.(this.#controller, trailers);
      return;
    }
    freshTokenAfter401(this.sending.provider, this.token!, true).then(
      (fresh) => {
        if (fresh !== undefined && !this.#controller.aborted) {
          send(this.sending, fresh, true, this.#controller);
          return;
        }
        const handler = this.sending.handler;
        handler.onResponseStart?.(this.#controller, held.status, held.headers, held.message);
        for (const chunk of held.chunks) handler.onResponseData?.(this.#controller, chunk);
        handler.onResponseEnd?.(this.#controller, trailers);
      },
      (error: unknown) => this.sending.handler.onResponseError?.(this.#controller, error as Error),
    );
  }

  onResponseError(controller: Controller, error: Error): void {
    this.sending.handler.onResponseError?.(this.#controller, error);
  }

  /**
   * A redirect from where the token did not go (another origin) back to APS: that hop goes without it too, as
   * `createApsClient()` does (the other side chose where the request goes next).
   */
  #rememberHopBack(status: number, headers: Record<string, string | string[]>): void {
    const location = headers.location;
    const target = redirectTarget(status, Array.isArray(location) ? location[0] : location, this.sending.url);
    if (target === undefined || !this.sending.policy.allows(target)) return;
    if (this.sending.leftAps.size >= LEFT_APS_MEMORY) this.sending.leftAps.clear();
    this.sending.leftAps.add(target.href);
  }
}

/**
 * The request headers as a flat list, to which the token is added; `undefined` when the caller set an Authorization
 * of their own (a Basic one to the revoke endpoint, another token): theirs is sent as it is.
 */
function headerList(headers: Headers): string[] | undefined {
  const flat: string[] = [];
  let own = false;
  const add = (name: string, field: unknown): void => {
    if (field === undefined || field === null) return;
    own ||= name.toLowerCase() === 'authorization';
    for (const one of Array.isArray(field) ? field : [field]) flat.push(name, String(one));
  };
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) for (const [name, field] of headers as unknown as Array<[string, string]>) add(name, field);
    else for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), headers[i + 1]);
  } else if (headers !== null && headers !== undefined) {
    const entries = Symbol.iterator in (headers as object) ? [...(headers as Iterable<[string, string]>)] : Object.entries(headers);
    for (const [name, field] of entries) add(name, field);
  }
  return own ? undefined : flat;
}
