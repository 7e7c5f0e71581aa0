import { ProviderRegistry, SsaConfigError, SsaOptionError, createTokenProvider, sharedTokenProvider } from '@aps-ssa/core';
import { FAKE_SSA_ENV } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { ssaTokenMiddleware } from './ssa-token-middleware.js';

const env = FAKE_SSA_ENV;

describe('ssaTokenMiddleware() options', () => {
  const registry = new ProviderRegistry();
  afterEach(() => registry.close());

  it('returns a named middleware with its provider, taken from the registry by identity', () => {
    const reader = ssaTokenMiddleware({ env, registry });
    const writer = ssaTokenMiddleware({ env, registry, scopes: ['data:write'] });
    expect(reader.name).toBe('ssaToken');
    expect(reader.length).toBe(3);
    expect(ssaTokenMiddleware({ env, registry }).provider).toBe(reader.provider);
    expect(writer.provider).not.toBe(reader.provider);
    expect(writer.provider.identity.scopes).toEqual(['data:write']);
    expect(registry.size).toBe(2);
  });

  it('uses the process-wide registry by default', async () => {
    const middleware = ssaTokenMiddleware({ env, scopes: ['bucket:read'] });
    expect(middleware.provider).toBe(sharedTokenProvider({ env, scopes: ['bucket:read'] }));
    await middleware.close();
    expect(middleware.provider.closed).toBe(true);
  });

  it('takes an existing provider as it is', async () => {
    const provider = createTokenProvider({ env });
    expect(ssaTokenMiddleware({ provider }).provider).toBe(provider);
    await provider.close();
  });

  it('neither changes nor keeps a frozen options object', () => {
    const options = Object.freeze({ env, registry, scopes: Object.freeze(['data:read', 'data:write']), retry: Object.freeze({ maxAttempts: 2 }) });
    const middleware = ssaTokenMiddleware(options);
    expect(middleware.provider.identity.scopes).toEqual(['data:read', 'data:write']);
    expect(options).toEqual({ env, registry, scopes: ['data:read', 'data:write'], retry: { maxAttempts: 2 } });
  });

  it.each([
    [{ scope: ['data:read'] }, 'scope', 'Unknown option `scope` passed to ssaTokenMiddleware(). Did you mean `scopes`?'],
    [{ provder: {} }, 'provder', 'Unknown option `provder` passed to ssaTokenMiddleware(). Did you mean `provider`?'],
    [{ clients: {} }, 'clients', 'Unknown option `clients` passed to ssaTokenMiddleware(). Did you mean `client`?'],
  ])('rejects the unknown option in %j with a suggestion', (options, option, message) => {
    const call = () => ssaTokenMiddleware({ env, ...options } as never);
    expect(call).toThrow(SsaOptionError);
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_SSA_INVALID_OPTION', option, message }));
  });

  it('rejects what is not an options object', () => {
    expect(() => ssaTokenMiddleware(['data:read'] as never)).toThrow(
      expect.objectContaining({ code: 'ERR_SSA_INVALID_OPTION', message: 'ssaTokenMiddleware() expects an options object, got an array.' }),
    );
  });

  it('refuses provider options next to a provider, which would be ignored', async () => {
    const provider = createTokenProvider({ env });
    expect(() => ssaTokenMiddleware({ provider, scopes: ['data:write'] })).toThrow(
      expect.objectContaining({
        code: 'ERR_SSA_INVALID_OPTION',
        option: 'scopes',
        message:
          '`scopes` cannot be combined with `provider` in ssaTokenMiddleware(): the provider already has its identity and settings. Pass one or the other.',
      }),
    );
    expect(() => ssaTokenMiddleware({ provider, registry })).toThrow(expect.objectContaining({ option: 'registry' }));
    // An option explicitly undefined is as good as absent.
    expect(ssaTokenMiddleware({ provider, scopes: undefined }).provider).toBe(provider);
    await provider.close();
  });

  it.each([
    [{ provider: 'token' }, 'provider', '`provider` must be a TokenProvider (from createTokenProvider()), got a string.'],
    [{ registry: new Map() }, 'registry', '`registry` must be a ProviderRegistry, got an object.'],
  ])('rejects %j', (options, option, message) => {
    expect(() => ssaTokenMiddleware({ env, ...options } as never)).toThrow(expect.objectContaining({ code: 'ERR_SSA_INVALID_OPTION', option, message }));
  });

  it('reports a missing environment when it is made, not at the first request', () => {
    expect(() => ssaTokenMiddleware({ env: {}, registry })).toThrow(SsaConfigError);
    expect(() => ssaTokenMiddleware({ env: {}, registry })).toThrow(/APS_CLIENT_ID/);
  });
});
