import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SsaClosedError } from '../../src/errors.js';
import { useEmulator } from './support/setup.js';
import { timeline } from './support/timeline.js';

const env = useEmulator({ rateLimit: 0 });
const CORE = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;

interface ChildRun {
  /** Overrides of the emulator's APS_* environment. */
  readonly env?: Record<string, string>;
  /** Called with the output so far at each chunk; what it returns is written to the child's stdin. */
  readonly onOutput?: (output: string) => string | undefined;
}

/** Runs an ES module script in a fresh Node.js process with the emulator's APS_* environment. */
function runChild(script: string, run: ChildRun = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...env.emulator.seed.env, ...run.env },
      stdio: [run.onOutput === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // A timer that kept the process alive would show as a kill, not as a slow test.
      timeout: 20_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const input = run.onOutput?.(output);
      if (input !== undefined) child.stdin?.write(input);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

/** A loopback port nothing listens on: one the system just handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
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

  it('lets a process exit while a background refresh nobody awaits sleeps in a long back-off', async () => {
    const result = await runChild(
      `
      const { createTokenProvider } = await import(${JSON.stringify(CORE)});
      let now = Date.now();
      const provider = createTokenProvider({ clock: { now: () => now }, retry: { baseDelay: 3600000, maxDelay: 3600000, budget: 86400000 } });
      await provider.getToken();
      console.log('got a token');
      process.stdin.once('data', () => {
        process.stdin.destroy();
        now = provider.stats.refreshAt + 1000;
        console.log('served', provider.peek() !== undefined, 'refreshing', provider.stats.refreshing);
      });
    `,
      {
        onOutput: (output) => {
          if (output !== 'got a token\n') return undefined;
          env.emulator.faults.inject({ kind: 'server-error', status: 503, count: 10 });
          return 'go\n';
        },
      },
    );
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.output).toBe('got a token\nserved true refreshing true\n');
    await expect.poll(() => env.emulator.counters().exchanges).toBe(2);
  });

  it('keeps a process that awaits a token alive until the typed error arrives when APS is unreachable', async () => {
    const port = await closedPort();
    const result = await runChild(
      `
      const { createTokenProvider } = await import(${JSON.stringify(CORE)});
      const provider = createTokenProvider({ retry: { maxAttempts: 3, baseDelay: 400, maxDelay: 400, budget: 60000 } });
      const token = await provider.getToken();
      console.log('unexpected token');
    `,
      { env: { APS_BASE_URL: `http://127.0.0.1:${port}` } },
    );
    expect(result).toMatchObject({ code: 1, signal: null });
    expect(result.output).not.toContain('unexpected token');
    expect(result.output).toContain(`Could not reach the token endpoint at http://127.0.0.1:${port}/authentication/v2/token (ECONNREFUSED). Nothing listens there: is the emulator running (\`npx aps-emulator\`), and is APS_BASE_URL its address?`);
    expect(result.output).toMatch(/code: 'ERR_SSA_\w+'/);
  });
});
