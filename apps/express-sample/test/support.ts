import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '@aps-ssa/emulator';
import { expect } from 'vitest';

/** Listens on a free loopback port; returns the base URL and a close that drops open connections. */
export async function listen(app: { listen(port: number, host: string, callback: () => void): Server }): Promise<{ url: string; close(): Promise<void> }> {
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Retries kept short, so that an outage is reported in well under a second. */
export const FAST_FAILURE = { retry: { maxAttempts: 2, baseDelay: 10, maxDelay: 10, budget: 1_000 }, timeout: 2_000 } as const;

/** Fails if `text` holds the emulator's client secret or a piece of its private key. */
export function expectNoSecrets(text: string, emulator: Emulator): void {
  const key = emulator.seed.privateKey.replace(/-----[^-]+-----|\s/g, '');
  const pieces = [emulator.seed.clientSecret];
  for (let i = 0; i + 24 <= key.length; i += 24) pieces.push(key.slice(i, i + 24));
  for (const piece of pieces) expect(text.includes(piece), `leaked a secret (${piece.slice(0, 4)}…)`).toBe(false);
}
