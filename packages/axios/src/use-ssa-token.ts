import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { AccessToken } from '@aps-ssa/core';
import {
  BearerHeader,
  answersWithFreshToken,
  currentToken,
  freshTokenAfter401,
  isOneShotBody,
  normalizeOutboundOptions,
  type OriginPolicy,
  type OutboundOptions,
} from '@aps-ssa/core/adapter';

/**
 * Options of {@link useSsaToken}: `provider` (default `sharedTokenProvider()`) and `baseUrl` (default the provider's).
 *
 * @example
 * ```ts
 * useSsaToken(axios, { provider: createTokenProvider({ scopes: ['data:read'] }) });
 * ```
 */
export type SsaAxiosOptions = OutboundOptions;

/** What `useSsaToken()` installed, to take it off again. */
export interface SsaAxiosHandle {
  /** Removes the interceptors from the instance. */
  eject(): void;
}

type RedirectHook = (options: Record<string, unknown>, response: unknown, request: unknown) => void;

/**
 * Sends the service account's token with the requests of an axios instance that go to APS, and only those, with the
 * rules of `createApsClient()` (shared with it through `@aps-ssa/core/adapter`):
 * - the token goes only to the base URL's origin and `https://developer.api.autodesk.com`, over HTTPS (plain HTTP
 *   only to loopback), never to the token endpoint, a look-alike host or a URL with user info; a request with an
 *   `Authorization` of its own is sent as it is;
 * - each redirect hop is judged afresh (in axios's `beforeRedirect`, Node.js adapter): a hop that may not have it
 *   loses it, and once a hop has left APS no later hop gets it back;
 * - a 401 to a request that carried the token invalidates it and sends the request once more with a fresh one (not
 *   a streamed body: its 401 reaches the caller).
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { useSsaToken } from '@aps-ssa/axios';
 *
 * useSsaToken(axios);
 * const me = await axios.get('https://developer.api.autodesk.com/userprofile/v1/users/@me');
 * ```
 */
export function useSsaToken(instance: AxiosInstance, options: SsaAxiosOptions = {}): SsaAxiosHandle {
  const { provider, policy } = normalizeOutboundOptions(options, 'useSsaToken()');
  const bearer = new BearerHeader();
  // The token each first attempt carried; the replay (a new config, axios merges it afresh) is not in it.
  const sent = new WeakMap<InternalAxiosRequestConfig, AccessToken>();

  const request = instance.interceptors.request.use(async (config) => {
    // A caller's own Authorization (or the replay's fresh token, set below) is sent as it is.
    if (config.headers.has('authorization') || !policy.allows(instance.getUri(config))) return config;
    const pending = currentToken(provider);
    const token = pending instanceof Promise ? await pending : pending;
    config.headers.set('authorization', bearer.valueFor(token));
    sent.set(config, token);
    config.beforeRedirect = judgedHops(policy, config.beforeRedirect as RedirectHook | undefined);
    return config;
  });

  const retry = async (config: InternalAxiosRequestConfig | undefined, status: number | undefined): Promise<AxiosResponse | undefined> => {
    const carried = config === undefined ? undefined : sent.get(config);
    if (config === undefined || status === undefined || !answersWithFreshToken(status, carried, false)) return undefined;
    sent.delete(config);
    const fresh = await freshTokenAfter401(provider, carried, !isOneShotBody(config.data));
    if (fresh === undefined) return undefined;
    config.headers.set('authorization', bearer.valueFor(fresh));
    return instance.request(config);
  };

  const response = instance.interceptors.response.use(
    async (answer) => (await retry(answer.config, answer.status)) ?? answer,
    async (error: AxiosError) => {
      const replayed = await retry(error.config, error.response?.status);
      if (replayed === undefined) throw error;
      return replayed;
    },
  );

  return {
    eject() {
      instance.interceptors.request.eject(request);
      instance.interceptors.response.eject(response);
    },
  };
}

/**
 * The `beforeRedirect` of a request that carried the token: each hop keeps it only while every hop so far was one
 * the policy allows; the caller's own `beforeRedirect` runs after.
 */
function judgedHops(policy: OriginPolicy, own: RedirectHook | undefined): RedirectHook {
  let leftAps = false;
  let authorization: string | undefined;
  return (options, response, request) => {
    const headers = options.headers as Record<string, unknown>;
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() !== 'authorization') continue;
      authorization ??= String(headers[name]);
      delete headers[name];
    }
    leftAps ||= !policy.allows(String(options.href));
    if (!leftAps && authorization !== undefined) headers.authorization = authorization;
    own?.(options, response, request);
  };
}
