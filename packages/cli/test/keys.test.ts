import { createPrivateKey, createPublicKey } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Emulator } from '@aps-ssa/emulator';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Workspace } from './cli-process.js';
import { useEmulatorWorkspace } from './emulator-workspace.js';
import { freshAccount, keyStatuses } from './fixtures.js';

describe('aps-ssa keys, spawned against the emulator', () => {
  let emulator: Emulator;
  let ws: Workspace;

  useEmulatorWorkspace((opened) => ({ emulator, ws } = opened));

  it('list shows the keys and marks the one APS_SA_KEY_ID names', async () => {
    const { id, kid, envFile } = await freshAccount(emulator, ws, 'list-robot');
    const other = await emulator.state.createKey(id);
    emulator.state.setKeyStatus(other.kid, 'DISABLED');
    const result = await ws.run(['keys', 'list', '--env-file', envFile]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]?.trim().split(/\s{2,}/)).toEqual(['KID', 'STATUS', 'CREATED', 'LAST USED']);
    expect(lines[1]).toMatch(new RegExp(`^  ${kid}  ENABLED   \\S+Z  \\S.* +← APS_SA_KEY_ID$`));
    expect(lines[2]).toMatch(new RegExp(`^  ${other.kid}  DISABLED  \\S+Z  \\S.*\\S$`));
    const json = JSON.parse((await ws.run(['keys', 'list', '--env-file', envFile, '--json'])).stdout);
    expect(json).toMatchObject({ serviceAccountId: id, keys: [{ kid, status: 'ENABLED' }, { kid: other.kid, status: 'DISABLED' }] });
  });

  it('create writes the private key with mode 0600 and prints settings that, appended to the env file, get a token', async () => {
    const { id, envFile } = await freshAccount(emulator, ws, 'create-robot');
    const result = await ws.run(['keys', 'create', '--env-file', envFile, '--out', 'create-robot.pem']);
    expect(result.code).toBe(0);
    const newKid = Object.keys(keyStatuses(emulator, id)).at(-1);
    const file = ws.path('create-robot.pem');
    expect(result.stdout).toBe(`APS_SA_ID=${id}\nAPS_SA_KEY_ID=${newKid}\nAPS_SA_PRIVATE_KEY_FILE=${file}\nAPS_SA_PRIVATE_KEY=\n`);
    expect(result.stderr).toBe(
      `Created key ${newKid} for service account ${id}. Its private key is in ${file} (mode 0600); APS never shows it again, so keep it safe.\n`,
    );
    expect(result.stdout + result.stderr).not.toContain('PRIVATE KEY-----');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    appendFileSync(ws.path(envFile), result.stdout);
    const token = await ws.run(['token', '--env-file', envFile, '--json']);
    expect(token.code).toBe(0);
    expect(emulator.requests().at(-1)?.assertion?.header).toMatchObject({ kid: newKid });
  });

  it('create --print-private-key --json puts the key in the settings and writes no file', async () => {
    const { id, envFile } = await freshAccount(emulator, ws, 'print-robot');
    const before = readdirSync(ws.dir).length;
    const result = await ws.run(['keys', 'create', '--env-file', envFile, '--print-private-key', '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc).sort()).toEqual(['env', 'keyId', 'serviceAccountId']);
    expect(doc.env).toMatchObject({ APS_SA_ID: id, APS_SA_KEY_ID: doc.keyId, APS_SA_PRIVATE_KEY_FILE: '' });
    const publicKey = createPublicKey(createPrivateKey(doc.env.APS_SA_PRIVATE_KEY)).export({ format: 'jwk' });
    expect(publicKey).toEqual(emulator.state.getKey(doc.keyId)?.publicKey.export({ format: 'jwk' }));
    expect(readdirSync(ws.dir)).toHaveLength(before);

    const plain = await ws.run(['keys', 'create', '--env-file', envFile, '--print-private-key']);
    expect(plain.code).toBe(0);
    const env = parseEnv(plain.stdout);
    expect(env.APS_SA_PRIVATE_KEY).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n?$/);
    expect(plain.stderr).toContain('Its private key is in APS_SA_PRIVATE_KEY below;');
    appendFileSync(ws.path(envFile), plain.stdout);
    expect((await ws.run(['token', '--env-file', envFile])).code).toBe(0);
    expect(emulator.requests().at(-1)?.assertion?.header).toMatchObject({ kid: env.APS_SA_KEY_ID });
  });

  it('create refuses, before creating any key, without --out, or when the file exists', async () => {
    const { id, envFile } = await freshAccount(emulator, ws, 'careful-robot');
    expect(await ws.run(['keys', 'create', '--env-file', envFile])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "aps-ssa keys create: Missing --out PATH (the file that receives the private key, mode 0600), or --print-private-key. See 'aps-ssa keys create --help'.\n",
    });
    writeFileSync(ws.path('taken.pem'), 'precious');
    const taken = await ws.run(['keys', 'create', '--env-file', envFile, '--out', 'taken.pem']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      `aps-ssa keys create: ${ws.path('taken.pem')} already exists and may hold another key; choose another --out path, or add --force to replace it. (ERR_CLI_OUT_FILE)\n`,
    );
    expect(readFileSync(ws.path('taken.pem'), 'utf8')).toBe('precious');
    expect(Object.keys(keyStatuses(emulator, id))).toHaveLength(1);
  });

  it('create at the 3-key limit fails with APS\'s reason and leaves no file', async () => {
    const { id, envFile } = await freshAccount(emulator, ws, 'full-robot');
    await emulator.state.createKey(id);
    await emulator.state.createKey(id);
    const result = await ws.run(['keys', 'create', '--env-file', envFile, '--out', 'full.pem']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aps-ssa keys create: APS refused to create a key for service account \w+ \(HTTP 403 limit_exceeded: "The number of keys has exceeded the limit\."\)\..*\(ERR_SSA_API\)\n$/);
    expect(existsSync(ws.path('full.pem'))).toBe(false);
    expect(readdirSync(ws.dir).filter((name) => name.includes('full.pem'))).toEqual([]);
  });

  it('disable, enable and delete a key (delete asks for --yes)', async () => {
    const { id, envFile } = await freshAccount(emulator, ws, 'toggle-key-robot');
    const spare = await emulator.state.createKey(id);
    expect(await ws.run(['keys', 'disable', spare.kid, '--env-file', envFile])).toEqual({
      code: 0,
      stdout: `Key ${spare.kid} of service account ${id} is now DISABLED.\n`,
      stderr: '',
    });
    expect(keyStatuses(emulator, id)[spare.kid]).toBe('DISABLED');
    const enabled = await ws.run(['keys', 'enable', spare.kid, '--env-file', envFile, '--json']);
    expect(JSON.parse(enabled.stdout)).toEqual({ serviceAccountId: id, keyId: spare.kid, status: 'ENABLED' });
    expect(keyStatuses(emulator, id)[spare.kid]).toBe('ENABLED');
    expect((await ws.run(['keys', 'delete', spare.kid, '--env-file', envFile])).code).toBe(2);
    expect(emulator.state.getKey(spare.kid)).toBeDefined();
    expect((await ws.run(['keys', 'delete', spare.kid, '--yes', '--env-file', envFile])).code).toBe(0);
    expect(emulator.state.getKey(spare.kid)).toBeUndefined();
  });

  it('an unknown account is a 404 with exit 1; --account wins over APS_SA_ID', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'other-robot');
    const result = await ws.run(['keys', 'list', '--account', 'NOPE0000NOPE0000', '--env-file', envFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aps-ssa keys list: APS refused to list the keys of service account NOPE0000NOPE0000 \(HTTP 404 not_found: "The service account is not found\."\)/);
  });

  it('without --account or APS_SA_ID, asks for one', async () => {
    const envFile = ws.writeSeedEnv(emulator, 'no-sa.env', { APS_SA_ID: '' });
    expect((await ws.run(['keys', 'list', '--env-file', envFile])).stderr).toBe(
      "aps-ssa keys list: Missing --account ID (or set APS_SA_ID). See 'aps-ssa keys list --help'.\n",
    );
  });
});

describe('aps-ssa keys rotate and retire, spawned against the emulator', () => {
  let emulator: Emulator;
  let ws: Workspace;

  useEmulatorWorkspace((opened) => ({ emulator, ws } = opened));

  it('creates a new key, proves it, prints the new settings and keeps the old key enabled for the grace period', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'rotate-robot');
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'rotated.pem']);
    expect(result.code).toBe(0);
    const statuses = keyStatuses(emulator, id);
    const newKid = Object.keys(statuses).find((kid) => kid !== oldKid) ?? '';
    expect(statuses).toEqual({ [oldKid]: 'ENABLED', [newKid]: 'ENABLED' });
    expect(result.stdout).toBe(`APS_SA_ID=${id}\nAPS_SA_KEY_ID=${newKid}\nAPS_SA_PRIVATE_KEY_FILE=${ws.path('rotated.pem')}\nAPS_SA_PRIVATE_KEY=\n`);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Rotated: the new key ${newKid} got a token; the old key ${oldKid} stays ENABLED for the grace period \\(1h 10m, until \\S+Z\\), ` +
          `.*Then retire it: aps-ssa keys retire ${oldKid} --account ${id} `,
      ),
    );
    const proof = emulator.requests().filter((r) => r.endpoint === 'token:jwt-bearer').at(-1);
    expect(proof).toMatchObject({ status: 200, assertion: { header: { kid: newKid } } });
    expect(statSync(ws.path('rotated.pem')).mode & 0o777).toBe(0o600);

    appendFileSync(ws.path(envFile), result.stdout);
    expect((await ws.run(['token', '--env-file', envFile])).code).toBe(0);
  });

  it('with --grace 0 disables the old key at once (a compromised key)', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'rotate-now-robot');
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'rotated-now.pem', '--grace', '0']);
    expect(result.code).toBe(0);
    const newKid = parseEnv(result.stdout).APS_SA_KEY_ID ?? '';
    expect(keyStatuses(emulator, id)).toEqual({ [oldKid]: 'DISABLED', [newKid]: 'ENABLED' });
    expect(result.stderr).toMatch(new RegExp(`^Rotated: the new key ${newKid} got a token, and the old key ${oldKid} is DISABLED `));
  });

  it('--json reports both keys, and when the old one may be retired', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'rotate-json-robot');
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'rotate-json.pem', '--json', '--grace', '2h']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ oldKeyId: oldKid, oldKeyStatus: 'ENABLED', retireAfter: expect.stringMatching(/Z$/) });
    const retireAfter = Date.parse(JSON.parse(result.stdout).retireAfter);
    expect(retireAfter - Date.now()).toBeGreaterThan(3600_000);

    const now = await ws.run(['keys', 'rotate', '--env-file', envFile, '--old-key', oldKid, '--out', 'rotate-json-2.pem', '--json', '--grace', '0']);
    expect(JSON.parse(now.stdout)).toMatchObject({ oldKeyId: oldKid, oldKeyStatus: 'DISABLED', serviceAccountId: id });
   }, 120_000);

  it('--json with --grace 0 reports both keys', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'rotate-json0-robot');
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'rotate-json0.pem', '--json', '--grace', '0']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ oldKeyId: oldKid, oldKeyStatus: 'DISABLED', serviceAccountId: id, privateKeyFile: ws.path('rotate-json0.pem') });
    expect(doc.env.APS_SA_KEY_ID).toBe(doc.keyId);
    expect(result.stderr).toBe('');
  });

  it('when the proof fails, deletes the new key, writes nothing and leaves the old key enabled', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'unlucky-robot');
    emulator.faults.inject({ kind: 'server-error', status: 503 });
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'unlucky.pem']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^aps-ssa keys rotate: The new key ([0-9a-f-]{36}) could not get a token: The token endpoint failed \\(HTTP 503.*\\(ERR_SSA_SERVER\\) ` +
          `The new key \\1 was deleted again\\. The old key ${oldKid} is untouched \\(ENABLED\\)\\. \\(ERR_CLI_ROTATE\\)\\n$`,
      ),
    );
    expect(keyStatuses(emulator, id)).toEqual({ [oldKid]: 'ENABLED' });
    expect(readdirSync(ws.dir).filter((name) => name.includes('unlucky.pem'))).toEqual([]);
    expect((await ws.run(['token', '--env-file', envFile])).code).toBe(0);
  });

  it('when disabling the old key fails, still hands out the working new key and says what to do', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'half-robot');
    emulator.faults.inject({ kind: 'server-error', status: 500, endpoint: 'enable-disable-service-account-key' });
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'half.pem', '--grace', '0']);
    expect(result.code).toBe(1);
    const statuses = keyStatuses(emulator, id);
    const newKid = Object.keys(statuses).find((kid) => kid !== oldKid) ?? '';
    expect(statuses).toEqual({ [oldKid]: 'ENABLED', [newKid]: 'ENABLED' });
    expect(parseEnv(result.stdout)).toMatchObject({ APS_SA_KEY_ID: newKid, APS_SA_PRIVATE_KEY_FILE: ws.path('half.pem') });
    expect(existsSync(ws.path('half.pem'))).toBe(true);
    expect(result.stderr).toMatch(
      new RegExp(`^aps-ssa keys rotate: The new key ${newKid} works and is saved \\(settings printed\\), but disabling the old key ${oldKid} failed: .*HTTP 500.* Disable it with aps-ssa keys disable ${oldKid} --account ${id} \\(ERR_CLI_ROTATE\\)\\n$`),
    );

    // With --json, the settings and the failure come in one document.
    const second = await freshAccount(emulator, ws, 'half-json-robot');
    emulator.faults.inject({ kind: 'server-error', status: 500, endpoint: 'enable-disable-service-account-key' });
    const json = await ws.run(['keys', 'rotate', '--env-file', second.envFile, '--out', 'half-json.pem', '--json', '--grace', '0']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ oldKeyId: second.kid, oldKeyStatus: 'ENABLED', error: { code: 'ERR_CLI_ROTATE' } });
    expect(doc.env.APS_SA_KEY_ID).toBe(doc.keyId);
    expect(keyStatuses(emulator, second.id)[doc.keyId]).toBe('ENABLED');
  });

  it('refuses an old key that is not the account\'s, before creating anything', async () => {
    const { id, kid, envFile } = await freshAccount(emulator, ws, 'wrong-old-robot');
    const stranger = '11111111-2222-4333-8444-555555555555';
    const result = await ws.run(['keys', 'rotate', '--env-file', envFile, '--old-key', stranger, '--out', 'never.pem']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `aps-ssa keys rotate: Key ${stranger} is not a key of service account ${id}; nothing was changed. List its keys with aps-ssa keys list --account ${id}. (ERR_CLI_KEY_NOT_FOUND)\n`,
    });
    expect(keyStatuses(emulator, id)).toEqual({ [kid]: 'ENABLED' });
  });

  it('needs to know the old key', async () => {
    const envFile = ws.writeSeedEnv(emulator, 'no-kid.env', { APS_SA_KEY_ID: '' });
    expect((await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'x.pem'])).stderr).toBe(
      "aps-ssa keys rotate: Missing --old-key KID (or set APS_SA_KEY_ID): the key to replace. See 'aps-ssa keys rotate --help'.\n",
    );
  });

  it('keys retire refuses a key still in its grace period, retires it once over, and never the newest key', async () => {
    const { id, kid: oldKid, envFile } = await freshAccount(emulator, ws, 'retire-robot');
    // A second on APS's clock between the two keys: APS lists creation times to the second, and keys made in the
    // same second are never told apart (see key-retirement.test.ts).
    emulator.clock.setOffset(emulator.clock.offset + 1000);
    onTestFinished(() => emulator.clock.setOffset(emulator.clock.offset - 1000));
    const rotated = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'retire.pem']);
    const newKid = parseEnv(rotated.stdout).APS_SA_KEY_ID ?? '';

    const early = await ws.run(['keys', 'retire', oldKid, '--env-file', envFile]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(new RegExp(`^aps-ssa keys retire: Key ${oldKid} is still in its grace period until \\S+Z \\(1h \\d+m left\\).* \\(ERR_CLI_GRACE\\)\\n$`));
    const scheduled = await ws.run(['keys', 'retire', '--env-file', envFile, '--json']);
    expect(JSON.parse(scheduled.stdout)).toMatchObject({ retired: [], waiting: [{ keyId: oldKid }], current: newKid });
    expect(keyStatuses(emulator, id)).toEqual({ [oldKid]: 'ENABLED', [newKid]: 'ENABLED' });

    const newest = await ws.run(['keys', 'retire', newKid, '--env-file', envFile, '--grace', '0']);
    expect(newest).toMatchObject({ code: 1, stderr: expect.stringContaining('is the newest enabled key') });

    const due = await ws.run(['keys', 'retire', '--env-file', envFile, '--grace', '0']);
    expect(due).toMatchObject({ code: 0, stdout: `Key ${oldKid} of service account ${id} is now DISABLED (replaced by ${newKid}).\n` });
    expect(keyStatuses(emulator, id)).toEqual({ [oldKid]: 'DISABLED', [newKid]: 'ENABLED' });
    expect((await ws.run(['keys', 'retire', '--env-file', envFile])).stdout).toBe(`No key of service account ${id} is waiting to be retired.\n`);
  }, 180_000);
});
