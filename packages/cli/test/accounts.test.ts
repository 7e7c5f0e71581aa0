import type { Emulator } from '@aps-ssa/emulator';
import { describe, expect, it } from 'vitest';
import type { Workspace } from './cli-process.js';
import { useSeededEmulatorWorkspace } from './emulator-workspace.js';

describe('aps-ssa accounts, spawned against the emulator', () => {
  let emulator: Emulator;
  let ws: Workspace;
  let envFile: string;

  useSeededEmulatorWorkspace((opened) => ({ emulator, ws, envFile } = opened));

  it('list shows the app\'s service accounts, as a table or JSON', async () => {
    const { serviceAccountId, serviceAccountEmail } = emulator.seed;
    const table = await ws.run(['accounts', 'list', '--env-file', envFile]);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header?.trim().split(/\s{2,}/)).toEqual(['ID', 'STATUS', 'EMAIL', 'CREATED', 'LAST USED']);
    expect(rows.some((row) => row.includes(`${serviceAccountId}  ENABLED  ${serviceAccountEmail}`))).toBe(true);

    const json = JSON.parse((await ws.run(['accounts', 'list', '--env-file', envFile, '--json'])).stdout);
    const seeded = json.serviceAccounts.find((a: { serviceAccountId: string }) => a.serviceAccountId === serviceAccountId);
    expect(seeded).toMatchObject({ email: serviceAccountEmail, status: 'ENABLED', createdBy: emulator.seed.clientId });
    // The emulator alternates APS's two time forms (nanoseconds, whole seconds): milliseconds show or not.
    expect(seeded.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
  });

  it('create prints APS_SA_ID and APS_SA_EMAIL lines, and what to do next on stderr', async () => {
    const result = await ws.run(['accounts', 'create', '--name', 'report-robot', '--env-file', envFile]);
    expect(result.code).toBe(0);
    const account = emulator.state.listServiceAccounts(emulator.seed.clientId).find((a) => a.name === 'report-robot');
    expect(account).toMatchObject({ firstName: 'report-robot', lastName: 'ServiceAccount', status: 'ENABLED' });
    expect(result.stdout).toBe(`APS_SA_ID=${account?.serviceAccountId}\nAPS_SA_EMAIL=${account?.email}\n`);
    expect(result.stderr).toBe(
      `Created service account ${account?.serviceAccountId} (${account?.email}). Next, give it a key: aps-ssa keys create --account ${account?.serviceAccountId} --out key.pem\n`,
    );
  });

  it('create --json with display names', async () => {
    const result = await ws.run(['accounts', 'create', '--name', 'nightly-sync', '--first-name', 'Nightly', '--last-name', 'Sync-Robot', '--json', '--env-file', envFile]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(emulator.state.getServiceAccount(doc.serviceAccountId)).toMatchObject({ name: 'nightly-sync', firstName: 'Nightly', lastName: 'Sync-Robot' });
    expect(doc.email).toMatch(/^nightly-sync@/);
  });

  it('create refuses a bad or missing name as a usage error naming the flag', async () => {
    expect(await ws.run(['accounts', 'create', '--name', 'abc', '--env-file', envFile])).toEqual({
      code: 2,
      stdout: '',
      stderr: "aps-ssa accounts create: --name must be a string of 5 to 64 characters (S3's limit; S1 allows 100), got 3 characters. See 'aps-ssa accounts create --help'.\n",
    });
    expect((await ws.run(['accounts', 'create', '--env-file', envFile])).stderr).toBe(
      "aps-ssa accounts create: Missing --name NAME. See 'aps-ssa accounts create --help'.\n",
    );
  });

  it('create passes APS\'s own refusal on, with exit 1', async () => {
    const result = await ws.run(['accounts', 'create', '--name', 'report-robot', '--env-file', envFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aps-ssa accounts create: APS refused to create service account "report-robot" \(HTTP 400 invalid_request: "The 'name' already exists\."\)\..*\(ERR_SSA_API\)\n$/);
  });

  it('get shows the details; an unknown id fails with exit 1, the 404 and a JSON error with --json', async () => {
    const { serviceAccountId } = emulator.seed;
    const result = await ws.run(['accounts', 'get', serviceAccountId, '--env-file', envFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^  serviceAccountId  ${serviceAccountId}\\n  email +${emulator.seed.serviceAccountEmail}\\n  status +ENABLED\\n`));
    expect(result.stdout).toMatch(/\n {2}expiresAt +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z \(in (11|12) months\)\n/);

    const missing = await ws.run(['accounts', 'get', 'NOPE0000NOPE0000', '--env-file', envFile, '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^aps-ssa accounts get: APS refused to get service account NOPE0000NOPE0000 \(HTTP 404 not_found: "The service account is not found\."\)\. .*\(ERR_SSA_API\)\n$/,
    );
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'ERR_SSA_API', status: 404, title: 'not_found', detail: 'The service account is not found.' } });
  });

  it('disable and enable change the status; doing it twice is APS\'s 400', async () => {
    const account = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name: 'toggle-robot' });
    const id = account.serviceAccountId;
    const disabled = await ws.run(['accounts', 'disable', id, '--env-file', envFile, '--json']);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ serviceAccountId: id, status: 'DISABLED' });
    expect(emulator.state.getServiceAccount(id)?.status).toBe('DISABLED');
    const again = await ws.run(['accounts', 'disable', id, '--env-file', envFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('"The service account is already in a disabled state."');
    expect((await ws.run(['accounts', 'enable', id, '--env-file', envFile])).code).toBe(0);
    expect(emulator.state.getServiceAccount(id)?.status).toBe('ENABLED');
  });

  it('delete asks for --yes, then deletes the account and its keys', async () => {
    const account = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name: 'doomed-robot' });
    const key = await emulator.state.createKey(account.serviceAccountId);
    const id = account.serviceAccountId;
    expect(await ws.run(['accounts', 'delete', id, '--env-file', envFile])).toEqual({
      code: 2,
      stdout: '',
      stderr: `aps-ssa accounts delete: Deleting service account ${id} and its keys cannot be undone; add --yes to confirm. See 'aps-ssa accounts delete --help'.\n`,
    });
    expect(emulator.state.getServiceAccount(id)).toBeDefined();
    const result = await ws.run(['accounts', 'delete', id, '--yes', '--env-file', envFile]);
    expect(result).toEqual({ code: 0, stdout: `Deleted service account ${id} and its keys.\n`, stderr: '' });
    expect(emulator.state.getServiceAccount(id)).toBeUndefined();
    expect(emulator.state.getKey(key.kid)).toBeUndefined();
  });

  it('needs only the app credentials, and names a missing one', async () => {
    const appOnly = ws.writeSeedEnv(emulator, 'app-only.env', { APS_SA_ID: '', APS_SA_KEY_ID: '', APS_SA_PRIVATE_KEY: '', APS_SCOPES: '' });
    expect((await ws.run(['accounts', 'list', '--env-file', appOnly])).code).toBe(0);
    const noSecret = ws.writeSeedEnv(emulator, 'no-secret.env', { APS_CLIENT_SECRET: '', APS_SA_PRIVATE_KEY: '' });
    expect(await ws.run(['accounts', 'list', '--env-file', noSecret])).toEqual({
      code: 1,
      stdout: '',
      stderr: "aps-ssa accounts list: APS_CLIENT_SECRET is not set; set it to the APS app's client secret. (ERR_SSA_CONFIG)\n",
    });
  });

  it('a missing ID is a usage error', async () => {
    expect((await ws.run(['accounts', 'get', '--env-file', envFile])).stderr).toBe(
      "aps-ssa accounts get: Missing argument ID. See 'aps-ssa accounts get --help'.\n",
    );
  });
});
