// The command lines, spawned: `aps-ssa-pkcs11 import` moves the PEM Create Key returned into a SoftHSM2 token and
// removes the file, then `aps-ssa token --signer MODULE` and `aps-ssa assertion --signer MODULE` sign through the
// token, with no private key in the environment, and the emulator issues a token. The PIN is printed nowhere.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createSoftHsmToken, softHsmAvailability } from './softhsm.js';
import type { SoftHsmToken } from './softhsm.js';

const run = promisify(execFile);
const PKCS11_BIN = resolve(import.meta.dirname, '../bin/aps-ssa-pkcs11.js');
const CLI_BIN = resolve(import.meta.dirname, '../../cli/bin/aps-ssa.js');
const PACKAGE = pathToFileURL(resolve(import.meta.dirname, '../dist/index.js')).href;

const { available } = softHsmAvailability();

async function spawn(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.runIf(available)('aps-ssa-pkcs11 import, then aps-ssa --signer', () => {
  let emulator: Emulator;
  let hsm: SoftHsmToken;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, rateLimit: 0 });
    hsm = await createSoftHsmToken('cli-token');
  });
  afterAll(async () => {
    await emulator?.close();
    await hsm?.remove();
  });

  it('moves the key file into the token, and the CLI gets a token through it', async () => {
    const key = await emulator.state.createKey(emulator.seed.serviceAccountId);
    const keyFile = join(hsm.dir, 'created-key.pem');
    await writeFile(keyFile, key.privateKey, { mode: 0o600 });
    const { APS_SA_PRIVATE_KEY: _key, APS_SA_PRIVATE_KEY_FILE: _file, APS_SA_KEY_ID: _kid, ...seedEnv } = emulator.seed.env;
    const env = { ...process.env, ...seedEnv, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, APS_PKCS11_PIN: hsm.pin, HSM_KEY_ID: key.kid };

    const moved = await spawn(PKCS11_BIN, ['import', '--module', hsm.module, '--token', hsm.token, '--kid', key.kid, '--key-file', keyFile], env, hsm.dir);
    expect(moved).toMatchObject({ code: 0, stderr: '' });
    expect(moved.stdout).toContain(`Moved key ${key.kid}`);
    expect(existsSync(keyFile)).toBe(false);

    await writeFile(
      join(hsm.dir, 'hsm-signer.mjs'),
      `import { openPkcs11Signer } from '${PACKAGE}';\n` +
        `export default (env) => openPkcs11Signer({ module: '${hsm.module}', token: '${hsm.token}', kid: env.HSM_KEY_ID, env });\n`,
    );
    const token = await spawn(CLI_BIN, ['token', '--signer', './hsm-signer.mjs', '--json'], env, hsm.dir);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(token.stdout)).toMatchObject({ tokenType: 'Bearer', scopes: [...emulator.seed.scopes] });

    const assertion = await spawn(CLI_BIN, ['assertion', '--signer', './hsm-signer.mjs', '--json'], env, hsm.dir);
    expect(assertion.code).toBe(0);
    expect(JSON.parse(assertion.stdout).header).toEqual({ alg: 'RS256', kid: key.kid });

    const doctor = await spawn(CLI_BIN, ['doctor', '--signer', './hsm-signer.mjs'], env, hsm.dir);
    expect(doctor.stdout).toContain(`held by the --signer module (kid ${key.kid})`);
    expect(doctor.code).toBe(0);

    for (const output of [moved, token, assertion, doctor]) expect(`${output.stdout}${output.stderr}`).not.toContain(hsm.pin);
  });

  it('refuses a wrong PIN with exit code 1, keeps the file, and does not print the PIN', async () => {
    const key = await emulator.state.createKey(emulator.seed.serviceAccountId);
    const keyFile = join(hsm.dir, 'kept-key.pem');
    await writeFile(keyFile, key.privateKey, { mode: 0o600 });
    const wrong = `${hsm.pin}-wrong`;
    const env = { ...process.env, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, APS_PKCS11_PIN: wrong };
    const result = await spawn(PKCS11_BIN, ['import', '--module', hsm.module, '--token', hsm.token, '--kid', key.kid, '--key-file', keyFile], env, hsm.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CKR_PIN_INCORRECT');
    expect(`${result.stdout}${result.stderr}`).not.toContain(wrong);
    expect(existsSync(keyFile)).toBe(true);
  });
});
