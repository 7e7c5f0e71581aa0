import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEnvFile } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';

/** The built bin, as npm links it into node_modules/.bin. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A scratch directory holding an `aps-ssa` link to the built bin (put first on PATH, like node_modules/.bin),
 * in which the CLI runs as a user would run it: executed through its shebang, with no APS_* variable inherited.
 */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'aps-ssa-cli-'));
  readonly binDir = join(this.dir, '.bin');

  constructor() {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (cd packages/cli && npx tsc -b).`);
    // npm marks linked bins executable at install; tsc does not.
    chmodSync(BIN, 0o755);
    mkdirSync(this.binDir);
    symlinkSync(BIN, join(this.binDir, 'aps-ssa'));
  }

  /** The environment of a spawned command: this process's, minus APS_*, with the bin directory on PATH. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('APS_')) env[name] = value;
    return { ...env, PATH: `${this.binDir}${delimiter}${process.env.PATH ?? ''}`, ...extra };
  }

  /** Writes the emulator's seed as an env file (what `aps-ssa emulator --write-env` writes) and returns its name. */
  writeSeedEnv(emulator: Emulator, name = '.env', overrides: Record<string, string> = {}): string {
    writeFileSync(join(this.dir, name), formatEnvFile({ ...emulator.seed.env, ...overrides }), { mode: 0o600 });
    return name;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Runs `aps-ssa ...args` in the directory. */
  run(args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
    return collect(spawn('aps-ssa', [...args], { cwd: this.dir, env: this.env(options.env) }), options.input);
  }

  /** Runs a shell command line in the directory (for pipes and redirections, as in the README). */
  sh(script: string, options: { env?: Record<string, string> } = {}): Promise<CliResult> {
    return collect(spawn('/bin/sh', ['-c', script], { cwd: this.dir, env: this.env(options.env) }));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function collect(child: ReturnType<typeof spawn>, input?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
