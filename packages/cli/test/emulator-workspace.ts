import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll } from 'vitest';
import { Workspace } from './cli-process.js';

/**
 * Registers the hooks of a suite that spawns the CLI against the emulator: before its tests, an emulator (rate
 * limits off) and a Workspace, handed to `receive`; after them, both closed and removed.
 */
export function useEmulatorWorkspace(receive: (opened: { emulator: Emulator; ws: Workspace }) => void): void {
  let opened: { emulator: Emulator; ws: Workspace } | undefined;
  beforeAll(async () => {
    opened = { emulator: await startEmulator({ port: 0, rateLimit: 0 }), ws: new Workspace() };
    receive(opened);
  });
  afterAll(async () => {
    await opened?.emulator.close();
    opened?.ws.remove();
  });
}

/** {@link useEmulatorWorkspace}, with the emulator's seeded APS_* variables written to the workspace's `.env`. */
export function useSeededEmulatorWorkspace(receive: (opened: { emulator: Emulator; ws: Workspace; envFile: string }) => void): void {
  useEmulatorWorkspace((opened) => receive({ ...opened, envFile: opened.ws.writeSeedEnv(opened.emulator) }));
}
