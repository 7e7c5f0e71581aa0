import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startEmulator } from '@aps-ssa/emulator';
import { afterEach, describe, expect, it } from 'vitest';

/** Runs `node <main>` (what `npm start` runs) on a free port; resolves once it listens. */
async function start(main: string, env: Record<string, string | undefined>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`main exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, output: () => output };
}

/** The tests of a sample's `main` (what `npm start` runs), given the path of its compiled `dist/main.js`. */
export function describeSampleMain(main: string): void {
  describe('main (npm start)', () => {
    let running: ChildProcess | undefined;
    afterEach(() => {
      if (running?.exitCode === null) running.kill('SIGKILL');
    });

    it('with no APS_* variables, starts the emulator in-process, says so, serves /me, and stops on SIGTERM', async () => {
      const { child, url, output } = await start(main, {});
      running = child;
      expect(output()).toMatch(/No APS_\* credentials set: using the embedded APS emulator at http:\/\/127\.0\.0\.1:\d+/);
      expect(output()).toMatch(/Emulator console: http:\/\/127\.0\.0\.1:\d+\/_emulator\/console/);
      const me = await fetch(`${url}/me`);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userName: 'emulator-service-account' });

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output()).toContain('SIGTERM: shutting down');
    });

    it('with APS_* variables, talks to the APS they name and starts no emulator', async () => {
      const aps = await startEmulator({ port: 0 });
      try {
        const { child, url, output } = await start(main, { ...aps.seed.env });
        running = child;
        expect(await (await fetch(`${url}/me`)).json()).toMatchObject({ userId: aps.seed.serviceAccountId });
        expect(aps.counters()).toMatchObject({ exchanges: 1, userprofile: { ok: 1 } });
        expect(output()).not.toContain('embedded APS emulator');
        child.kill('SIGINT');
        expect((await once(child, 'exit'))[0]).toBe(0);
      } finally {
        await aps.close();
      }
    });
  });
}
