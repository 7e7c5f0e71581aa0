import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from './cli-process.js';
import { keyStatuses } from './fixtures.js';

// A running fleet of processes, each serving requests with tokens of the service account, through a whole key
// rotation: `keys rotate --grace`, the fleet picking up the new key from its key file, `keys retire` after the grace,
// and refreshes signed with the new key once the old one is disabled. Not one request may fail.
const INSTANCE = fileURLToPath(new URL('./fleet/instance.mjs', import.meta.url));
const FLEET_SIZE = 3;
// Tokens live 6 s, so that every instance refreshes many times during the rotation.
const TOKEN_LIFETIME = 6;

let emulator: Emulator;
let ws: Workspace;
const instances: { child: ChildProcess; url: string }[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0, tokenLifetime: TOKEN_LIFETIME, requestLogSize: 100_000 });
  ws = new Workspace();
});
afterAll(async () => {
  for (const { child } of instances) child.kill('SIGTERM');
  await emulator?.close();
  ws?.remove();
});

/** Starts one instance with the seed's identity, its key named by the key file; resolves once it listens. */
function startInstance(keyFile: string): Promise<{ child: ChildProcess; url: string }> {
  const { APS_SA_PRIVATE_KEY: _inline, APS_SA_KEY_ID: _kid, ...identity } = emulator.seed.env;
  const key = parseEnv(readFileSync(keyFile, 'utf8'));
  const child = spawn(process.execPath, [INSTANCE, keyFile], {
    cwd: ws.dir,
    env: { ...ws.env(), ...identity, APS_SA_KEY_ID: key.APS_SA_KEY_ID ?? '', APS_SA_PRIVATE_KEY_FILE: key.APS_SA_PRIVATE_KEY_FILE ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve({ child, url: (JSON.parse(out.split('\n')[0]!) as { url: string }).url });
    });
    child.on('exit', (code) => reject(new Error(`instance exited (${code})`)));
  });
}

/** Polls `check` until it holds (a generous deadline: the machine is shared). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function state(url: string): Promise<{ keyId: string; refreshes: number }> {
  return (await fetch(`${url}/state`)).json() as Promise<{ keyId: string; refreshes: number }>;
}

describe('a fleet through a key rotation', () => {
  it('serves every request, before, during and after: rotate --grace, key files, retire', async () => {
    // The seeded key, as a key file: what the fleet watches.
    writeFileSync(ws.path('seed.pem'), emulator.seed.privateKey, { mode: 0o600 });
    writeFileSync(ws.path('key.env'), `APS_SA_ID=${emulator.seed.serviceAccountId}\nAPS_SA_KEY_ID=${emulator.seed.keyId}\nAPS_SA_PRIVATE_KEY_FILE=${ws.path('seed.pem')}\n`);
    const envFile = ws.writeSeedEnv(emulator);
    for (let i = 0; i < FLEET_SIZE; i++) instances.push(await startInstance(ws.path('key.env')));

    // Load: each instance answers one request after another, until the end.
    const outcomes: { status: number; body: string }[] = [];
    let running = true;
    const load = instances.map(async ({ url }) => {
      while (running) {
        const response = await fetch(`${url}/me`);
        outcomes.push({ status: response.status, body: await response.text() });
      }
    });
    const ok = (): number => outcomes.filter((o) => o.status === 200).length;
    await until('the fleet to serve', async () => ok() >= 30);

    // 1. Rotate with a grace period; the new settings replace the key file atomically (as the README says).
    const rotated = await ws.run(['keys', 'rotate', '--env-file', envFile, '--out', 'key-2.pem', '--grace', '2s']);
    expect(rotated.code).toBe(0);
    const newKid = parseEnv(rotated.stdout).APS_SA_KEY_ID ?? '';
    const oldKid = emulator.seed.keyId;
    expect(keyStatuses(emulator, emulator.seed.serviceAccountId)).toEqual({ [oldKid]: 'ENABLED', [newKid]: 'ENABLED' });
    writeFileSync(ws.path('key.env.new'), rotated.stdout);
    renameSync(ws.path('key.env.new'), ws.path('key.env'));

    // 2. Every instance picks the new key up, without a restart.
    await until('every instance to sign with the new key', async () => (await Promise.all(instances.map(({ url }) => state(url)))).every((s) => s.keyId === newKid));

    // 3. After the grace period, the scheduled step retires the old key.
    await until('the old key to be retired', async () => {
      const retire = await ws.run(['keys', 'retire', '--env-file', envFile, '--grace', '2s', '--json']);
      expect(retire.code).toBe(0);
      return (JSON.parse(retire.stdout) as { retired: string[] }).retired.includes(oldKid);
    });
    expect(keyStatuses(emulator, emulator.seed.serviceAccountId)).toEqual({ [oldKid]: 'DISABLED', [newKid]: 'ENABLED' });

    // 4. Every instance refreshes twice more, now with the new key only.
    const retiredAt = await Promise.all(instances.map(({ url }) => state(url)));
    await until('two refreshes of every instance after the retirement', async () =>
      (await Promise.all(instances.map(({ url }) => state(url)))).every((s, i) => s.refreshes >= retiredAt[i]!.refreshes + 2),
    );
    running = false;
    await Promise.all(load);

    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    expect(ok()).toBeGreaterThan(30);
    const exchanges = emulator.requests().filter((entry) => entry.endpoint === 'token:jwt-bearer');
    expect(exchanges.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(new Set(exchanges.map((entry) => entry.assertion?.header?.kid))).toEqual(new Set([oldKid, newKid]));
  }, 240_000);
});
