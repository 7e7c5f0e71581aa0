import { EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { SsaOptionError } from '../errors.js';
import { describeType } from '../options.js';

/**
 * The proxy settings of the environment: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (or their lower-case forms, which
 * win, as curl and undici read them).
 */
export interface ProxySettings {
  readonly httpsProxy: string | undefined;
  readonly httpProxy: string | undefined;
  readonly noProxy: string | undefined;
}

/**
 * The proxy settings `env` holds.
 *
 * @example
 * ```ts
 * proxySettings({ HTTPS_PROXY: 'http://proxy.corp:3128' }).httpsProxy; // 'http://proxy.corp:3128'
 * ```
 */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const read = (name: string): string | undefined => (env[name.toLowerCase()] || env[name]) || undefined;
  return { httpsProxy: read('HTTPS_PROXY'), httpProxy: read('HTTP_PROXY'), noProxy: read('NO_PROXY') };
}

/**
 * A proxy URL as it may be shown: scheme, host and port, never its user name or password.
 *
 * @example
 * ```ts
 * showProxy('http://user:secret@proxy.corp:3128'); // 'http://proxy.corp:3128'
 * ```
 */
export function showProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(an unparsable proxy URL)';
  }
}

let shared: { key: string; agent: EnvHttpProxyAgent } | undefined;

/**
 * The dispatcher that honours the environment's proxy settings (undici's `EnvHttpProxyAgent`, one per set of
 * settings), or `undefined` when no proxy is set: fetch's own global dispatcher is then used.
 */
export function environmentDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher | undefined {
  const settings = proxySettings(env);
  if (settings.httpsProxy === undefined && settings.httpProxy === undefined) return undefined;
  const key = `${settings.httpsProxy}\n${settings.httpProxy}\n${settings.noProxy}`;
  if (shared?.key !== key) {
    // Plain-HTTP targets (the emulator) in absolute form, as curl sends them; HTTPS ones through a CONNECT tunnel.
    const agent = new EnvHttpProxyAgent({ httpsProxy: settings.httpsProxy, httpProxy: settings.httpProxy, noProxy: settings.noProxy ?? '', proxyTunnel: false });
    shared = { key, agent };
  }
  return shared.agent;
}

/**
 * The fetch every outbound path of aps-ssa uses by default: the global fetch, through `dispatcher` when one is
 * given, else through the environment's proxy when `HTTPS_PROXY`/`HTTP_PROXY` is set (read at each request, so a
 * proxy set after start-up is honoured).
 *
 * @throws {SsaOptionError} when `dispatcher` is not an undici dispatcher.
 *
 * @example
 * ```ts
 * const send = proxiedFetch(new ProxyAgent('http://proxy.corp:3128'));
 * ```
 */
export function proxiedFetch(dispatcher?: unknown): typeof fetch {
  if (dispatcher !== undefined) {
    if (typeof (dispatcher as Dispatcher | null)?.dispatch !== 'function') {
      throw new SsaOptionError('dispatcher', `\`dispatcher\` must be an undici Dispatcher (an Agent, a ProxyAgent...), got ${describeType(dispatcher)}.`);
    }
    return (input, init) => globalThis.fetch(input, { ...init, dispatcher } as RequestInit);
  }
  return async (input, init) => {
    const proxy = environmentDispatcher();
    if (proxy === undefined) return globalThis.fetch(input, init);
    let response: Response;
    try {
      response = await globalThis.fetch(input, { ...init, dispatcher: proxy } as unknown as RequestInit);
    } catch (error) {
      throw throughProxy(error, input);
    }
    if (response.status !== 407) return response;
    // The proxy's answer, not APS's: read as APS's, it would pass for a refused client.
    await response.body?.cancel();
    throw throughProxy(new TypeError('fetch failed', { cause: new Error('HTTP 407 Proxy Authentication Required') }), input);
  };
}

/**
 * A fetch failure through the environment's proxy, its cause naming the proxy (scheme, host and port: never its
 * credentials) beside the original code, so that "Could not reach the token endpoint" says which proxy to look at.
 */
function throughProxy(error: unknown, input: Parameters<typeof fetch>[0]): unknown {
  if (!(error instanceof TypeError)) return error;
  const target = new URL(input instanceof Request ? input.url : String(input));
  const settings = proxySettings();
  const proxy = target.protocol === 'https:' ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy;
  if (proxy === undefined) return error;
  const original = error.cause as NodeJS.ErrnoException | undefined;
  const detail = original?.code ?? original?.message ?? error.message;
  return new TypeError(error.message, { cause: new Error(`through the proxy ${showProxy(proxy)}: ${detail}; check HTTPS_PROXY/HTTP_PROXY, its credentials and NO_PROXY`) });
}
