/**
 * The redirect rules every outbound path of aps-ssa follows (`createApsClient()`, the undici interceptor of
 * `@aps-ssa/undici`, the axios interceptor of `@aps-ssa/axios`): which statuses redirect, which keep the method and
 * body, which headers a hop to another origin drops, and how many hops one request follows.
 */

/**
 * The most redirects one request follows (each hop re-checked against the allow-list). APS answers
 * with at most one (a signed download URL); fetch's own limit of 20 only helps a loop.
 *
 * @default 5
 */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Credentials of the previous origin, dropped when a redirect leaves it (the Fetch standard drops Authorization). */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/** The headers that describe a body, dropped when a redirect turns the request into a GET. */
export const BODY_HEADERS: readonly string[] = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * Whether `status` is a redirect that is followed (301, 302, 303, 307, 308).
 *
 * @example
 * ```ts
 * isRedirectStatus(307); // true
 * ```
 */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * Whether a redirect resends the method and body (307/308, or 301/302 of anything but POST), as fetch does.
 *
 * @example
 * ```ts
 * keepsMethodAndBody('POST', 303); // false: the next hop is a GET
 * ```
 */
export function keepsMethodAndBody(method: string, status: number): boolean {
  return !((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST'));
}

/**
 * The URL a redirect response points to (its `Location` resolved against the request URL), or `undefined` when the
 * response is no redirect, has no `Location` or one that does not parse.
 *
 * @example
 * ```ts
 * redirectTarget(302, '/next', 'https://developer.api.autodesk.com/a'); // URL https://developer.api.autodesk.com/next
 * ```
 */
export function redirectTarget(status: number, location: string | null | undefined, requestUrl: string | URL): URL | undefined {
  if (!isRedirectStatus(status) || location === null || location === undefined) return undefined;
  try {
    return new URL(location, requestUrl);
  } catch {
    return undefined;
  }
}
