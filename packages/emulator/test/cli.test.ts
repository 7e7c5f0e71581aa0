import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
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

/** Spawns a command and resolves once it printed its URL and wrote its env file. */
async function startListening(command: string, args: string[], options: { cwd?: string; detached?: boolean } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
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

describe('aps-emulator bin', () => {
  // As the bin's shebang runs it (`node --`).
  const startBin = (args: string[]) => startListening(process.execPath, ['--', BIN, ...args]);

  it('prints its URL, writes the env file (0600), serves, and exits 0 on SIGTERM', async () => {
    const envFile = join(dir, 'bin.env');
    const { child, exited, url } = await startBin(['--port', '0', '--write-env', envFile, '--rate-limit', '3']);
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

  it('replaces an env file it wrote before with a new file (atomic rename, never rewritten in place), and exits 0 on SIGINT', async () => {
    const envFile = join(dir, 'bin.env');
    const before = await readFile(envFile, 'utf8');
    const { ino } = await stat(envFile);
    const { child, exited } = await startBin(['--write-env', envFile]);
    const after = await readFile(envFile, 'utf8');
    expect(after).not.toBe(before);
    // A reader of the old file (another process sourcing it) is never shown half of the new one.
    expect((await stat(envFile)).ino).not.toBe(ino);
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    expect((await exchangeWithEnv(parseEnv(after))).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses to replace an env file it did not write (it may hold real credentials), exit 1', async () => {
    const envFile = join(dir, 'real.env');
    await writeFile(envFile, 'APS_CLIENT_SECRET=real\n', { mode: 0o600 });
    const stderr = collect();
    expect(await runEmulatorCli(['--write-env', envFile], { stdout: collect(), stderr })).toBe(1);
    expect(stderr.text).toBe(
      `aps-emulator: cannot start the emulator: ${envFile} exists and was not written by the emulator; it may hold real credentials. Remove it or choose another path.\n`,
    );
    expect(await readFile(envFile, 'utf8')).toBe('APS_CLIENT_SECRET=real\n');
  });

  it('never writes through a symlink at the --write-env path, even to a file it wrote (exit 1, target intact)', async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const target = join(elsewhere, 'target.env');
    const link = join(dir, 'link.env');
    // An emulator-written file as the target: the old check read through the link, found the mark, and wrote there.
    await writeFile(target, '# Written by aps-emulator: throwaway credentials, valid only against this emulator.\nAPS_CLIENT_ID="x"\n');
    await symlink(target, link);
    const before = await readFile(target, 'utf8');
    const stderr = collect();
    expect(await runEmulatorCli(['--port', '0', '--write-env', link], { stdout: collect(), stderr })).toBe(1);
    expect(stderr.text).toBe(
      `aps-emulator: cannot start the emulator: ${link} exists and is a symbolic link; the emulator writes env files only as regular files of its own. Remove it or choose another path.\n`,
    );
    expect(await readFile(target, 'utf8')).toBe(before);
  });

  it('--help prints usage with --write-env as the only env-file flag, and exits 0', async () => {
    const stdout = collect();
    expect(await runEmulatorCli(['--help'], { stdout, stderr: collect() })).toBe(0);
    expect(stdout.text).toContain('Usage: aps-emulator [--port N] [--write-env PATH]');
    expect(stdout.text).not.toMatch(/^\s+--env-file/m);
  });

  it.each([
    [['--prot', '1'], "aps-emulator: Unknown flag (not shown: it may be a secret). Run 'aps-emulator --help' for usage.\n"],
    [['--port', '0', 'extra'], "aps-emulator: Unexpected argument (not shown: it may be a secret). Run 'aps-emulator --help' for usage.\n"],
    [['--env-file', 'new.env'], "aps-emulator: Unknown flag '--env-file': to write the seeded variables to a file, use --write-env PATH. Run 'aps-emulator --help' for usage.\n"],
    [['--env-file=new.env'], "aps-emulator: Unknown flag '--env-file': to write the seeded variables to a file, use --write-env PATH. Run 'aps-emulator --help' for usage.\n"],
    [['--write-env', ''], "aps-emulator: --write-env expects a path. Run 'aps-emulator --help' for usage.\n"],
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

describe('aps-emulator through npx (npx is a Node.js process too: it must never see an --env-file)', () => {
  it('npx aps-emulator --port 0 --write-env PATH writes the file and serves it', async () => {
    const envFile = join(dir, 'npx.env');
    // From the repository root, as a user of the workspace runs it. npx does not pass SIGTERM on to the command
    // it runs, so the test stops the whole process group it started.
    const { child } = await startListening('npx', ['--no-install', 'aps-emulator', '--port', '0', '--write-env', envFile], {
      cwd: join(import.meta.dirname, '../../..'),
      detached: true,
    });
    try {
      const env = parseEnv(await readFile(envFile, 'utf8'));
      expect((await exchangeWithEnv(env)).status).toBe(200);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});
