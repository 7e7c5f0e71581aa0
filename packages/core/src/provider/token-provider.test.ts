import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { SsaOptionError, SsaTokenUnavailableError } from '../errors.js';
import { createTokenProvider } from './token-provider.js';
import type { StoredToken, TokenStore } from '../store/token-store.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe('createTokenProvider', () => {
  it('reads its identity from process.env by default', async () => {
    for (const [name, value] of Object.entries(emulator.seed.env)) vi.stubEnv(name, value);
    try {
      const provider = createTokenProvider();
      expect(provider.identity).toEqual({
        clientId: emulator.seed.clientId,
        serviceAccountId: emulator.seed.serviceAccountId,
        keyId: emulator.seed.keyId,
        scopes: [...emulator.seed.scopes].sort(),
        baseUrl: emulator.url,
      });
      expect((await provider.getToken()).scopes).toEqual(emulator.seed.scopes);
      await provider.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('starts with empty counters and no token', () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    expect(provider.stats).toEqual({
      exchanges: 0,
      exchangeFailures: 0,
      refreshes: 0,
      refreshFailures: 0,
      cacheHits: 0,
      cacheMisses: 0,
      servedStale: 0,
      invalidations: 0,
      refreshing: false,
      clockSkew: 0,
    });
    expect(provider.closed).toBe(false);
  });

  it('rejects an unknown option with a suggestion', () => {
    expect(() => createTokenProvider({ env: emulator.seed.env, minValidty: 1 } as never)).toThrow(SsaOptionError);
    expect(() => createTokenProvider({ env: emulator.seed.env, minValidty: 1 } as never)).toThrow(
      'Unknown option `minValidty` passed to createTokenProvider(). Did you mean `minValidity`?',
    );
  });
});

describe('token provider and its store', () => {
  it('reports a failing store as a retryable unavailability, keeping the store error as cause', async () => {
    const broken: TokenStore = {
      get: async () => {
        throw new Error('connection refused');
      },
      refresh: async () => {
        throw new Error('unreachable');
      },
      delete: async () => undefined,
    };
    const provider = createTokenProvider({ env: emulator.seed.env, store: broken });
    const error = await provider.getToken().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SsaTokenUnavailableError);
    expect(error).toMatchObject({ retryable: true, cause: { code: 'ERR_SSA_NETWORK', cause: { message: 'connection refused' } } });
    expect((error as Error).message).toContain('The token store or the exchange failed unexpectedly (see `cause`).');
    await provider.close();
  });

  it('does not loop on a store that keeps returning an expired token', async () => {
    const expired: StoredToken = { accessToken: 'old', tokenType: 'Bearer', scopes: ['data:read'], obtainedAt: 0, expiresAt: 1 };
    let refreshes = 0;
    const stuck: TokenStore = {
      get: async () => expired,
      refresh: async () => (refreshes++, expired),
      delete: async () => undefined,
    };
    const provider = createTokenProvider({ env: emulator.seed.env, store: stuck });
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      cause: { code: 'ERR_SSA_BAD_RESPONSE', message: 'The token store keeps returning an expired or rejected token. Check the store.' },
    });
    expect(refreshes).toBe(2);
    await provider.close();
  });

  it('does not close a store it was given', async () => {
    let closed = false;
    const store: TokenStore = {
      get: async () => undefined,
      refresh: async (_key, exchange) => exchange(),
      delete: async () => undefined,
      close: async () => void (closed = true),
    };
    const provider = createTokenProvider({ env: emulator.seed.env, store });
    await provider.getToken();
    await provider.close();
    expect(closed).toBe(false);
  });
});
