import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { parseEnv, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../src/index.js';

/**
 * Issue 24: apps nobody here wrote, run unchanged against `aps-emulator --intercept` as child processes started
 * with the switch (`node --import @aps-ssa/emulator/register`). Everything runs over real sockets: the bin, its
 * proxy, and each app in a process of its own.
 */
const BIN = join(import.meta.dirname, '../dist/bin.js');
const APPS = join(import.meta.dirname, 'intercept-apps');
const SWITCH = ['--import', '@aps-ssa/emulator/register'];
const run = promisify(execFile);

let dir: string;
let bin: ChildProcess;
let binOutput = '';
let emulatorUrl: string;
let proxyUrl: string;
let appEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aps-intercept-'));
  const envFile = join(dir, 'aps.env');
  bin = spawn(process.execPath, ['--', BIN, '--port', '0', '--rate-limit', '0', '--write-env', envFile, '--intercept'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  bin.stdout!.setEncoding('utf8');
  [emulatorUrl, proxyUrl] = await new Promise<[string, string]>((resolve, reject) => {
    bin.stdout!.on('data', (chunk: string) => {
      binOutput += chunk;
      const emulator = /listening on (http:\/\/\S+)/.exec(binOutput)?.[1];
      const proxy = /APS_EMULATOR_PROXY=(http:\/\/\S+) node --import @aps-ssa\/emulator\/register app\.js/.exec(binOutput)?.[1];
      if (emulator && proxy) resolve([emulator, proxy]);
    });
    bin.once('exit', (code) => reject(new Error(`aps-emulator exited early with ${code}:\n${binOutput}`)));
  });
  // What a user does: the printed variable, plus the APS_* variables their app already reads (here the seed's).
  appEnv = { ...process.env, ...parseEnv(await readFile(envFile, 'utf8')), APS_EMULATOR_PROXY: proxyUrl };
  delete appEnv.APS_BASE_URL;
});

afterAll(async () => {
  if (bin && bin.exitCode === null) {
    const exited = new Promise((resolve) => bin.once('exit', resolve));
    bin.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

/** Runs one app as a child process with the switch on; resolves to its stdout's JSON lines. */
async function runApp(app: string, args: string[] = []): Promise<{ lines: Record<string, unknown>[]; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [...SWITCH, join(APPS, app), ...args], { env: appEnv, timeout: 120_000 });
  return { lines: stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>), stderr };
}

async function emulatorLog(): Promise<RequestLogEntry[]> {
  const response = await fetch(`${emulatorUrl}/_emulator/requests`);
  return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
}

/** The bin's stdout has a line (it is written before the app's answer arrives, but read here asynchronously). */
async function binPrinted(line: string): Promise<void> {
  if (binOutput.includes(line)) return;
  await new Promise<void>((resolve) => {
    const check = () => {
      if (!binOutput.includes(line)) return;
      bin.stdout!.off('data', check);
      resolve();
    };
    bin.stdout!.on('data', check);
  });
}

describe('aps-emulator --intercept with node --import @aps-ssa/emulator/register', () => {
  it("runs the docs' Node.js snippet (jsonwebtoken + global fetch to developer.api.autodesk.com) unchanged against the emulator", async () => {
    const { lines } = await runApp('docs-snippet.mjs');
    expect(lines).toEqual([{ status: 200, requestId: expect.any(String), tokenType: 'Bearer', expiresIn: 3599 }]);
    // The answer is the emulator's: its request log holds the exchange, under the request id the app was given.
    const entry = (await emulatorLog()).find((e) => e.requestId === lines[0]!.requestId);
    expect(entry).toMatchObject({ method: 'POST', path: '/authentication/v2/token', endpoint: 'token:jwt-bearer', status: 200, outcome: 'ok' });
    expect(entry!.assertion).toMatchObject({ header: { alg: 'RS256', kid: appEnv.APS_SA_KEY_ID }, claims: { sub: appEnv.APS_SA_ID } });
    await binPrinted('intercept: POST https://developer.api.autodesk.com/authentication/v2/token -> 200\n');
  });

  it("passes the emulator's injected faults on to the app as they are", async () => {
    const injected = await fetch(`${emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'server-error', status: 503 }),
    });
    expect(injected.status).toBe(201);
    const { lines } = await runApp('docs-snippet.mjs');
    expect(lines).toEqual([{ status: 503, requestId: expect.any(String) }]);
    expect((await emulatorLog()).find((e) => e.requestId === lines[0]!.requestId)).toMatchObject({ status: 503, fault: 'server-error' });
  });

  it("runs Autodesk's @aps_sdk/authentication and @aps_sdk/data-management clients (no SDK manager, axios over node:https) unchanged, userinfo's host included", async () => {
    const before = (await emulatorLog()).length;
    const { lines } = await runApp('data-management.mjs');
    expect(lines[0]).toEqual({ step: 'token', tokenType: 'Bearer', expiresIn: 3599 });
    // The SSA's app is in no hub (resources/data-management.ts).
    expect(lines[1]).toEqual({ step: 'hubs', status: 200, hubs: 0 });
    // Userinfo's host reaches the emulator too: its 401 to a 2-legged token (no user), with its request id.
    expect(lines[2]).toEqual({ step: 'userinfo', status: 401, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const logged = (await emulatorLog()).slice(before);
    expect(logged.map((e) => [e.method, e.path, e.endpoint, e.status])).toEqual([
      ['POST', '/authentication/v2/token', 'token:client_credentials', 200],
      ['GET', '/project/v1/hubs', 'get-hubs', 200],
      ['GET', '/userinfo', 'userinfo', 401],
    ]);
    expect(logged[2]!.requestId).toBe(lines[2]!.requestId);
    // The SDK joins its base URL's trailing `/` with paths that start with one (see the README): shown as sent.
    await binPrinted('intercept: POST https://developer.api.autodesk.com//authentication/v2/token -> 200\n');
    await binPrinted('intercept: GET https://developer.api.autodesk.com//project/v1/hubs -> 200\n');
    await binPrinted('intercept: GET https://api.userprofile.autodesk.com/userinfo -> 401\n');
  });

  it('routes the global fetch, ky, node:https and axios alike: each gets its answer from the emulator', async () => {
    const { lines } = await runApp('stacks.mjs', ['https://developer.api.autodesk.com/authentication/v2/keys']);
    const results = Object.entries(lines[0]!) as [string, { status: number; requestId: string }][];
    expect(results.map(([stack, result]) => [stack, result.status])).toEqual([['fetch', 200], ['ky', 200], ['node', 200], ['axios', 200]]);
    const log = await emulatorLog();
    for (const [, { requestId }] of results) expect(log.find((e) => e.requestId === requestId)).toMatchObject({ endpoint: 'keys', status: 200 });
  });

  it('refuses every other host through fetch, ky, node:https and axios (https://), naming the host, and says so on stderr', async () => {
    const { lines, stderr } = await runApp('stacks.mjs', ['https://example.com/']);
    const refused = {
      causeCode: 'ERR_EMULATOR_HOST_REFUSED',
      causeHost: 'example.com',
      causeMessage: expect.stringMatching(/^aps-emulator intercept refused a connection to example\.com:443: example\.com is not an APS host the emulator serves .*Nothing was sent to example\.com\./),
    };
    expect(lines).toEqual([
      {
        fetch: { name: 'TypeError', message: 'fetch failed', ...refused },
        ky: { name: 'TypeError', message: 'fetch failed', ...refused },
        node: { name: 'EmulatorInterceptError', message: refused.causeMessage, ...refused },
        axios: { name: 'EmulatorInterceptError', message: refused.causeMessage, ...refused },
      },
    ]);
    // Once per host, even when the app swallows the error.
    expect(stderr.match(/\[ERR_EMULATOR_HOST_REFUSED\] Warning: aps-emulator intercept refused a connection to example\.com:443/g)).toHaveLength(1);
  });

  it('refuses other hosts over plain http:// too (fetch, ky, node:http, axios)', async () => {
    const { lines } = await runApp('stacks.mjs', ['http://example.com/']);
    expect(Object.keys(lines[0]!)).toEqual(['fetch', 'ky', 'node', 'axios']);
    for (const result of Object.values(lines[0]!)) {
      expect(result).toMatchObject({ causeCode: 'ERR_EMULATOR_HOST_REFUSED', causeHost: 'example.com', causeMessage: expect.stringContaining('example.com:80') });
    }
  });

  it('stops the app at start when the proxy variable is missing, rather than let it reach APS', async () => {
    const env = { ...appEnv };
    delete env.APS_EMULATOR_PROXY;
    const failure = await run(process.execPath, [...SWITCH, join(APPS, 'docs-snippet.mjs')], { env, timeout: 60_000 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain(
      "EmulatorInterceptError: @aps-ssa/emulator/register needs APS_EMULATOR_PROXY=http://127.0.0.1:PORT (it is not set). Start the emulator with `aps-emulator --intercept` and set the APS_EMULATOR_PROXY it prints.",
    );
  });

  it('stops the app at start when the proxy cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const env = { ...appEnv, APS_EMULATOR_PROXY: gone };
    const failure = await run(process.execPath, [...SWITCH, join(APPS, 'docs-snippet.mjs')], { env, timeout: 60_000 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toContain(`EmulatorInterceptError: @aps-ssa/emulator/register cannot get the emulator's CA from ${gone}/ca.pem: fetch failed.`);
  });

  it('the proxy answers CONNECT for APS hosts only, with a certificate for them from a CA made at start', async () => {
    const ca = new X509Certificate(await (await fetch(`${proxyUrl}/ca.pem`)).text());
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=aps-emulator local CA [0-9a-f]{8}\n/);
    const { port } = new URL(proxyUrl);
    const connectTo = (authority: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\r\n\r\n') && text.startsWith('HTTP/1.1 200')) socket.destroy();
        });
        socket.once('close', () => resolve(text));
        socket.once('error', reject);
      });
    expect(await connectTo('developer.api.autodesk.com:443')).toBe('HTTP/1.1 200 Connection Established\r\n\r\n');
    const refused = await connectTo('example.com:443');
    expect(refused).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(refused).toContain('aps-emulator intercept refused example.com: it is not an APS host the emulator serves');
    await binPrinted('intercept: refused CONNECT example.com:443 (not an APS host)\n');
  });

  it('never prints a private key (the CA key is dropped after signing; tokens and secrets are not logged)', () => {
    expect(binOutput).not.toMatch(/PRIVATE KEY/);
    expect(binOutput).not.toContain(appEnv.APS_CLIENT_SECRET);
  });
});
