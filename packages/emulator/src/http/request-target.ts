/**
 * The path and query of a request, read from the request target as a path, never as a URL. Autodesk's own
 * `@aps_sdk/authentication` joins a base URL that ends in `/` with a path that starts with one, so it sends
 * `POST //authentication/v2/token`, which APS presumably answers (issue 14; no reference says) [U].
 * `new URL('//authentication/…', base)` would read `authentication` as a host name; here repeated slashes collapse
 * into one instead.
 */
export interface RequestTarget {
  /** Starts with `/`, with every run of slashes collapsed; still percent-encoded (the router decodes parameters). */
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/**
 * Splits an origin-form request target (`/path?query`) into its path and query.
 *
 * @example
 * ```ts
 * parseRequestTarget('//authentication/v2/keys?x=1'); // { pathname: '/authentication/v2/keys', searchParams: x=1 }
 * ```
 */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  const raw = target ?? '/';
  const question = raw.indexOf('?');
  const path = question < 0 ? raw : raw.slice(0, question);
  return {
    pathname: `/${path}`.replace(/\/{2,}/g, '/'),
    searchParams: new URLSearchParams(question < 0 ? '' : raw.slice(question + 1)),
  };
}
