import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const run = promisify(execFile);

describe('the quick start (`npm start` at the root)', () => {
  it('builds only this sample and the packages it uses before serving it', async () => {
    const { scripts } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
    const [build, serve] = scripts.start!.split(' && ');
    expect(serve).toBe('npm start -w apps/express-sample');
    // The tasks the build step would run, from Nx's task graph (nothing is built).
    const [command, ...args] = build!.split(' ');
    expect(command).toBe('nx');
    const { stdout } = await run('npx', ['--no-install', 'nx', ...args, '--graph=stdout'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const tasks = Object.keys((JSON.parse(stdout) as { tasks: { tasks: Record<string, unknown> } }).tasks.tasks);
    expect(tasks.sort()).toEqual(['@aps-ssa/core:build', '@aps-ssa/emulator:build', '@aps-ssa/express-middleware:build', '@aps-ssa/express-sample:build']);
  }, 120_000);
});
