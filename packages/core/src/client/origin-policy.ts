import { isLoopbackHost } from '../loopback-host.js';

/** The production APS origin (`DEFAULT_BASE_URL`): an access token may always go there, over HTTPS. */
export const APS_ORIGIN = 'https://developer.api.autodesk.com';

const TOKEN_ENDPOINT_PATTERN = /\/authentication\/v2\/token(?![\w-])/;
/** How many URL strings' verdicts a policy remembers (a client calls the same few URLs again and again). */
const VERDICT_CACHE_SIZE = 256;

/**
 * Decides whether an access token may be attached to a request URL.
 *
 * A token goes only to an allowed origin (the configured APS base URL's and {@link APS_ORIGIN}),
 * compared as a whole origin after URL parsing, so `developer.api.autodesk.com.evil.com`, another
 * port or an `http:` downgrade never match; never to a URL carrying user info (`https://a@host/`);
 * never to the token endpoint; and over plain HTTP only to a loopback host (an emulator).
 */
export class OriginPolicy {
  readonly #origins: ReadonlySet<string>;
  /**
   * Verdicts by exact URL string: a verdict depends on nothing but the string, so a repeated URL skips the parse (about
   * 4 µs of a request's CPU in the outbound benchmark). Emptied when full.
   */
  readonly #verdicts = new Map<string, boolean>();

  /** `baseUrl` is the APS base URL the client is bound to, already validated (`normalizeBaseUrl`). */
  constructor(baseUrl: string) {
    this.#origins = new Set([new URL(baseUrl).origin, APS_ORIGIN]);
  }

  /** The origins a token may go to. */
  get origins(): readonly string[] {
    return [...this.#origins];
  }

  /** How many verdicts are remembered: at most {@link VERDICT_CACHE_SIZE}, however many URLs were judged. */
  get rememberedVerdicts(): number {
    return this.#verdicts.size;
  }

  /** Whether a bearer token may be sent to `url`. Unparsable URLs get no token. */
  allows(url: string | URL): boolean {
    if (typeof url !== 'string') return this.#judge(url);
    const known = this.#verdicts.get(url);
    if (known !== undefined) return known;
    const verdict = this.#judge(url);
    if (this.#verdicts.size >= VERDICT_CACHE_SIZE) this.#verdicts.clear();
    this.#verdicts.set(url, verdict);
    return verdict;
  }

  #judge(url: string | URL): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.username !== '' || parsed.password !== '') return false;
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) return false;
    if (!this.#origins.has(parsed.origin)) return false;
    return !isTokenEndpoint(parsed.pathname);
  }
}

function isTokenEndpoint(pathname: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return true; // Malformed escapes: a server might still route it to the endpoint; send nothing.
  }
  // Also under a path prefix (a proxy) and with matrix parameters or a trailing slash (`token;x`, `token/`).
  return TOKEN_ENDPOINT_PATTERN.test(path.toLowerCase().replace(/\/{2,}/g, '/'));
}
