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
 * The proxy a request for `url` goes through with `env`'s settings, or `undefined` when it goes directly: the rules
 * of undici's `EnvHttpProxyAgent`, which {@link environmentDispatcher} builds (an `https:` URL takes `HTTPS_PROXY`,
 * else `HTTP_PROXY`; `NO_PROXY` is `*`, or a list of hosts, each the host itself and its subdomains, with an optional
 * leading `.` or `*.` and `:port`). What `aps-ssa doctor` reports, so that it names the route the exchange takes.
 *
 * @example
 * ```ts
 * proxyFor('https://developer.api.autodesk.com/', { HTTPS_PROXY: 'http://proxy.corp:3128' }); // 'http://proxy.corp:3128'
 * proxyFor('https://developer.api.autodesk.com/', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '.autodesk.com' }); // undefined
 * ```
 */
export function proxyFor(url: string | URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const target = new URL(url);
  const { httpsProxy, httpProxy, noProxy = '' } = proxySettings(env);
  const proxy = target.protocol === 'https:' ? (httpsProxy ?? httpProxy) : httpProxy;
  if (proxy === undefined || noProxy === '*') return undefined;
  const hostname = target.hostname.toLowerCase();
  const port = Number.parseInt(target.port, 10) || (target.protocol === 'https:' ? 443 : 80);
  const bypassed = noProxy.split(/[,\s]/).some((entry) => {
    if (entry === '') return false;
    const [, named = entry, entryPort = '0'] = /^(.+):(\d+)$/.exec(entry) ?? [];
    const host = named.replace(/^\*?\./, '').toLowerCase();
    if (entryPort !== '0' && Number.parseInt(entryPort, 10) !== port) return false;
    return hostname === host || hostname.endsWith(`.${host}`);
  });
  return bypassed ? undefined : proxy;
}

let processEnvironmentFetch: typeof fetch | undefined;

/**
 * The fetch every outbound path of aps-ssa uses by default: the global fetch, through `dispatcher` when one is
 * given, else through the proxy of the environment's `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (see
 * {@link environmentFetch}).
 *
 * @throws {SsaOptionError} when `dispatcher` is not an undici dispatcher.
 *
 * @example
 * ```ts
 * const send = proxiedFetch(new ProxyAgent('http://proxy.corp:3128'));
 * ```
 */
export function proxiedFetch(dispatcher?: unknown): typeof fetch {
  // One shared fetch for the process's environment (it reads the variables at each request): not one closure per provider.
  if (dispatcher === undefined) return (processEnvironmentFetch ??= environmentFetch());
  if (typeof (dispatcher as Dispatcher | null)?.dispatch !== 'function') {
    throw new SsaOptionError('dispatcher', `\`dispatcher\` must be an undici Dispatcher (an Agent, a ProxyAgent...), got ${describeType(dispatcher)}.`);
  }
  return (input, init) => globalThis.fetch(input, { ...init, dispatcher } as RequestInit);
}

/**
 * The global fetch through the proxy that `env` sets (`HTTPS_PROXY`/`HTTP_PROXY`, unless `NO_PROXY` lists the host;
 * read at each request, so a proxy set after start-up is honoured), directly when it sets none. A failure through
 * the proxy (undici's proxy agent turns its `407` into one) is a fetch failure that names the proxy. The CLI passes
 * the environment its `--env-file`s make, so that the proxy `aps-ssa doctor` reports is the one its requests take.
 *
 * @example
 * ```ts
 * const send = environmentFetch({ ...process.env, HTTPS_PROXY: 'http://proxy.corp:3128' });
 * ```
 */
export function environmentFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  return async (input, init) => {
    const proxy = environmentDispatcher(env);
    if (proxy === undefined) return globalThis.fetch(input, init);
    try {
      return await globalThis.fetch(input, { ...init, dispatcher: proxy } as unknown as RequestInit);
    } catch (error) {
      throw throughProxy(error, input, env);
    }
  };
}

/**
 * A fetch failure through the environment's proxy, its cause naming the proxy (scheme, host and port: never its
 * credentials) beside the original code, so that "Could not reach the token endpoint" says which proxy to look at.
 */
function throughProxy(error: unknown, input: Parameters<typeof fetch>[0], env: NodeJS.ProcessEnv): unknown {
  if (!(error instanceof TypeError)) return error;
  const proxy = proxyFor(input instanceof Request ? input.url : String(input), env);
  if (proxy === undefined) return error;
  const original = error.cause as NodeJS.ErrnoException | undefined;
  // undici's own errors say what the proxy answered in their message ("Proxy Authentication Required (407)", "Proxy
  // response (407) !== 200 when HTTP Tunneling"); a socket's error says it in its code (ECONNREFUSED).
  const detail = original?.code?.startsWith('UND_ERR_') === true ? original.message : (original?.code ?? original?.message ?? error.message);
  return new TypeError(error.message, { cause: new Error(`through the proxy ${showProxy(proxy)}: ${detail}; check HTTPS_PROXY/HTTP_PROXY, its credentials and NO_PROXY`) });
}
