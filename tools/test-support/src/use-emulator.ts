import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll } from 'vitest';

/** Registers hooks that start an emulator (rate limits off) before the file's tests, handed to `receive`, and close it after. */
export function useEmulator(receive: (emulator: Emulator) => void): void {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    receive(emulator);
  });
  afterAll(() => emulator?.close());
}
