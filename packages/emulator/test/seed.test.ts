import { createPrivateKey } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorOptionError, startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, scopes: ['data:read', 'data:write'] });
});
afterAll(() => emulator.close());

describe('the seed', () => {
  it('has APS-shaped identifiers and a PKCS#1 RSA-2048 key', () => {
    const { seed } = emulator;
    expect(seed.clientId).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(seed.serviceAccountId).toMatch(/^[A-Z0-9]{16}$/);
    expect(seed.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seed.serviceAccountEmail).toBe(`emulator-service-account@${seed.clientId}.adskserviceaccount.autodesk.com`);
    expect(seed.privateKey.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(createPrivateKey(seed.privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(seed.scopes).toEqual(['data:read', 'data:write']);
  });

  it('exposes the APS_* variables', () => {
    const { seed } = emulator;
    expect({ ...seed.env }).toEqual({
      APS_CLIENT_ID: seed.clientId,
      APS_CLIENT_SECRET: seed.clientSecret,
      APS_SA_ID: seed.serviceAccountId,
      APS_SA_EMAIL: seed.serviceAccountEmail,
      APS_SA_KEY_ID: seed.keyId,
      APS_SA_PRIVATE_KEY: seed.privateKey,
      APS_SCOPES: 'data:read data:write',
      APS_BASE_URL: emulator.url,
    });
  });

  it('hides the secret and the private key from JSON.stringify and inspect', () => {
    const { seed } = emulator;
    for (const text of [JSON.stringify(seed), inspect(seed), JSON.stringify(seed.env), inspect(seed.env), inspect({ nested: seed }, { depth: 5 })]) {
      expect(text).not.toContain(seed.clientSecret);
      expect(text).not.toContain('BEGIN RSA PRIVATE KEY');
      expect(text).toContain('[redacted]');
      expect(text).toContain(seed.clientId);
    }
  });
});

describe('options', () => {
  it.each([
    [{ prot: 0 }, 'Unknown emulator option: `prot`. Did you mean `port`? Known: port, host, rateLimit, tokenLifetime, scopes, requestLogSize, statePath, console, consoleAllowRemote, strict.'],
    [{ port: -1 }, '`port` must be an integer from 0 to 65535, got -1.'],
    [{ rateLimit: 1.5 }, '`rateLimit` must be an integer from 0 to 1000000, got 1.5.'],
    [{ scopes: 'data:read' }, "`scopes` must be a non-empty array of APS scopes, e.g. ['data:read'], got \"data:read\"."],
    [{ scopes: ['data:everything'] }, "`scopes` must be a non-empty array of APS scopes, e.g. ['data:read'], got [\"data:everything\"]."],
  ])('rejects %j', async (options, message) => {
    await expect(startEmulator(options as EmulatorOptions)).rejects.toThrow(new EmulatorOptionError(message));
  });

  it('does not mutate the options', async () => {
    const options = Object.freeze({ port: 0, scopes: Object.freeze(['data:read']) });
    const local = await startEmulator(options);
    await local.close();
    await local.close();
    expect(options).toEqual({ port: 0, scopes: ['data:read'] });
  });

  it('keeps only requestLogSize entries', async () => {
    const local = await startEmulator({ port: 0, requestLogSize: 2 });
    try {
      for (let i = 0; i < 3; i++) await fetch(`${local.url}/authentication/v2/keys`);
      expect(local.requests().map((e) => e.seq)).toEqual([2, 3]);
    } finally {
      await local.close();
    }
  });
});
