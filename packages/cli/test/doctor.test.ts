import { generateKeyPairSync } from 'node:crypto';
import type { Emulator } from '@aps-ssa/emulator';
import { startTinyproxy, tinyproxyAvailability } from '@aps-ssa/test-support';
import type { Tinyproxy } from '@aps-ssa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from './cli-process.js';
import { useEmulatorWorkspace } from './emulator-workspace.js';
import { freshAccount } from './fixtures.js';

interface Step {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

const { available: tinyproxyAvailable } = tinyproxyAvailability();
/** The shell's proxy variables, emptied: the spawned doctor sees only the ones a test sets. */
const NO_PROXY_VARIABLES = Object.fromEntries(['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'].map((name) => [name, '']));

const STEP_NAMES = [
  'APS_CLIENT_ID',
  'APS_CLIENT_SECRET',
  'APS_SA_ID',
  'APS_SA_KEY_ID',
  'APS_SCOPES',
  'APS_BASE_URL',
  'private key',
  'service account',
  'key',
  'assertion',
  'proxy',
  'clock',
  'exchange',
];

describe('aps-ssa doctor, spawned against the emulator', () => {
  let emulator: Emulator;
  let ws: Workspace;

  useEmulatorWorkspace((opened) => ({ emulator, ws } = opened));
  afterEach(() => emulator.clock.setOffset(0));

  async function doctor(envFile: string, env?: Record<string, string>): Promise<{ code: number | null; steps: Record<string, Step>; ok: boolean; stderr: string; stdout: string }> {
    const result = await ws.run(['doctor', '--env-file', envFile, '--json'], { env: { ...NO_PROXY_VARIABLES, ...env } });
    const doc = JSON.parse(result.stdout) as { ok: boolean; steps: Step[] };
    expect(doc.steps.map((s) => s.name)).toEqual(STEP_NAMES);
    return { code: result.code, ok: doc.ok, steps: Object.fromEntries(doc.steps.map((s) => [s.name, s])), stderr: result.stderr, stdout: result.stdout };
  }

  it('reports the proxy in use, shown without its credentials, and a NO_PROXY bypass', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'proxied-robot', { HTTPS_PROXY: 'http://proxyuser:proxy-secret-pw@proxy.corp.example:3128' });
    const { steps } = await doctor(envFile);
    // The emulator is plain http: HTTPS_PROXY is not for it.
    expect(steps.proxy).toMatchObject({ status: 'ok', detail: expect.stringContaining('none') });
    const viaHttp = await freshAccount(emulator, ws, 'proxied-robot-2', { HTTP_PROXY: 'http://proxyuser:proxy-secret-pw@127.0.0.1:9', NO_PROXY: 'localhost,127.0.0.1' });
    const bypassed = await doctor(viaHttp.envFile);
    expect(bypassed.steps.proxy!.detail).toBe('http://127.0.0.1:9 is set, but NO_PROXY lists 127.0.0.1: reached directly.');
  });

  describe.skipIf(!tinyproxyAvailable)('through a real proxy (tinyproxy): the proxy it reports is the one its requests take', () => {
    let proxy: Tinyproxy;
    beforeAll(async () => {
      proxy = await startTinyproxy({ basicAuth: { user: 'proxyuser', password: 'proxy-secret-pw' } });
    });
    afterAll(async () => {
      await proxy?.close();
    });

    /**
     * What went through the proxy during `run`, by the proxy's log: token requests (the admin client's two-legged
     * token, then the exchange), admin API calls and clock probes.
     */
    async function routed(run: () => Promise<void>): Promise<{ tokens: number; admin: number; clock: number }> {
      const count = async () => ({
        tokens: await proxy.requests(`${emulator.url}/authentication/v2/token`),
        admin: await proxy.requests(`${emulator.url}/authentication/v2/service-accounts`),
        clock: await proxy.requests(`${emulator.url}/authentication/v2/keys`),
      });
      const before = await count();
      await run();
      const after = await count();
      return { tokens: after.tokens - before.tokens, admin: after.admin - before.admin, clock: after.clock - before.clock };
    }
    const shown = (): string => `http://127.0.0.1:${proxy.port}`;

    it('HTTP_PROXY in the --env-file (credentials included): reported, and the exchange, admin calls and clock probe take it', async () => {
      const { envFile } = await freshAccount(emulator, ws, 'file-proxied-robot', { HTTP_PROXY: proxy.url });
      let report: Awaited<ReturnType<typeof doctor>> | undefined;
      expect(await routed(async () => void (report = await doctor(envFile)))).toEqual({ tokens: 2, admin: 2, clock: 1 });
      expect(report!.steps.proxy).toEqual({ name: 'proxy', status: 'ok', detail: `${new URL(emulator.url).host} is reached through the proxy ${shown()}.` });
      expect({ ok: report!.ok, code: report!.code }).toEqual({ ok: true, code: 0 });
      expect(report!.stdout).not.toMatch(/proxy-secret-pw|proxyuser/);
    });

    it('HTTP_PROXY in the shell, none in the file: the same', async () => {
      const { envFile } = await freshAccount(emulator, ws, 'shell-proxied-robot');
      let report: Awaited<ReturnType<typeof doctor>> | undefined;
      expect(await routed(async () => void (report = await doctor(envFile, { HTTP_PROXY: proxy.url })))).toEqual({ tokens: 2, admin: 2, clock: 1 });
      expect(report!.steps.proxy?.detail).toBe(`${new URL(emulator.url).host} is reached through the proxy ${shown()}.`);
      expect(report!.ok).toBe(true);
    });

    it('HTTP_PROXY in the shell, NO_PROXY in the file: reported as bypassed, and nothing goes through the proxy', async () => {
      const { envFile } = await freshAccount(emulator, ws, 'bypassing-robot', { NO_PROXY: '127.0.0.1' });
      let report: Awaited<ReturnType<typeof doctor>> | undefined;
      expect(await routed(async () => void (report = await doctor(envFile, { HTTP_PROXY: proxy.url })))).toEqual({ tokens: 0, admin: 0, clock: 0 });
      expect(report!.steps.proxy?.detail).toBe(`${shown()} is set, but NO_PROXY lists 127.0.0.1: reached directly.`);
      expect(report!.ok).toBe(true);
    });

    it('a proxy that answers 407 (no credentials): the exchange fails naming the proxy, with the network fix', async () => {
      const { envFile } = await freshAccount(emulator, ws, 'refused-proxy-robot', { HTTP_PROXY: shown() });
      const { steps, code } = await doctor(envFile);
      expect(code).toBe(1);
      expect(steps.exchange).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`through the proxy ${shown()}: Proxy Authentication Required (407)`),
        fix: 'Check APS_BASE_URL, the network and any proxy.',
      });
    });
  });

  it('passes every step and exits 0 when a token is obtained', async () => {
    const { envFile, id, kid } = await freshAccount(emulator, ws, 'healthy-robot');
    const result = await ws.run(['doctor', '--env-file', envFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, STEP_NAMES.length).map((line) => line.slice(0, 2))).toEqual(STEP_NAMES.map(() => '✓ '));
    expect(lines.at(-1)).toBe('A token was obtained: this configuration works.');
    expect(result.stdout).toMatch(new RegExp(`^✓ service account +${id} \\(healthy-robot@.*\\) is ENABLED\\.$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^✓ key +${kid} is ENABLED \\(created `, 'm'));
    expect(result.stdout).toMatch(/^✓ private key +RSA 2048-bit private key from APS_SA_PRIVATE_KEY\.$/m);
    expect(result.stdout).toMatch(/^✓ exchange +Got an access token \(jti SA-[0-9a-f-]+\), expiring in 59m 59s, /m);
    expect(result.stdout).toMatch(/^✓ APS_CLIENT_SECRET +set \(not shown\)$/m);
    expect(result.stdout).not.toContain(emulator.seed.clientSecret);

    const { ok, code } = await doctor(envFile);
    expect({ ok, code }).toEqual({ ok: true, code: 0 });
  });

  it('with a key id that is not the account\'s, fails the key step (naming the kid) and the exchange, exit 1', async () => {
    const { envFile, id, kid } = await freshAccount(emulator, ws, 'wrong-kid-robot', { APS_SA_KEY_ID: '0b7e9c1a-1d2e-4f3a-8b4c-5d6e7f8a9b0c' });
    const { code, ok, steps } = await doctor(envFile);
    expect({ code, ok }).toEqual({ code: 1, ok: false });
    expect(steps.key).toEqual({
      name: 'key',
      status: 'fail',
      detail: `APS_SA_KEY_ID 0b7e9c1a-1d2e-4f3a-8b4c-5d6e7f8a9b0c is not a key of service account ${id} (its keys: ${kid} (ENABLED)).`,
      fix: `Set APS_SA_KEY_ID to the key id that Create Key returned with your private key, or create a new key: aps-ssa keys create --account ${id} --out key.pem`,
    });
    expect(steps.exchange).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^APS rejected the assertion \(HTTP 400 invalid_grant: "The 'assertion' is invalid\."\)\..*\(ERR_SSA_ASSERTION_INVALID\)$/) });
    expect(steps['APS_SA_KEY_ID']?.status).toBe('ok');
    expect(steps.assertion?.status).toBe('ok');

    const human = await ws.run(['doctor', '--env-file', envFile]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^✗ key +APS_SA_KEY_ID 0b7e9c1a-1d2e-4f3a-8b4c-5d6e7f8a9b0c is not a key of service account /m);
    expect(human.stdout).toMatch(/^ +fix: Set APS_SA_KEY_ID to the key id that Create Key returned/m);
    expect(human.stdout.trimEnd().split('\n').at(-1)).toBe('No token was obtained: fix the first ✗ above, then run aps-ssa doctor again.');
  });

  it('with a disabled key, says to enable it', async () => {
    const { envFile, id, kid } = await freshAccount(emulator, ws, 'disabled-key-robot');
    emulator.state.setKeyStatus(kid, 'DISABLED');
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps.key).toMatchObject({ status: 'fail', detail: `Key ${kid} is DISABLED: APS refuses assertions signed with it.`, fix: `Enable it: aps-ssa keys enable ${kid} --account ${id}` });
  });

  it('with a disabled account, says to enable it and skips the key listing', async () => {
    const { envFile, id } = await freshAccount(emulator, ws, 'disabled-sa-robot');
    emulator.state.setServiceAccountStatus(id, 'DISABLED');
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps['service account']).toMatchObject({ status: 'fail', fix: `Enable it: aps-ssa accounts enable ${id}` });
    expect(steps.key).toMatchObject({ status: 'skip', detail: 'skipped: the keys of a service account that is not enabled cannot be listed.' });
    expect(steps.exchange).toMatchObject({ status: 'fail', detail: expect.stringContaining('(ERR_SSA_INVALID_GRANT)'), fix: `Enable the service account: aps-ssa accounts enable ${id}` });
  });

  it('with the private key of another key, passes the key step but fails the exchange, pointing at the pairing', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'mismatched-robot', {
      APS_SA_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps.key?.status).toBe('ok');
    expect(steps.exchange).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^If the steps above pass, the private key is not the one of key APS_SA_KEY_ID/) });
  });

  it('with a misspelt scope, flags APS_SCOPES and names the unknown scope, not the key, as the cause', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'misspelt-scope-robot', { APS_SCOPES: 'data:read data:raed' });
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps['APS_SCOPES']).toMatchObject({ status: 'warn', fix: expect.stringContaining('lists "data:raed", which is not a scope APS documents') });
    expect(steps.assertion).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^unknown-scope: The claim scope lists \["data:raed"\]/) });
    expect(steps.exchange).toMatchObject({ status: 'fail', fix: 'Fix what the assertion step names: APS refused what it shows.' });
    expect(steps.exchange?.detail).not.toContain('aps-ssa doctor');
  });

  it('with scopes written as a JSON array, fails APS_SCOPES with the form to use', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'json-scope-robot', { APS_SCOPES: '[data:read,user-profile:read]' });
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps['APS_SCOPES']).toMatchObject({
      status: 'fail',
      detail: 'is written as a JSON array.',
      fix: 'List the scopes separated by spaces instead, e.g. APS_SCOPES="data:read user-profile:read".',
    });
    expect(steps.exchange?.status).toBe('skip');
  });

  it('with this clock 10 minutes behind the server\'s, fails the clock step', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'late-robot');
    emulator.clock.setOffset(10 * 60_000);
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps.clock).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^This machine's clock is about 10 min behind the server's /), fix: expect.stringContaining('NTP') });
    expect(steps.exchange?.status).toBe('fail');
  });

  it('names each missing variable with its fix, and skips what depends on them', async () => {
    const envFile = ws.writeSeedEnv(emulator, 'sparse.env', { APS_SA_ID: '', APS_SCOPES: '' });
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps['APS_SA_ID']).toEqual({ name: 'APS_SA_ID', status: 'fail', detail: 'is not set.', fix: 'Set it to the service account id (e.g. 6BNJQT7RR7GTJ5QY).' });
    expect(steps['APS_SCOPES']).toMatchObject({ status: 'fail', detail: 'is not set.' });
    expect(steps['APS_CLIENT_ID']?.status).toBe('ok');
    expect(steps['service account']).toMatchObject({ status: 'skip' });
    expect(steps.assertion).toMatchObject({ status: 'skip', detail: 'skipped: needs every variable above to be valid.' });
    expect(steps.clock?.status).toBe('ok');
    expect(steps.exchange?.status).toBe('skip');
  });

  it('skips the admin steps when the admin API does not answer, and still gets a token', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'no-admin-robot');
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'get-service-account' });
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(0);
    expect(steps['service account']).toMatchObject({
      status: 'skip',
      detail: expect.stringMatching(/^skipped: the admin API did not tell \(APS refused to get service account \w+ \(HTTP 503.*\(ERR_SSA_API\)\); the exchange below/),
    });
    expect(steps.key).toMatchObject({ status: 'skip', detail: 'skipped: the service account could not be read.' });
    expect(steps.exchange?.status).toBe('ok');
  });

  it('with a wrong client secret, fails the admin steps and the exchange with the credentials fix', async () => {
    const { envFile } = await freshAccount(emulator, ws, 'bad-secret-robot', { APS_CLIENT_SECRET: 'wrong-secret-value' });
    const result = await ws.run(['doctor', '--env-file', envFile, '--json']);
    expect(result.stdout).not.toContain('wrong-secret-value');
    const { code, steps } = await doctor(envFile);
    expect(code).toBe(1);
    expect(steps['service account']).toMatchObject({ status: 'fail', detail: expect.stringContaining('(ERR_SSA_INVALID_CLIENT)'), fix: expect.stringMatching(/^Set APS_CLIENT_ID and APS_CLIENT_SECRET/) });
    expect(steps.exchange).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Set APS_CLIENT_ID and APS_CLIENT_SECRET/) });
  });
});
