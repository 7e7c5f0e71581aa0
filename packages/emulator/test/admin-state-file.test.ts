import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorStateFileError, runEmulatorCli, startEmulator, type Emulator } from '../src/index.js';
import { adminRequest, adminToken, createAccount, createKey } from './admin-support.js';
import { APS_AUDIENCE, basic, exchange, JWT_BEARER, nowSeconds, postForm, seedAssertion, signAssertion } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aps-emulator-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
const statePath = () => join(dir, `state-${++files}.json`);

async function exchangeWith(emulator: Emulator, serviceAccountId: string, kid: string, privateKey: string): Promise<Response> {
  const { clientId, clientSecret } = emulator.seed;
  const claims = { iss: clientId, sub: serviceAccountId, aud: APS_AUDIENCE, exp: nowSeconds(emulator) + 120, scope: ['data:read'] };
  return postForm(emulator.url, { grant_type: JWT_BEARER, assertion: await signAssertion(claims, { kid, privateKey }) }, { authorization: basic(clientId, clientSecret) });
}

describe('statePath', () => {
  it('survives a restart: the seed, accounts, keys, states and times; a created key still exchanges', async () => {
    const path = statePath();
    const first = await startEmulator({ port: 0, rateLimit: 0, statePath: path });
    let created: { serviceAccountId: string; kid: string; privateKey: string; disabledKid: string };
    let before: unknown;
    try {
      const token = await adminToken(first);
      const { serviceAccountId } = await createAccount(first, token, 'persisted-account');
      const { kid, privateKey } = await createKey(first, token, serviceAccountId);
      const disabled = await createKey(first, token, serviceAccountId);
      await adminRequest(first, token, 'PATCH', `/${serviceAccountId}/keys/${disabled.kid}`, { status: 'DISABLED' });
      expect((await exchangeWith(first, serviceAccountId, kid, privateKey)).status).toBe(200);
      created = { serviceAccountId, kid, privateKey, disabledKid: disabled.kid };
      before = await (await adminRequest(first, token, 'GET', `/${serviceAccountId}/keys`)).json();
    } finally {
      await first.close();
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(created.privateKey.split('\n')[1]);
    expect(text).toContain(first.seed.privateKey.split('\n')[1]); // the seed's, documented: the env file must keep working

    const second = await startEmulator({ port: 0, rateLimit: 0, statePath: path });
    try {
      expect({ ...second.seed.env, APS_BASE_URL: '' }).toEqual({ ...first.seed.env, APS_BASE_URL: '' });
      expect((await exchange(second, await seedAssertion(second))).status).toBe(200);
      const token = await adminToken(second);
      expect(await (await adminRequest(second, token, 'GET', `/${created.serviceAccountId}/keys`)).json()).toEqual(before);
      const account = (await (await adminRequest(second, token, 'GET', `/${created.serviceAccountId}`)).json()) as Record<string, string>;
      expect(account).toMatchObject({ serviceAccountId: created.serviceAccountId, status: 'ENABLED', email: expect.stringMatching(/^persisted-account@/) });
      expect((await exchangeWith(second, created.serviceAccountId, created.kid, created.privateKey)).status).toBe(200);
      expect((await exchangeWith(second, created.serviceAccountId, created.disabledKid, created.privateKey)).status).toBe(400);
      expect(second.state.getServiceAccount(created.serviceAccountId)!.accessedAt).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the file at start, and each change shortly after (flushed by close)', async () => {
    const path = statePath();
    const emulator = await startEmulator({ port: 0, rateLimit: 0, statePath: path });
    const read = async () => JSON.parse(await readFile(path, 'utf8')) as { serviceAccounts: { serviceAccountId: string; status: string }[] };
    try {
      expect((await read()).serviceAccounts.map((a) => a.serviceAccountId)).toEqual([emulator.seed.serviceAccountId]);
      emulator.state.setServiceAccountStatus(emulator.seed.serviceAccountId, 'DEACTIVATED');
    } finally {
      await emulator.close();
    }
    expect((await read()).serviceAccounts[0]!.status).toBe('DEACTIVATED');
    const again = await startEmulator({ port: 0, statePath: path });
    try {
      expect(again.state.getServiceAccount(again.seed.serviceAccountId)!.status).toBe('DEACTIVATED');
    } finally {
      await again.close();
    }
  });

  it.each([
    ['not JSON', '{"format": "aps-ssa-emulator-state",', /is corrupt: it is not valid JSON/],
    ['another format', '{"format":"something-else","version":1}', /is corrupt: its "format" is not "aps-ssa-emulator-state"/],
    ['a newer version', '{"format":"aps-ssa-emulator-state","version":2}', /is corrupt: its "version" is not 1/],
  ])('refuses a corrupt file (%s) with EmulatorStateFileError', async (_what, contents, message) => {
    const path = statePath();
    await writeFile(path, contents);
    const error = await startEmulator({ port: 0, statePath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateFileError);
    expect((error as EmulatorStateFileError).code).toBe('ERR_EMULATOR_STATE_FILE');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/Fix it, or delete it to start afresh with a new seed\.$/);
    expect(await readFile(path, 'utf8')).toBe(contents); // left alone
  });

  it('names the field at fault in a damaged file', async () => {
    const good = statePath();
    await (await startEmulator({ port: 0, statePath: good })).close();
    const json = JSON.parse(await readFile(good, 'utf8')) as { keys: { status: string; publicKey: string }[]; serviceAccounts: { clientId: string }[] };
    const cases: [(j: typeof json) => void, string][] = [
      [(j) => void (j.keys[0]!.status = 'LOST'), 'keys[0].status is not one of ENABLED, DISABLED'],
      [(j) => void (j.keys[0]!.publicKey = 'not a key'), 'keys[0].publicKey is not a PEM public key'],
      [(j) => void (j.serviceAccounts[0]!.clientId = 'elsewhere'), 'belongs to an app that is not in the file'],
    ];
    for (const [damage, expected] of cases) {
      const copy = structuredClone(json);
      damage(copy);
      const path = statePath();
      await writeFile(path, JSON.stringify(copy));
      await expect(startEmulator({ port: 0, statePath: path })).rejects.toThrow(expected);
    }
  });

  it('fails to start when the file cannot be written', async () => {
    const path = join(dir, 'no-such-dir', 'state.json');
    const error = (await startEmulator({ port: 0, statePath: path }).catch((e: unknown) => e)) as EmulatorStateFileError;
    expect(error).toBeInstanceOf(EmulatorStateFileError);
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`Cannot write the emulator state file ${path}: ENOENT`)).toBe(true);
  });
});

describe('aps-emulator --state', () => {
  function collect() {
    let text = '';
    return { write: (chunk: string) => void (text += chunk), get text() { return text; } };
  }

  it('keeps the seed across runs, so a written env file keeps working', async () => {
    const path = statePath();
    const seeds: string[] = [];
    for (let run = 0; run < 2; run++) {
      const controller = new AbortController();
      const stdout = collect();
      const code = await runEmulatorCli(['--port', '0', '--state', path], {
        stdout,
        stderr: collect(),
        signal: controller.signal,
        onListening: (emulator) => {
          seeds.push(`${emulator.seed.clientId} ${emulator.seed.keyId}`);
          controller.abort();
        },
      });
      expect(code).toBe(0);
      expect(stdout.text).toContain(`state kept in ${path}\n`);
    }
    expect(seeds[1]).toBe(seeds[0]);
  });

  it('exits 1 with a one-line reason (no stack) for a corrupt state file', async () => {
    const path = statePath();
    await writeFile(path, 'garbage');
    const stderr = collect();
    const code = await runEmulatorCli(['--port', '0', '--state', path], { stdout: collect(), stderr, signal: AbortSignal.abort() });
    expect(code).toBe(1);
    const prefix = `aps-emulator: cannot start the emulator: The emulator state file ${path} is corrupt: it is not valid JSON (`;
    expect(stderr.text.startsWith(prefix)).toBe(true);
    expect(stderr.text.endsWith('). Fix it, or delete it to start afresh with a new seed.\n')).toBe(true);
    expect(stderr.text.split('\n')).toHaveLength(2);
    expect(stderr.text).not.toMatch(/\bat \S+ \(/);
  });
});
