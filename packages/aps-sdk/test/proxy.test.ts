// Behind a proxy: Autodesk's SdkManager sends its calls with axios, which routes them by HTTP_PROXY itself; the
// provider behind ssaAuthenticationProvider() routes its exchange by the same variable (core). A real tinyproxy
// process stands between them and the emulator, and its log (absolute-form request lines) shows both.
import { ProviderRegistry } from '@aps-ssa/core';
import type { Emulator } from '@aps-ssa/emulator';
import { startTinyproxy, tinyproxyAvailability, useEmulator, useProxyEnv } from '@aps-ssa/test-support';
import type { Tinyproxy } from '@aps-ssa/test-support';
import { ApsConfiguration, ResiliencyConfiguration, SdkManagerBuilder } from '@aps_sdk/autodesk-sdkmanager';
import { OssClient } from '@aps_sdk/oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssaAuthenticationProvider } from '../src/index.js';

const { available } = tinyproxyAvailability();

let emulator: Emulator;
useEmulator((started) => (emulator = started));
const setProxyEnv = useProxyEnv();
let proxy: Tinyproxy;

describe.skipIf(!available)("an @aps_sdk client with ssaAuthenticationProvider(), through a real proxy (tinyproxy)", () => {
  beforeAll(async () => {
    proxy = await startTinyproxy();
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("HTTP_PROXY: the SDK's call and the exchange behind its token both go through the proxy", async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    const configuration = new ApsConfiguration({});
    configuration.BaseAddress = new URL(emulator.url);
    // One attempt and a generous timeout: the machine may be loaded.
    const sdkManager = SdkManagerBuilder.create().addApsConfiguration(configuration).addResiliencyConfiguration(new ResiliencyConfiguration(0, 10, 60_000, 30_000)).build();
    sdkManager.toggleLogging(false);
    const registry = new ProviderRegistry();
    try {
      const authenticationProvider = ssaAuthenticationProvider({ env: emulator.seed.env, scopes: ['bucket:read'], registry, sdkManager });
      const { items } = await new OssClient({ authenticationProvider, sdkManager }).getBuckets();
      expect(Array.isArray(items)).toBe(true);
      expect(await proxy.requests(`${emulator.url}/authentication/v2/token`)).toBe(1);
      // The SDK joins its base address (a URL: `http://127.0.0.1:PORT/`) and the operation's path with a double slash.
      expect(await proxy.requests(`${emulator.url}//oss/v2/buckets`)).toBe(1);
      expect(emulator.counters()['get-buckets']).toMatchObject({ ok: 1 });
    } finally {
      await registry.close();
    }
  });
});
