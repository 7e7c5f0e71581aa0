import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAssertion } from '../../src/assertion/assertion.js';
import { exchangeAssertion } from '../../src/exchange/token-endpoint.js';
import { expectNoSecrets } from '../support/secrets.js';
import { adminClient, freshApp, person, uniqueName, useAdminEmulator } from './support.js';

const ctx = useAdminEmulator();
const YEAR_MS = 365 * 24 * 3600 * 1000;

describe('AdminClient against the emulator: every operation', () => {
  it('creates, gets, lists, disables, enables and deletes a service account', async () => {
    const { emulator } = ctx;
    const app = freshApp(emulator);
    const admin = adminClient(emulator, app);
    const name = uniqueName();

    const created = await admin.createServiceAccount({ name, ...person });
    expect(created).toEqual({ serviceAccountId: expect.stringMatching(/^[A-Z0-9]{16}$/), email: `${name}@${app.clientId}.adskserviceaccount.autodesk.com` });
    expect(Object.isFrozen(created)).toBe(true);
    const id = created.serviceAccountId;

    const account = await admin.getServiceAccount(id);
    expect(account).toEqual({
      serviceAccountId: id,
      email: created.email,
      createdBy: app.clientId,
      status: 'ENABLED',
      createdAt: expect.any(Date),
      accessedAt: expect.any(Date),
      expiresAt: expect.any(Date),
    });
    // The emulator alternates APS's two documented time forms answer by answer (S1's nanoseconds, the newer pages'
    // whole seconds): two reads give both, and each parses to the emulator's record (ms), the second-form truncated.
    const record = emulator.state.getServiceAccount(id)!;
    const [first, second] = [account, await admin.getServiceAccount(id)];
    expect([first.createdAt.getTime(), second.createdAt.getTime()].sort()).toEqual([Math.floor(record.createdAt / 1000) * 1000, record.createdAt].sort());
    expect(account.expiresAt!.getTime() - account.createdAt.getTime()).toBe(YEAR_MS);

    expect((await admin.listServiceAccounts()).map((a) => a.serviceAccountId)).toEqual([id]);

    const disabled = await admin.disableServiceAccount(id);
    expect(disabled.status).toBe('DISABLED');
    expect(emulator.state.getServiceAccount(id)!.status).toBe('DISABLED');
    expect((await admin.enableServiceAccount(id)).status).toBe('ENABLED');

    await expect(admin.deleteServiceAccount(id)).resolves.toBeUndefined();
    expect(emulator.state.getServiceAccount(id)).toBeUndefined();
    expect(await admin.listServiceAccounts()).toEqual([]);
  });

  it('creates, lists, disables, enables and deletes keys', async () => {
    const { emulator } = ctx;
    const app = freshApp(emulator);
    const admin = adminClient(emulator, app);
    const { serviceAccountId } = await admin.createServiceAccount({ name: uniqueName(), ...person });

    const key = await admin.createKey(serviceAccountId);
    expect(key.kid).toMatch(/^[0-9a-f-]{36}$/);
    expect(key.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    const keys = await admin.listKeys(serviceAccountId);
    expect(keys).toEqual([{ kid: key.kid, status: 'ENABLED', createdAt: expect.any(Date), accessedAt: expect.any(Date) }]);
    expect(Object.isFrozen(keys)).toBe(true);

    await expect(admin.disableKey(serviceAccountId, key.kid)).resolves.toBeUndefined();
    expect(emulator.state.getKey(key.kid)!.status).toBe('DISABLED');
    expect((await admin.listKeys(serviceAccountId))[0]!.status).toBe('DISABLED');
    await admin.enableKey(serviceAccountId, key.kid);
    expect(emulator.state.getKey(key.kid)!.status).toBe('ENABLED');
    await admin.deleteKey(serviceAccountId, key.kid);
    expect(await admin.listKeys(serviceAccountId)).toEqual([]);
  });

  it("a created key's privateKey signs an assertion that exchanges for a token (createAssertion + exchangeAssertion)", async () => {
    const { emulator } = ctx;
    const app = freshApp(emulator);
    const admin = adminClient(emulator, app);
    const { serviceAccountId } = await admin.createServiceAccount({ name: uniqueName(), ...person });
    const { kid, privateKey } = await admin.createKey(serviceAccountId);
    const assertion = await createAssertion({ clientId: app.clientId, serviceAccountId, keyId: kid, privateKey, scopes: ['data:read'] });
    const result = await exchangeAssertion({ baseUrl: emulator.url, clientId: app.clientId, clientSecret: app.clientSecret, assertion });
    expect(result.tokenType).toBe('Bearer');
    expect(result.accessToken.split('.')).toHaveLength(3);
    // The exchange is what moves accessedAt.
    const [listed] = await admin.listKeys(serviceAccountId);
    expect(listed!.accessedAt!.getTime()).toBeGreaterThanOrEqual(listed!.createdAt.getTime());
  });

  it('hides the private key from JSON and inspect, and keeps it out of a spread', async () => {
    const { emulator } = ctx;
    const admin = adminClient(emulator, freshApp(emulator));
    const { serviceAccountId } = await admin.createServiceAccount({ name: uniqueName(), ...person });
    const key = await admin.createKey(serviceAccountId);
    expect(JSON.stringify(key)).toBe(`{"kid":"${key.kid}","privateKey":"[redacted]"}`);
    expect(inspect(key)).toContain("privateKey: '[redacted]'");
    expect({ ...key }).toEqual({ kid: key.kid });
    const body = key.privateKey.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(inspect({ nested: [key] }, { depth: 5 })).not.toContain(body.slice(0, 40));
    expect(JSON.stringify({ key, list: await admin.listKeys(serviceAccountId) })).not.toContain(body.slice(0, 40));
  });

  it('never shows the client secret or its token in results or the client itself', async () => {
    const { emulator } = ctx;
    const app = freshApp(emulator);
    const admin = adminClient(emulator, app);
    const results = [admin, await admin.listServiceAccounts(), await admin.createServiceAccount({ name: uniqueName(), ...person })];
    for (const result of results) expectNoSecrets(result, [app.clientSecret]);
  });
});
