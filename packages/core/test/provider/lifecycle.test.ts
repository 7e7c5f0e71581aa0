import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SsaClosedError } from '../../src/errors.js';
import { useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });
const CORE = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;

/** Runs an ES module script in a fresh Node.js process with the emulator's APS_* environment. */
function runChild(script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...env.emulator.seed.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A timer that kept the process alive would show as a kill, not as a slow test.
      timeout: 20_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('close()', () => {
  it('rejects callers waiting on a held exchange and refuses new ones', async () => {
    const provider = env.provider({ timeout: 60_000 });
    env.emulator.faults.inject({ kind: 'hang' });
    const waiting = provider.getToken();
    await expect.poll(() => env.emulator.counters().exchanges).toBe(1);
    await provider.close();
    await expect(waiting).rejects.toBeInstanceOf(SsaClosedError);
    expect(provider.closed).toBe(true);
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'ERR_SSA_CLOSED',
      message: 'The token provider is closed. Create a new provider to get tokens again.',
    });
    await expect(provider.getAuthorizationHeader()).rejects.toBeInstanceOf(SsaClosedError);
    await provider.close(); // idempotent
  });

  it('cancels a back-off wait, leaving no timer behind', async () => {
    const time = timeline(env.emulator);
    const provider = env.provider({ clock: time.providerClock });
    env.emulator.faults.inject({ kind: 'server-error', status: 503, count: 10 });
    const waiting = provider.getToken();
    await expect.poll(() => time.clock.pending).toBe(1);
    await provider.close();
    expect(time.clock.pending).toBe(0);
    await expect(waiting).rejects.toBeInstanceOf(SsaClosedError);
    expect(env.emulator.counters().exchanges).toBe(1);
  });

  it('forgets the token and stops events', async () => {
    const provider = env.provider();
    let events = 0;
    provider.on('invalidated', () => events++);
    await provider.getToken();
    await provider.close();
    provider.invalidate();
    expect(events).toBe(0);
    expect(provider.stats.expiresAt).toBeUndefined();
  });
});

describe('process exit', () => {
  it('lets a process that never closes its provider exit on its own', async () => {
    const result = await runChild(`
      const { createTokenProvider } = await import(${JSON.stringify(CORE)});
      const provider = createTokenProvider();
      const token = await provider.getToken();
      console.log('token valid for', Math.round((token.expiresAt - Date.now()) / 60000), 'min');
    `);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.output).toContain('token valid for 60 min');
  });

  it('lets a process exit while a refresh sleeps in a long back-off', async () => {
    env.emulator.faults.inject({ kind: 'server-error', status: 503, count: 10 });
    const result = await runChild(`
      const { createTokenProvider } = await import(${JSON.stringify(CORE)});
      const provider = createTokenProvider({ retry: { baseDelay: 3600000, maxDelay: 3600000, budget: 86400000 } });
      provider.getToken().then(() => console.log('unexpected token'), (err) => console.log('unexpected', err.code));
      console.log('waiting');
    `);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.output).toBe('waiting\n');
    expect(env.emulator.counters().exchanges).toBe(1);
  });
});
