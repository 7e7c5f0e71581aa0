import type { Emulator } from '@aps-ssa/emulator';
import { expect } from 'vitest';

/** Revokes an access token at the emulator, as an APS admin would: APS then answers 401 to it. */
export async function revoke(emulator: Emulator, accessToken: string): Promise<void> {
  const basic = Buffer.from(`${emulator.seed.clientId}:${emulator.seed.clientSecret}`).toString('base64');
  const response = await fetch(`${emulator.url}/authentication/v2/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
  });
  expect(response.status).toBe(200);
}
