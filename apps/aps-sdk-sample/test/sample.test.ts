import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { describe, expect, it } from 'vitest';
import { runSample } from '../src/sample.js';

let emulator: Emulator;
useEmulator((started) => (emulator = started));

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs `node dist/main.js` (what `npm start` runs) to its end. */
async function runMain(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('aps-sdk-sample', () => {
  it('creates a bucket and finds it listed, and lists no hubs, through the real SDK clients', async () => {
    const result = await runSample({ env: emulator.seed.env });
    expect(result.buckets).toContain(result.created);
    expect(result.hubs).toEqual([]);
    expect(emulator.counters()).toMatchObject({ 'create-bucket': { ok: 1 }, 'get-buckets': { ok: 1 }, 'get-hubs': { ok: 1 } });
  });

  it('main, with no APS_* variables, starts the emulator in-process, says so, and runs to the end', async () => {
    const { code, output } = await runMain({});
    expect(output).toMatch(/No APS_\* credentials set: using the embedded APS emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/created bucket (aps_ssa_sample_\d+)\nbuckets: aps_ssa_sample_\d+\nhubs: \(none\)/);
    expect(code).toBe(0);
  });

  it('main, with APS_* variables, talks to the APS they name and starts no emulator', async () => {
    const before = emulator.counters()['create-bucket'].ok;
    const { code, output } = await runMain({ ...emulator.seed.env });
    expect(code).toBe(0);
    expect(output).not.toContain('embedded APS emulator');
    expect(emulator.counters()['create-bucket'].ok - before).toBe(1);
  });
});
