import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { BIN, collect, Workspace } from './cli-process.js';
import { memoryIo } from './memory-io.js';

describe('the aps-ssa command line', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => ws.remove());

  it('--help lists every command, exits 0', async () => {
    const result = await ws.run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: aps-ssa <command> \[flags\]\n/);
    for (const name of ['emulator', 'accounts <command>', 'keys <command>', 'assertion', 'token', 'decode', 'doctor']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\w`, 'm'));
    }
  });

  it('each command has --help with examples', async () => {
    const { io, stdout } = memoryIo();
    for (const args of [['token', '--help'], ['help', 'assertion'], ['keys', 'create', '-h'], ['help', 'accounts', 'list'], ['doctor', '--help']]) {
      expect(await main(args, io)).toBe(0);
    }
    const pages = stdout().split(/^(?=Usage: )/m);
    expect(pages).toHaveLength(5);
    for (const page of pages) expect(page).toMatch(/\nExamples:\n {2}aps-ssa /);
    expect(pages[2]).toMatch(/^Usage: aps-ssa keys create \[flags\]/);
  });

  it('a group without a command lists its commands as a usage error, and its --help explains them', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await main(['keys'], io)).toBe(2);
    expect(stderr()).toBe("aps-ssa keys: Missing command: list, create, enable, disable, delete, rotate, retire. See 'aps-ssa keys --help'.\n");
    expect(await main(['keys', '--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^Usage: aps-ssa keys <command> \[flags\]\n[\s\S]*\n {2}rotate +/);
  });

  it('usage errors exit 2 with one line pointing at --help', async () => {
    const cases: [string[], string][] = [
      [[], "aps-ssa: Missing command. See 'aps-ssa --help'.\n"],
      [['tokne'], "aps-ssa: Unknown command: argument #1 (not shown: it may be a secret). Did you mean 'token'? See 'aps-ssa --help'.\n"],
      [['rotate'], "aps-ssa: Unknown command 'rotate'. See 'aps-ssa --help'.\n"],
      [['--json'], "aps-ssa: Unknown flag '--json' (flags go after the command). See 'aps-ssa --help'.\n"],
      [['token', '--shw-token'], "aps-ssa token: Unknown flag: argument #2 (not shown: it may be a secret). Did you mean '--show-token'? See 'aps-ssa token --help'.\n"],
      [['token', '--json=yes'], "aps-ssa token: Flag '--json' does not take a value. See 'aps-ssa token --help'.\n"],
      [['token', '--env-file'], "aps-ssa token: Flag '--env-file' needs a value. See 'aps-ssa token --help'.\n"],
      [['token', 'extra'], "aps-ssa token: Unexpected argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['keys', 'rotat'], "aps-ssa keys: Unknown command: argument #2 (not shown: it may be a secret). Did you mean 'rotate'? See 'aps-ssa keys --help'.\n"],
      [['keys', 'token'], "aps-ssa keys: Unknown command 'token'. See 'aps-ssa keys --help'.\n"],
    ];
    for (const [args, message] of cases) {
      const { io, stdout, stderr } = memoryIo();
      const code = await main(args, io);
      expect({ args, code, stdout: stdout(), stderr: stderr() }).toEqual({ args, code: 2, stdout: '', stderr: message });
    }
    // The same through the real bin: the exit code reaches the shell.
    expect(await ws.run(cases[1]![0])).toEqual({ code: 2, stdout: '', stderr: cases[1]![1] });
  });

  it('never echoes an unexpected argument that may be a secret (a token, a PEM, a base64 blob) through the real bin', async () => {
    const jwt = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.${Buffer.from(JSON.stringify({ sub: 'sa', scope: ['data:read'] })).toString('base64url')}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg`;
    const secret = 'Zx81kQ2vR7pL0mN4bC6dF9gH3jK5sT8w';
    // A client secret of 16 word characters looks like a mistyped command: it is not echoed either.
    const short = 'Zx81kQ2vR7pL0mN4';
    // A real key, generated here: no key is ever committed, not even a test one.
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const cases: [string[], string][] = [
      [['token', jwt], "aps-ssa token: Unexpected argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['keys', 'list', '--account', 'sa', secret], "aps-ssa keys list: Unexpected argument #5 (not shown: it may be a secret). See 'aps-ssa keys list --help'.\n"],
      [[jwt], "aps-ssa: Unknown command: argument #1 (not shown: it may be a secret). See 'aps-ssa --help'.\n"],
      [['keys', Buffer.from(secret).toString('base64')], "aps-ssa keys: Unknown command: argument #2 (not shown: it may be a secret). See 'aps-ssa keys --help'.\n"],
      [['token', pem], "aps-ssa token: Unknown flag: argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['token', `--${secret}`], "aps-ssa token: Unknown flag: argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['help', secret], "aps-ssa: Unknown command: argument #2 (not shown: it may be a secret). See 'aps-ssa --help'.\n"],
      [[short], "aps-ssa: Unknown command: argument #1 (not shown: it may be a secret). See 'aps-ssa --help'.\n"],
      [['keys', short], "aps-ssa keys: Unknown command: argument #2 (not shown: it may be a secret). See 'aps-ssa keys --help'.\n"],
      [['token', `--${short}`], "aps-ssa token: Unknown flag: argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['token', short], "aps-ssa token: Unexpected argument #2 (not shown: it may be a secret). See 'aps-ssa token --help'.\n"],
      [['emulator', `--${short}`], "aps-ssa emulator: Unknown flag (not shown: it may be a secret). Run 'aps-ssa emulator --help' for usage.\n"],
    ];
    for (const [args, message] of cases) {
      const result = await ws.run(args);
      expect({ args: args.length, ...result }).toEqual({ args: args.length, code: 2, stdout: '', stderr: message });
      for (const part of [jwt.split('.')[1]!, secret, short, Buffer.from(secret).toString('base64').slice(0, 12), pem.split('\n')[2]!.slice(0, 32), 'BEGIN']) {
        expect(result.stderr).not.toContain(part);
      }
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { io, stdout } = memoryIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(stdout()).toBe(`${version}\n`);
  });

  it('passes --env-file through to aps-ssa when run through its shebang, not to Node.js', async () => {
    // Without `node --` in the shebang, Node.js itself reads --env-file and exits 9 ("not found").
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S node --');
    for (const args of [['token', '--env-file', 'missing.env'], ['token', '--env-file=missing.env']]) {
      const result = await ws.run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^aps-ssa token: Cannot read the env file missing\.env \(no such file\)\. .*\(ERR_CLI_ENV_FILE\)\n$/);
    }
    const viaEnv = await collect(spawn('/usr/bin/env', ['-S', 'node --', BIN, 'token', '--env-file', 'missing.env'], { cwd: ws.dir, env: ws.env() }));
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain('(ERR_CLI_ENV_FILE)');
  });
});

describe('aps-ssa emulator', () => {
  it('runs the emulator, writes the env file with mode 0600, and stops cleanly on SIGTERM', async () => {
    const ws = new Workspace();
    try {
      const child = spawn('aps-ssa', ['emulator', '--write-env', '.env.emulator'], { cwd: ws.dir, env: ws.env() });
      const done = collect(child);
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout?.on('data', (chunk: string) => {
          seen += chunk;
          const match = /listening on (\S+)/.exec(seen);
          if (match && seen.includes('written to')) resolve(match[1]!);
        });
        child.on('close', () => reject(new Error(`the emulator exited early: ${seen}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(statSync(ws.path('.env.emulator')).mode & 0o777).toBe(0o600);
      const env = parseEnv(readFileSync(ws.path('.env.emulator'), 'utf8'));
      expect(env.APS_BASE_URL).toBe(url);
      const token = await ws.run(['token', '--env-file', '.env.emulator', '--json']);
      expect(token.code).toBe(0);
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^aps-ssa emulator listening on http:/);
    } finally {
      ws.remove();
    }
  });

  it('--write-env refuses to replace a file the emulator did not write, leaving it intact (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aps-ssa-env-'));
    try {
      const path = join(dir, '.env');
      writeFileSync(path, 'APS_CLIENT_ID=real-app\n');
      const { io, stderr } = memoryIo();
      expect(await main(['emulator', '--port', '0', '--write-env', path], io)).toBe(1);
      expect(stderr()).toBe(
        `aps-ssa emulator: cannot start the emulator: ${path} exists and was not written by the emulator; it may hold real credentials. Remove it or choose another path.\n`,
      );
      expect(readFileSync(path, 'utf8')).toBe('APS_CLIENT_ID=real-app\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has one meaning per flag: --env-file reads in aps-ssa, so the emulator refuses it and names --write-env (exit 2)', async () => {
    const { io, stderr } = memoryIo();
    expect(await main(['emulator', '--port', '0', '--env-file', 'new.env'], io)).toBe(2);
    expect(stderr()).toBe(
      "aps-ssa emulator: Unknown flag '--env-file': to write the seeded variables to a file, use --write-env PATH. Run 'aps-ssa emulator --help' for usage.\n",
    );
    const help = memoryIo();
    expect(await main(['emulator', '--help'], help.io)).toBe(0);
    expect(help.stdout()).toMatch(/^ {2}--write-env PATH +write the seeded APS_\* variables/m);
    expect(help.stdout()).not.toMatch(/^\s+--env-file/m);
  });

  it('runs through npx: npx aps-ssa emulator --port 0 --write-env PATH', async () => {
    const ws = new Workspace();
    // npx does not pass SIGTERM on to the command it runs: stop the whole process group started here.
    const child = spawn('npx', ['--no-install', 'aps-ssa', 'emulator', '--port', '0', '--write-env', ws.path('npx.env')], {
      cwd: join(import.meta.dirname, '../../..'),
      env: ws.env(),
      detached: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (seen.includes('written to')) resolve();
        });
        child.on('close', (code) => reject(new Error(`npx exited early (${code}): ${seen}`)));
      });
      const token = await ws.run(['token', '--env-file', 'npx.env', '--json']);
      expect(token.code).toBe(0);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      ws.remove();
    }
  });

  it('reports its own usage errors with exit 2', async () => {
    const { io, stderr } = memoryIo();
    expect(await main(['emulator', '--prot', '1'], io)).toBe(2);
    expect(stderr()).toMatch(/^aps-ssa emulator: Unknown flag \(not shown: it may be a secret\)\./);
  });
});
