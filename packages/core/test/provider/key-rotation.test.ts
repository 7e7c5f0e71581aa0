import { describe, expect, it } from 'vitest';
import { SsaClosedError, SsaOptionError } from '../../src/errors.js';
import { ProviderRegistry } from '../../src/provider/provider-registry.js';
import { useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });

/** The kid of the last assertion the emulator was sent. */
function lastKid(): unknown {
  return env.emulator.requests().filter((entry) => entry.endpoint === 'token:jwt-bearer').at(-1)?.assertion?.header?.kid;
}

describe('rotateKey()', () => {
  it('signs the next exchange with the new key, while the cached token is served until its refresh', async () => {
    const { emulator } = env;
    const time = timeline(emulator);
    const provider = env.provider({ clock: time.providerClock });
    const first = await provider.getToken();
    const created = await emulator.state.createKey(emulator.seed.serviceAccountId);

    provider.rotateKey({ keyId: created.kid, privateKey: created.privateKey, serviceAccountId: emulator.seed.serviceAccountId });
    expect(provider.identity.keyId).toBe(created.kid);
    expect(await provider.getToken()).toBe(first);
    expect(emulator.counters().exchanges).toBe(1);

    // The old key is retired: the next refresh must not need it.
    emulator.state.setKeyStatus(emulator.seed.keyId, 'DISABLED');
    time.advance(3600_000);
    const second = await provider.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(lastKid()).toBe(created.kid);
    emulator.state.deleteKey(created.kid);
  });

  it("refuses another account's key and a missing key id, and is refused once closed", async () => {
    const provider = env.provider();
    expect(() => provider.rotateKey({ keyId: 'k', privateKey: env.emulator.seed.privateKey, serviceAccountId: 'OTHER' })).toThrow(SsaOptionError);
    expect(() => provider.rotateKey({ keyId: '', privateKey: env.emulator.seed.privateKey })).toThrow(/`keyId` must be a non-empty string/);
    await provider.close();
    expect(() => provider.rotateKey({ keyId: 'k', privateKey: env.emulator.seed.privateKey })).toThrow(SsaClosedError);
  });

  it("of a registry reaches its providers of the account, and those it creates later", async () => {
    const { emulator } = env;
    const registry = new ProviderRegistry();
    try {
      const reader = registry.get({ env: emulator.seed.env, scopes: ['data:read'] });
      const created = await emulator.state.createKey(emulator.seed.serviceAccountId);
      registry.rotateKey({ keyId: created.kid, privateKey: created.privateKey, serviceAccountId: emulator.seed.serviceAccountId });
      expect(reader.identity.keyId).toBe(created.kid);
      // Looked up by the configured options as before; a new identity signs with the new key from its first exchange.
      expect(registry.get({ env: emulator.seed.env, scopes: ['data:read'] })).toBe(reader);
      const later = registry.get({ env: emulator.seed.env, scopes: ['user-profile:read'] });
      expect(later.identity.keyId).toBe(created.kid);
      await later.getToken();
      expect(lastKid()).toBe(created.kid);
      emulator.state.deleteKey(created.kid);
    } finally {
      await registry.close();
    }
  });
});
