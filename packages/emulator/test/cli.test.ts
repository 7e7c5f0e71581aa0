import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCli, type Emulator } from '../src/index.js';
import { APS_AUDIENCE, basic, JWT_BEARER, postForm, signAssertion } from './support.js';

const BIN = join(import.meta.dirname, '../dist/bin.js');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aps-emulator-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function collect() {
  let text = '';
  return { write: (chunk: string) => void (text += chunk), get text() { return text; } };
}

async function exchangeWithEnv(env: Record<string, string | undefined>): Promise<Response> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await signAssertion(
    { iss: env.APS_CLIENT_ID, sub: env.APS_SA_ID, aud: APS_AUDIENCE, exp: now + 120, scope: env.APS_SCOPES!.split(' ') },
    { kid: env.APS_SA_KEY_ID!, privateKey: env.APS_SA_PRIVATE_KEY! },
  );
  return postForm(env.APS_BASE_URL!, { grant_type: JWT_BEARER, assertion }, { authorization: basic(env.APS_CLIENT_ID!, env.APS_CLIENT_SECRET!) });
}

describe('aps-emulator bin', () => {
  /** Spawns the bin and resolves once it printed its URL and wrote its env file. */
  async function startBin(args: string[]) {
    // As the bin's shebang runs it: `node --` keeps Node.js from taking our --env-file for its own.
    const child = spawn(process.execPath, ['--', BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match && stdout.includes('written to')) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    return { child, exited, url };
  }

  it('prints its URL, writes the env file (0600), serves, and exits 0 on SIGTERM', async () => {
    const envFile = join(dir, 'bin.env');
    const { child, exited, url } = await startBin(['--port', '0', '--env-file', envFile, '--rate-limit', '3']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const env = parseEnv(await readFile(envFile, 'utf8'));
    expect(Object.keys(env).sort()).toEqual(
      ['APS_BASE_URL', 'APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_SA_EMAIL', 'APS_SA_ID', 'APS_SA_KEY_ID', 'APS_SA_PRIVATE_KEY', 'APS_SCOPES'].sort(),
    );
    expect(env.APS_BASE_URL).toBe(url);
    expect(env.APS_SA_PRIVATE_KEY).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n$/);
    const response = await exchangeWithEnv(env);
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-value')).toBe('3');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('replaces an env file it wrote before (--write-env), and exits 0 on SIGINT', async () => {
    const envFile = join(dir, 'bin.env');
    const before = await readFile(envFile, 'utf8');
    const { child, exited } = await startBin(['--write-env', envFile]);
    const after = await readFile(envFile, 'utf8');
    expect(after).not.toBe(before);
    expect((await exchangeWithEnv(parseEnv(after))).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses to replace an env file it did not write (it may hold real credentials), exit 1', async () => {
    const envFile = join(dir, 'real.env');
    await writeFile(envFile, 'APS_CLIENT_SECRET=real\n', { mode: 0o600 });
    const stderr = collect();
    expect(await runEmulatorCli(['--env-file', envFile], { stdout: collect(), stderr })).toBe(1);
    expect(stderr.text).toBe(
      `aps-emulator: cannot start the emulator: ${envFile} exists and was not written by the emulator; it may hold real credentials. Remove it or choose another path.\n`,
    );
    expect(await readFile(envFile, 'utf8')).toBe('APS_CLIENT_SECRET=real\n');
  });

  it('--help prints usage and exits 0', async () => {
    const stdout = collect();
    expect(await runEmulatorCli(['--help'], { stdout, stderr: collect() })).toBe(0);
    expect(stdout.text).toContain('Usage: aps-emulator [--port N] [--env-file PATH]');
  });

  it.each([
    [['--prot', '1'], "aps-emulator: Unknown flag '--prot'. Run 'aps-emulator --help' for usage.\n"],
    [['--port', '0', 'extra'], "aps-emulator: Unexpected argument 'extra'. Run 'aps-emulator --help' for usage.\n"],
    [['--write-env', 'a', '--env-file', 'b'], "aps-emulator: Give --env-file or --write-env, not both. Run 'aps-emulator --help' for usage.\n"],
    [['--port', 'abc'], "aps-emulator: --port expects a non-negative integer, got 'abc'. Run 'aps-emulator --help' for usage.\n"],
    [['--port'], "aps-emulator: Flag '--port' needs a value. Run 'aps-emulator --help' for usage.\n"],
    [['--token-lifetime', '0'], 'aps-emulator: cannot start the emulator: `tokenLifetime` must be an integer from 1 to 86400, got 0.\n'],
  ])('bad flags %j exit 2 with a one-line reason', async (argv, message) => {
    const stderr = collect();
    expect(await runEmulatorCli(argv, { stdout: collect(), stderr })).toBe(2);
    expect(stderr.text).toBe(message);
  });

  it('runs in-process until its signal aborts, with a program name for other CLIs', async () => {
    const controller = new AbortController();
    const stdout = collect();
    let running: Emulator | undefined;
    const done = runEmulatorCli(['--port', '0'], {
      stdout,
      stderr: collect(),
      signal: controller.signal,
      programName: 'aps-ssa emulator',
      onListening: (emulator) => {
        running = emulator;
        controller.abort();
      },
    });
    expect(await done).toBe(0);
    expect(stdout.text).toContain(`aps-ssa emulator listening on ${running!.url}`);
    await expect(fetch(`${running!.url}/authentication/v2/keys`)).rejects.toThrow();
  });
});
