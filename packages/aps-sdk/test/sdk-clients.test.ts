import { ProviderRegistry, SsaOptionError, createTokenProvider } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { ApsConfiguration, ResiliencyConfiguration, SdkManagerBuilder } from '@aps_sdk/autodesk-sdkmanager';
import type { SdkManager } from '@aps_sdk/autodesk-sdkmanager';
import { DataManagementClient } from '@aps_sdk/data-management';
import { ModelDerivativeClient } from '@aps_sdk/model-derivative';
import { OssClient, PolicyKey, Region } from '@aps_sdk/oss';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ssaAuthenticationProvider } from '../src/index.js';

let emulator: Emulator;
useEmulator((started) => (emulator = started));

const registries: ProviderRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((registry) => registry.close()));
});
function newRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registries.push(registry);
  return registry;
}

/** Autodesk's SdkManager pointed at `baseAddress` (the emulator by default), one attempt per call. */
function sdkManagerAt(baseAddress = emulator.url): SdkManager {
  const configuration = new ApsConfiguration({});
  configuration.BaseAddress = new URL(baseAddress);
  const sdkManager = SdkManagerBuilder.create()
    .addApsConfiguration(configuration)
    // One attempt (a refusal must show as a failure, not as retries), and a generous timeout: the machine may be loaded.
    .addResiliencyConfiguration(new ResiliencyConfiguration(0, 10, 60_000, 30_000))
    .build();
  sdkManager.toggleLogging(false);
  return sdkManager;
}

const SCOPES = ['bucket:create', 'bucket:read', 'data:read'];
let bucketCount = 0;
const newBucketKey = (): string => `aps_sdk_test_${Date.now()}_${++bucketCount}`;

describe("Autodesk's @aps_sdk clients with ssaAuthenticationProvider(), against the emulator", () => {
  it('OSS creates a bucket and lists it; Data Management lists hubs; Model Derivative lists formats; one exchange in all', async () => {
    const sdkManager = sdkManagerAt();
    const authenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: SCOPES, registry: newRegistry(), sdkManager });
    const exchangesBefore = emulator.counters()['token:jwt-bearer'].ok;

    const oss = new OssClient({ authenticationProvider, sdkManager });
    const bucketKey = newBucketKey();
    const created = await oss.createBucket(Region.Us, { bucketKey, policyKey: PolicyKey.Transient });
    expect(created).toMatchObject({ bucketKey, bucketOwner: emulator.seed.clientId, policyKey: 'transient' });
    const { items } = await oss.getBuckets();
    expect(items?.map((item) => item.bucketKey)).toContain(bucketKey);

    const hubs = await new DataManagementClient({ authenticationProvider, sdkManager }).getHubs();
    expect(hubs).toMatchObject({ jsonapi: { version: '1.0' }, data: [] });

    const formats = await new ModelDerivativeClient({ authenticationProvider, sdkManager }).getFormats();
    expect(formats.formats?.['svf2']).toContain('rvt');

    expect(emulator.counters()['token:jwt-bearer'].ok - exchangesBefore).toBe(1);
    expect(emulator.counters()).toMatchObject({ 'create-bucket': { ok: 1 }, 'get-buckets': { ok: 1 }, 'get-hubs': { ok: 1 }, 'get-formats': { ok: 1 } });
  });

  it('a token without the scope an operation needs is refused by the emulator (403 through the SDK)', async () => {
    const sdkManager = sdkManagerAt();
    const authenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: ['data:read'], registry: newRegistry() });
    await expect(new OssClient({ authenticationProvider, sdkManager }).getBuckets()).rejects.toThrow(/status : 403/);
  });

  it('getAccessToken(scopes) gives a token for exactly those scopes, one provider (one exchange) per scope set', async () => {
    const registry = newRegistry();
    const auth = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: SCOPES, registry });
    expect(decodeJwt(await auth.getAccessToken()).scope).toEqual([...SCOPES].sort());
    expect(decodeJwt(await auth.getAccessToken(['bucket:read'])).scope).toEqual(['bucket:read']);
    expect(decodeJwt(await auth.getAccessToken(['data:read', 'bucket:read'])).scope).toEqual(['bucket:read', 'data:read']);
    await auth.getAccessToken(['bucket:read', 'data:read']);
    await auth.getAccessToken([]);
    expect(registry.size).toBe(3);
    expect(registry.get({ env: emulator.seed.env, scopes: ['bucket:read'] }).stats.exchanges).toBe(1);
  });

  it('with a provider given, serves its own scopes and refuses others with a hint', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env, scopes: ['data:read'] });
    try {
      const auth = ssaAuthenticationProvider(provider);
      expect(auth.provider).toBe(provider);
      expect(decodeJwt(await auth.getAccessToken(['data:read'])).scope).toEqual(['data:read']);
      const refused = auth.getAccessToken(['bucket:read']);
      await expect(refused).rejects.toBeInstanceOf(SsaOptionError);
      await expect(refused).rejects.toThrow(/a provider serves only its own scopes\. Pass its options instead/);
    } finally {
      await provider.close();
    }
  });
});

describe('where the token goes', () => {
  it.each([
    ['another host', 'https://evil.example'],
    ['a look-alike of the APS host', 'https://developer.api.autodesk.com.evil.example'],
    ['APS over plain HTTP', 'http://developer.api.autodesk.com'],
    ['another loopback port than the provider’s', 'http://127.0.0.1:9'],
  ])('refuses to hand a token while the SdkManager points at %s, and the SDK sends nothing', async (_name, address) => {
    const sdkManager = sdkManagerAt(address);
    const authenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: SCOPES, registry: newRegistry(), sdkManager });
    const before = emulator.requests().length;
    const call = new OssClient({ authenticationProvider, sdkManager }).getBuckets();
    await expect(call).rejects.toBeInstanceOf(SsaOptionError);
    await expect(call).rejects.toThrow(/not an origin this provider's token may go to .*no token was handed out/);
    expect(emulator.requests().slice(before)).toEqual([]);
  });

  it('checks the base address on every call, so a manager repointed later gets no token', async () => {
    const sdkManager = sdkManagerAt();
    const authenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: SCOPES, registry: newRegistry(), sdkManager });
    const oss = new OssClient({ authenticationProvider, sdkManager });
    await oss.getBuckets();
    sdkManager.apsConfiguration.baseAddress = new URL('https://evil.example');
    await expect(oss.getBuckets()).rejects.toBeInstanceOf(SsaOptionError);
  });

  it('allows APS itself as well as the provider’s own base URL', async () => {
    const auth = ssaAuthenticationProvider({ env: emulator.seed.env, registry: newRegistry(), sdkManager: sdkManagerAt('https://developer.api.autodesk.com') });
    await expect(auth.getAccessToken()).resolves.toMatch(/^eyJ/);
  });
});

describe('options', () => {
  it('rejects an unknown option with a hint, and a bad sdkManager', () => {
    expect(() => ssaAuthenticationProvider({ scope: ['data:read'] } as never)).toThrow(/Did you mean `scopes`\?/);
    expect(() => ssaAuthenticationProvider({ client: {} } as never)).toThrow(SsaOptionError);
    expect(() => ssaAuthenticationProvider({ env: emulator.seed.env, sdkManager: 'https://x' as never })).toThrow(/`sdkManager` must be an SdkManager/);
  });

  it('refuses scopes that are not a list of names', async () => {
    const auth = ssaAuthenticationProvider({ env: emulator.seed.env, registry: newRegistry() });
    await expect(auth.getAccessToken('data:read' as never)).rejects.toThrow(/must be an array of scope names/);
    await expect(auth.getAccessToken([''])).rejects.toThrow(SsaOptionError);
  });
});
