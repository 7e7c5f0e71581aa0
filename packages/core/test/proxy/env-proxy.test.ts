// Proxies: the exchange, the admin client and createApsClient() go through the HTTP_PROXY/HTTPS_PROXY proxy by
// default (undici's EnvHttpProxyAgent), NO_PROXY bypasses it, a `dispatcher` option replaces it; a real tinyproxy
// process stands between them and the emulator, and its own log says what went through it.
import { ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '@aps-ssa/emulator';
import { startTinyproxy, tinyproxyAvailability, useEmulator, useProxyEnv } from '@aps-ssa/test-support';
import type { Tinyproxy } from '@aps-ssa/test-support';
import { createApsClient, createTokenProvider, SsaError } from '../../src/index.js';
import { createAdminClient } from '../../src/admin/index.js';

const { available } = tinyproxyAvailability();

let emulator: Emulator;
useEmulator((started) => (emulator = started));
let proxy: Tinyproxy;
let guarded: Tinyproxy;
const setProxyEnv = useProxyEnv();

/** The requests tinyproxy logged for a path (absolute form: `POST http://127.0.0.1:PORT/path`). */
async function proxied(through: Tinyproxy, path: string): Promise<number> {
  return through.requests(`${emulator.url}${path}`);
}

/** The exchange's error (the cause of the provider's `SsaTokenUnavailableError`). */
async function exchangeFailure(): Promise<SsaError> {
  const provider = createTokenProvider({ env: emulator.seed.env, retry: 1 });
  try {
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SsaError);
    return (error as Error).cause as SsaError;
  } finally {
    await provider.close();
  }
}

describe.skipIf(!available)('through a real proxy (tinyproxy)', () => {
  beforeAll(async () => {
    proxy = await startTinyproxy();
    guarded = await startTinyproxy({ basicAuth: { user: 'proxyuser', password: 'proxy-secret-pw' } });
  });
  afterAll(async () => {
    await proxy?.close();
    await guarded?.close();
  });

  it('HTTP_PROXY: the exchange, createApsClient() and the admin client go through the proxy', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    const provider = createTokenProvider({ env: emulator.seed.env });
    try {
      await provider.getToken();
      expect(await proxied(proxy, '/authentication/v2/token')).toBeGreaterThanOrEqual(1);
      const me = await createApsClient({ provider }).get('userprofile/v1/users/@me').json<{ userId: string }>();
      expect(me.userId).toBe(emulator.seed.serviceAccountId);
      expect(await proxied(proxy, '/userprofile/v1/users/@me')).toBe(1);
      const admin = createAdminClient({ clientId: emulator.seed.clientId, clientSecret: emulator.seed.clientSecret, baseUrl: emulator.url });
      await admin.listServiceAccounts();
      expect(await proxied(proxy, '/authentication/v2/service-accounts')).toBeGreaterThanOrEqual(1);
    } finally {
      await provider.close();
    }
  });

  it('NO_PROXY: a listed host bypasses the proxy', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const before = await proxied(proxy, '/authentication/v2/token');
    const provider = createTokenProvider({ env: emulator.seed.env });
    try {
      await provider.getToken();
      expect(await proxied(proxy, '/authentication/v2/token')).toBe(before);
    } finally {
      await provider.close();
    }
  });

  it('the dispatcher option replaces the environment: no proxy variable, the exchange still goes through it', async () => {
    setProxyEnv({});
    const before = await proxied(proxy, '/authentication/v2/token');
    const dispatcher = new ProxyAgent({ uri: proxy.url, proxyTunnel: false });
    const provider = createTokenProvider({ env: emulator.seed.env, dispatcher });
    try {
      await provider.getToken();
      expect(await proxied(proxy, '/authentication/v2/token')).toBe(before + 1);
    } finally {
      await provider.close();
      await dispatcher.close();
    }
  });

  // tinyproxy (1.11) answers 407 Proxy Authentication Required to a request without a Proxy-Authorization header,
  // and 401 Unauthorized (with WWW-Authenticate, as an origin server would) to one whose credentials are wrong.
  // undici's proxy agent turns a 407 into an error ("Proxy Authentication Required (407)"), so the first is a
  // network failure that names the proxy; the second reaches core as the token endpoint's own 401.
  it('a proxy answering 407 gives a typed error that names the proxy and the 407', async () => {
    setProxyEnv({ HTTP_PROXY: `http://127.0.0.1:${guarded.port}` });
    const before = await proxied(guarded, '/authentication/v2/token');
    const cause = await exchangeFailure();
    expect(cause.code).toBe('ERR_SSA_NETWORK');
    expect(cause.message).toContain(`through the proxy http://127.0.0.1:${guarded.port}: Proxy Authentication Required (407)`);
    expect(cause.message).toContain('HTTPS_PROXY/HTTP_PROXY');
    // The proxy read the request (its log shows it) and refused it: the 407 was its answer, not a failure to connect.
    expect(await proxied(guarded, '/authentication/v2/token')).toBe(before + 1);
    // With its credentials in the URL, the same proxy lets the exchange through.
    setProxyEnv({ HTTP_PROXY: guarded.url });
    const allowed = createTokenProvider({ env: emulator.seed.env });
    try {
      await allowed.getToken();
      expect(await proxied(guarded, '/authentication/v2/token')).toBe(before + 2);
    } finally {
      await allowed.close();
    }
  });

  it('a proxy that cannot be reached is named in the error, never its credentials', async () => {
    const closed = await startTinyproxy();
    await closed.close();
    setProxyEnv({ HTTP_PROXY: `http://proxyuser:proxy-secret-pw@127.0.0.1:${closed.port}` });
    const cause = await exchangeFailure();
    expect(cause.code).toBe('ERR_SSA_NETWORK');
    expect(cause.message).toContain(`through the proxy http://127.0.0.1:${closed.port}`);
    expect(cause.message).not.toMatch(/proxy-secret-pw|proxyuser/);
  });
});
