import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { exchange, INVALID_ASSERTION, logEntryOf, nowSeconds } from './support.js';

/**
 * Assertions made the way the APS "JWT Assertions" page's Node.js snippet makes them: jsonwebtoken, RS256,
 * the kid in the header, no iat (noTimestamp).
 */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());

function docsAssertion(overrides: { claims?: Record<string, unknown>; kid?: string } = {}): string {
  const { seed } = emulator;
  const payload = {
    iss: seed.clientId,
    sub: seed.serviceAccountId,
    aud: 'https://developer.api.autodesk.com/authentication/v2/token',
    exp: nowSeconds(emulator) + 300,
    scope: ['data:read', 'user-profile:read'],
    ...overrides.claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name as keyof typeof payload];
  return jwt.sign(payload, seed.privateKey, {
    algorithm: 'RS256',
    header: { kid: overrides.kid ?? seed.keyId, alg: 'RS256' },
    noTimestamp: true,
  });
}

describe("the APS docs' Node.js snippet (jsonwebtoken)", () => {
  it('is accepted when correct', async () => {
    const response = await exchange(emulator, docsAssertion());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it.each([
    ['scope not an array', { claims: { scope: 'data:read user-profile:read' } }, 'scope'],
    ['a kid that is not the service account key', { kid: '5de993f4-62b0-495a-a43a-b9896d6e9582' }, 'kid'],
    ['a missing claim (sub)', { claims: { sub: undefined } }, 'sub'],
    ['exp more than 5 minutes ahead', { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } }, 'exp'],
    ['a wrong aud', { claims: { aud: 'https://developer.api.autodesk.com' } }, 'aud'],
  ] as const)('is refused for the documented cause: %s', async (_cause, overrides, rule) => {
    const response = await exchange(emulator, docsAssertion(overrides));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_ASSERTION);
    expect(logEntryOf(emulator, response).failedRule).toBe(rule);
  });
});
