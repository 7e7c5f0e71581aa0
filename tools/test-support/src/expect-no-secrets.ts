import type { Emulator } from '@aps-ssa/emulator';
import { expect } from 'vitest';

/** Fails if `text` holds the emulator's client secret, a piece of its private key, or one of `more`. */
export function expectNoSecrets(text: string, emulator: Emulator, more: readonly string[] = []): void {
  const key = emulator.seed.privateKey.replace(/-----[^-]+-----|\s/g, '');
  const pieces = [emulator.seed.clientSecret, ...more];
  for (let i = 0; i + 24 <= key.length; i += 24) pieces.push(key.slice(i, i + 24));
  for (const piece of pieces) expect(text.includes(piece), `leaked a secret (${piece.slice(0, 4)}…)`).toBe(false);
}
