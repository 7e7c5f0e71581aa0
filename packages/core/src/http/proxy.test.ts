import { EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { proxyFor } from './proxy.js';

const HTTP = 'http://http-proxy.example:3128';
const HTTPS = 'http://https-proxy.example:3128';

/**
 * The route undici's own EnvHttpProxyAgent picks for `url`: its three inner dispatchers (direct, HTTP_PROXY's,
 * HTTPS_PROXY's) are swapped for ones that only say which was asked, and nothing is sent.
 */
function undiciRoute(url: string, env: { httpProxy?: string; httpsProxy?: string; noProxy?: string }): string | undefined {
  // '' rather than undefined: EnvHttpProxyAgent would read this process's variables in place of a missing one.
  const agent = new EnvHttpProxyAgent({ httpProxy: env.httpProxy ?? '', httpsProxy: env.httpsProxy ?? '', noProxy: env.noProxy ?? '' }) as unknown as Record<symbol, Dispatcher>;
  const inner = Object.getOwnPropertySymbols(agent).filter((symbol) => /^Symbol\((no|http|https) proxy agent\)$/.test(String(symbol)));
  expect(inner).toHaveLength(3);
  let chosen: string | undefined;
  const routeOf = new Map<Dispatcher, string | undefined>();
  for (const symbol of inner) {
    const original = agent[symbol]!;
    const route = String(symbol).includes('no proxy') ? undefined : String(symbol).includes('https') ? (env.httpsProxy ?? env.httpProxy) : env.httpProxy;
    // With no proxy of its own, an inner slot holds the direct agent: the same object, the same route.
    if (!routeOf.has(original)) routeOf.set(original, route);
  }
  for (const symbol of inner) {
    const original = agent[symbol]!;
    agent[symbol] = { dispatch: () => ((chosen = routeOf.get(original)), true) } as unknown as Dispatcher;
  }
  (agent as unknown as Dispatcher).dispatch({ origin: new URL(url).origin, path: '/', method: 'GET' }, {});
  return chosen;
}

const CASES: Array<[string, string, { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string }]> = [
  ['no variable', 'https://developer.api.autodesk.com', {}],
  ['HTTPS_PROXY for https', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS }],
  ['HTTPS_PROXY is not for http', 'http://127.0.0.1:8080', { HTTPS_PROXY: HTTPS }],
  ['HTTP_PROXY serves https when HTTPS_PROXY is unset', 'https://developer.api.autodesk.com', { HTTP_PROXY: HTTP }],
  ['both set, https', 'https://developer.api.autodesk.com', { HTTP_PROXY: HTTP, HTTPS_PROXY: HTTPS }],
  ['both set, http', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, HTTPS_PROXY: HTTPS }],
  ['NO_PROXY=*', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: '*' }],
  ['NO_PROXY lists the host', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: 'developer.api.autodesk.com' }],
  ['NO_PROXY lists a parent domain', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: 'autodesk.com' }],
  ['NO_PROXY .domain', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: '.autodesk.com' }],
  ['NO_PROXY .domain, the domain itself', 'https://autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: '.autodesk.com' }],
  ['NO_PROXY *.domain', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: '*.autodesk.com' }],
  ['NO_PROXY a look-alike suffix', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: 'desk.com' }],
  ['NO_PROXY upper case', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: 'DEVELOPER.API.AUTODESK.COM' }],
  ['NO_PROXY host:port, that port', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: '127.0.0.1:8080' }],
  ['NO_PROXY host:port, another port', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: '127.0.0.1:9090' }],
  ['NO_PROXY host:443, the default port', 'https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, NO_PROXY: 'developer.api.autodesk.com:443' }],
  ['NO_PROXY a list, spaces and commas', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: 'example.com, 127.0.0.1 ,other' }],
  ['NO_PROXY localhost for 127.0.0.1', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: 'localhost' }],
  ['NO_PROXY a CIDR range', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: '127.0.0.0/8' }],
  ['NO_PROXY * among others', 'http://127.0.0.1:8080', { HTTP_PROXY: HTTP, NO_PROXY: 'example.com,*' }],
];

describe('proxyFor', () => {
  it.each(CASES)('picks the route undici\'s EnvHttpProxyAgent picks: %s', (_case, url, env) => {
    const expected = undiciRoute(url, { httpProxy: env.HTTP_PROXY, httpsProxy: env.HTTPS_PROXY, noProxy: env.NO_PROXY });
    expect(proxyFor(url, env)).toBe(expected);
  });

  it('reads the lower-case forms first, as curl and undici do', () => {
    expect(proxyFor('https://developer.api.autodesk.com', { https_proxy: HTTPS, HTTPS_PROXY: HTTP })).toBe(HTTPS);
    expect(proxyFor('https://developer.api.autodesk.com', { HTTPS_PROXY: HTTPS, no_proxy: 'autodesk.com', NO_PROXY: 'other' })).toBeUndefined();
  });
});
