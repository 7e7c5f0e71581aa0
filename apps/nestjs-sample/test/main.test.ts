import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startEmulator } from '@aps-ssa/emulator';
import { afterEach, describe, expect, it } from 'vitest';

// Spawning a Nest process is slow on a busy machine, hence the longer timeouts.
// `npm start` runs dist/main.js, compiled by tsc (whose decorator metadata Nest's DI needs): run that very file.
const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the sample with `env` (and no inherited APS_* variable) on a free port; resolves once it listens. */
async function startMain(env: Record<string, string | undefined>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('APS_')));
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, ...env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on http:\/\/\S+:(\d+)/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the sample exited (${code}) before listening:\n${output}`)));
  });
  return { child, url: await listening, output: () => output };
}

describe('npm start (dist/main.js)', () => {
  it('with no APS_* variable, starts the emulator in-process, says so, serves /me, and stops on SIGTERM', async () => {
    const { child, url, output } = await startMain({});
    expect(output()).toMatch(/No APS_\* credentials set: using the embedded APS emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(output()).toMatch(/Emulator console: http:\/\/127\.0\.0\.1:\d+\/_emulator\/console/);

    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userName: 'emulator-service-account' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    // enableShutdownHooks(): Nest closes the app, then re-raises the signal.
    expect(await exited).toEqual([null, 'SIGTERM']);
  }, 60_000);

  it('with APS_* variables, uses them and starts no emulator', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const { child, url, output } = await startMain({ ...emulator.seed.env });
      const me = await fetch(`${url}/me`);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userId: emulator.seed.serviceAccountId });
      expect(output()).not.toContain('embedded APS emulator');
      expect(emulator.counters().exchanges).toBe(1);

      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect(await exited).toEqual([null, 'SIGINT']);
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
