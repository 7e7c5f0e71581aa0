import { afterEach, describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import { SsaOptionError } from '../errors.js';
import { ProviderRegistry, sharedTokenProvider } from './provider-registry.js';

const key = makeRsaKey();
const env = {
  APS_CLIENT_ID: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  APS_CLIENT_SECRET: 'client-secret-value',
  APS_SA_ID: 'Z752CT5MKW2S9N7E',
  APS_SA_KEY_ID: '5de993f4-62b0-495a-a43a-b9896d6e9582',
  APS_SA_PRIVATE_KEY: key.pkcs1,
  APS_SCOPES: 'data:read',
};

describe('ProviderRegistry', () => {
  const registry = new ProviderRegistry({ maxProviders: 3 });
  afterEach(() => registry.close());

  it('gives one provider per identity', () => {
    const reader = registry.get({ env, scopes: ['data:read'] });
    expect(registry.get({ env, scopes: ['data:read'] })).toBe(reader);
    expect(registry.get({ env })).toBe(reader); // APS_SCOPES is data:read: the same identity
    expect(registry.get({ env, scopes: ['data:read', 'data:read'] })).toBe(reader);
    const writer = registry.get({ env, scopes: ['data:write', 'data:read'] });
    expect(writer).not.toBe(reader);
    expect(registry.get({ env, scopes: ['data:read', 'data:write'] })).toBe(writer);
    expect(registry.size).toBe(2);
  });

  it('finds the provider of identity fields it has seen before parsing anything else', () => {
    const reader = registry.get({ env });
    // The same identity with a key that would not load: found by its identity fields, the key is never read again.
    expect(registry.get({ env: { ...env, APS_SA_PRIVATE_KEY: 'not a key' } })).toBe(reader);
    expect(registry.get({ env: { ...env, APS_CLIENT_SECRET: undefined } })).toBe(reader);
    // Another identity is validated in full.
    expect(() => registry.get({ env: { ...env, APS_SA_PRIVATE_KEY: 'not a key' }, scopes: ['data:write'] })).toThrow(/APS_SA_PRIVATE_KEY/);
    expect(() => registry.get({ env, scope: ['data:read'] } as never)).toThrow('Did you mean `scopes`?');
  });

  it('replaces a provider someone closed', async () => {
    const first = registry.get({ env });
    await first.close();
    const second = registry.get({ env });
    expect(second).not.toBe(first);
    expect(second.closed).toBe(false);
  });

  it('refuses identities beyond maxProviders', () => {
    for (const scope of ['data:read', 'data:write', 'data:create']) registry.get({ env, scopes: [scope] });
    const attempt = () => registry.get({ env, scopes: ['bucket:read'] });
    expect(attempt).toThrow(SsaOptionError);
    expect(attempt).toThrow(
      'The registry already serves 3 identities (scope sets). Scopes are probably built per request; use a fixed set of scope lists, or raise `maxProviders`.',
    );
  });

  it('closes every provider', async () => {
    const a = registry.get({ env, scopes: ['data:read'] });
    const b = registry.get({ env, scopes: ['data:write'] });
    await registry.close();
    expect([a.closed, b.closed, registry.size]).toEqual([true, true, 0]);
    expect(JSON.stringify(registry)).toBe('{"size":0,"maxProviders":3}');
  });

  it('rejects bad options', () => {
    expect(() => new ProviderRegistry({ maxProviders: 0 })).toThrow('`maxProviders` must be a whole number of at least 1, got 0.');
    expect(() => new ProviderRegistry({ maxProvider: 2 } as never)).toThrow(
      'Unknown option `maxProvider` passed to new ProviderRegistry(). Did you mean `maxProviders`?',
    );
  });
});

describe('sharedTokenProvider', () => {
  it('returns the same provider for the same identity across calls', async () => {
    const a = sharedTokenProvider({ env, scopes: ['viewables:read'] });
    expect(sharedTokenProvider({ env, scopes: ['viewables:read'] })).toBe(a);
    await a.close();
  });
});
