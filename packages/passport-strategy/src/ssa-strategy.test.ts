import { ProviderRegistry, SsaConfigError, SsaOptionError, createTokenProvider, sharedTokenProvider } from '@aps-ssa/core';
import { Strategy } from 'passport-strategy';
import { FAKE_SSA_ENV } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SSA_STRATEGY_NAME, SsaStrategy } from './ssa-strategy.js';

const env = FAKE_SSA_ENV;
const verify = (): void => undefined;

describe('new SsaStrategy()', () => {
  const registry = new ProviderRegistry();
  afterEach(async () => {
    vi.unstubAllEnvs();
    await registry.close();
  });

  it('is a passport-strategy Strategy named aps-ssa, with the provider of its identity', () => {
    const strategy = new SsaStrategy({ env, registry });
    expect(strategy).toBeInstanceOf(Strategy);
    expect(strategy.name).toBe('aps-ssa');
    expect(SSA_STRATEGY_NAME).toBe('aps-ssa');
    expect(strategy.provider).toBe(registry.get({ env }));
    expect(new SsaStrategy({ env, registry, scopes: ['data:write'] }).provider.identity.scopes).toEqual(['data:write']);
  });

  it('takes the verify callback alone, as Passport strategies do (and the NestJS mixin passes it)', async () => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const strategy = new SsaStrategy(verify);
    // No options: the APS_* environment, through the process-wide registry.
    expect(strategy.provider).toBe(sharedTokenProvider());
    await strategy.close();
    expect(strategy.provider.closed).toBe(true);
  });

  it('takes an existing provider, and refuses provider options beside it', async () => {
    const provider = createTokenProvider({ env });
    expect(new SsaStrategy({ provider }).provider).toBe(provider);
    expect(() => new SsaStrategy({ provider, env })).toThrow(
      expect.objectContaining({
        code: 'ERR_SSA_INVALID_OPTION',
        option: 'env',
        message: '`env` cannot be combined with `provider` in new SsaStrategy(): the provider already has its identity and settings. Pass one or the other.',
      }),
    );
    await provider.close();
  });

  it('neither changes nor keeps a frozen options object', () => {
    const options = Object.freeze({ env, registry, scopes: Object.freeze(['data:read', 'data:write']), passReqToCallback: true as const });
    expect(new SsaStrategy(options, verify).provider.identity.scopes).toEqual(['data:read', 'data:write']);
    expect(options).toEqual({ env, registry, scopes: ['data:read', 'data:write'], passReqToCallback: true });
  });

  it.each([
    [{ scope: ['data:read'] }, 'scope', 'Unknown option `scope` passed to new SsaStrategy(). Did you mean `scopes`?'],
    [{ passReqToCallbacks: true }, 'passReqToCallbacks', 'Unknown option `passReqToCallbacks` passed to new SsaStrategy(). Did you mean `passReqToCallback`?'],
    [{ passReqToCallback: 'yes' }, 'passReqToCallback', '`passReqToCallback` must be a boolean, got a string.'],
    [{ passReqToCallback: true }, 'passReqToCallback', '`passReqToCallback` needs a verify callback to pass the request to.'],
    [{ provider: {} }, 'provider', '`provider` must be a TokenProvider (from createTokenProvider()), got an object.'],
    [{ registry: {} }, 'registry', '`registry` must be a ProviderRegistry, got an object.'],
  ])('throws early for %j', (options, option, message) => {
    const make = () => new SsaStrategy({ env, ...options } as never);
    expect(make).toThrow(SsaOptionError);
    expect(make).toThrow(expect.objectContaining({ code: 'ERR_SSA_INVALID_OPTION', option, message }));
  });

  it('throws early for a verify callback that is not a function, or options that are not an object', () => {
    expect(() => new SsaStrategy({ env, registry }, 'verify' as never)).toThrow(
      expect.objectContaining({ option: 'verify', message: 'The verify callback of new SsaStrategy() must be a function, got a string.' }),
    );
    expect(() => new SsaStrategy('data:read' as never)).toThrow(
      expect.objectContaining({ option: 'options', message: 'new SsaStrategy() expects an options object, got a string.' }),
    );
  });

  it('reports a missing environment when it is made, not at the first request', () => {
    expect(() => new SsaStrategy({ env: {}, registry })).toThrow(SsaConfigError);
    expect(() => new SsaStrategy({ env: {}, registry })).toThrow(/APS_SA_ID/);
  });
});
