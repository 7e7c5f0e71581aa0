import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator, EmulatorOptions } from '@aps-ssa/emulator';
import { createTokenProvider } from '../../../src/provider/token-provider.js';
import type { TokenProvider } from '../../../src/provider/token-provider.js';
import type { TokenProviderOptions } from '../../../src/provider/provider-options.js';

/**
 * Starts one emulator for the file, resets its faults, counters, clock and settings after each test,
 * and closes every provider a test made.
 */
export function useEmulator(options: EmulatorOptions = {}): {
  readonly emulator: Emulator;
  provider(overrides?: TokenProviderOptions): TokenProvider;
} {
  let emulator: Emulator | undefined;
  const providers: TokenProvider[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, ...options });
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((p) => p.close()));
    emulator?.faults.clear();
    emulator?.resetCounters();
    emulator?.clock.setOffset(0);
    emulator?.setTokenLifetime(options.tokenLifetime ?? 3599);
    emulator?.setRateLimit(options.rateLimit ?? 10);
    for (const key of emulator?.state.listKeys(emulator.seed.serviceAccountId) ?? []) emulator?.state.setKeyStatus(key.kid, 'ENABLED');
    emulator?.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'ENABLED');
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return {
    get emulator() {
      if (emulator === undefined) throw new Error('The emulator starts in beforeAll.');
      return emulator;
    },
    provider(overrides = {}) {
      const provider = createTokenProvider({ env: this.emulator.seed.env, ...overrides });
      providers.push(provider);
      return provider;
    },
  };
}

/** Resolves after pending I/O callbacks have run (lets real HTTP progress between clock steps). */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A gate a custom fetch waits at before sending, so a test can hold an exchange open for as long as it likes. */
export function gatedFetch(): { fetch: typeof fetch; close(): void; open(): void; readonly waiting: number } {
  let opened: Promise<void> = Promise.resolve();
  let release: () => void = () => undefined;
  let waiting = 0;
  return {
    fetch: async (input, init) => {
      waiting++;
      await opened;
      waiting--;
      return fetch(input, init);
    },
    close() {
      opened = new Promise((resolve) => (release = resolve));
    },
    open() {
      release();
    },
    get waiting() {
      return waiting;
    },
  };
}
