import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenProvider } from '../provider/token-provider.js';
import { tokenHealth } from './token-health.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe('tokenHealth', () => {
  it("answers 200 with the token's expiry, seconds left and scopes", async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    const health = await tokenHealth(provider);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', scopes: [...emulator.seed.scopes].sort() } });
    if (health.status !== 200) throw new Error('expected 200');
    expect(health.body.expiresIn).toBeGreaterThan(3_500);
    expect(Date.parse(health.body.expiresAt)).toBeGreaterThan(Date.now());
    await provider.close();
  });

  it('answers 503 with a generic message when no token can be had, the reason apart for the log', async () => {
    const provider = createTokenProvider({ env: emulator.seed.env });
    await provider.close();
    expect(await tokenHealth(provider)).toEqual({
      status: 503,
      body: { status: 'unavailable', error: 'ERR_SSA_CLOSED', message: 'The server is shutting down. Try again later.' },
      reason: expect.any(String),
    });
  });
});
