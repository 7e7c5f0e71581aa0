import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const TINYPROXY = process.env.TINYPROXY_BIN ?? 'tinyproxy';

/**
 * Whether the proxy tests can run. Without `tinyproxy` they are skipped locally (with a plain message) but fail
 * under `CI=true`, where a missing proxy is a broken environment, not a choice.
 */
export function tinyproxyAvailability(): { available: boolean; reason?: string } {
  const probe = spawnSync(TINYPROXY, ['-v'], { encoding: 'utf8' });
  if (probe.error === undefined) return { available: true };
  const reason = `\`${TINYPROXY}\` was not found (install it, e.g. \`apt-get install tinyproxy\`, or set TINYPROXY_BIN)`;
  if (process.env.CI === 'true') throw new Error(`The proxy tests need tinyproxy and CI=true forbids skipping them: ${reason}.`);
  console.warn(`Skipping the proxy tests: ${reason}.`);
  return { available: false, reason };
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'];

/**
 * Replaces the proxy variables of `process.env` with `values` (every other one unset), until `afterEach` puts the
 * ones of the test run back.
 */
export function useProxyEnv(): (values: Record<string, string>) => void {
  const saved = new Map(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  const set = (values: Record<string, string>): void => {
    for (const name of PROXY_VARIABLES) delete process.env[name];
    Object.assign(process.env, values);
  };
  afterEach(() => {
    set({});
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  });
  return set;
}

/** A running tinyproxy on a free loopback port, its log readable. */
export interface Tinyproxy {
  /** `http://127.0.0.1:PORT` (with `user:password@` when started with `basicAuth`). */
  readonly url: string;
  readonly port: number;
  /** The proxy's own log so far. */
  log(): Promise<string>;
  /**
   * How many requests whose target starts with `target` the proxy logged. tinyproxy logs each request line it reads,
   * before it judges credentials (a request it refused is counted too): a plain-HTTP target sent in absolute form as
   * `GET http://127.0.0.1:PORT/path HTTP/1.1` (count it with `http://127.0.0.1:PORT/path`), a tunnel as
   * `CONNECT 127.0.0.1:PORT HTTP/1.1` (count it with `127.0.0.1:PORT`; one per connection, not per request).
   */
  requests(target: string): Promise<number>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `tinyproxy` in the foreground with a temporary configuration (`LogLevel Info`, which logs each request
 * line), on a free port; with `basicAuth`, it answers 407 to requests without those credentials.
 */
export async function startTinyproxy(options: { basicAuth?: { user: string; password: string } } = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'aps-ssa-tinyproxy-'));
  const logFile = join(dir, 'tinyproxy.log');
  const port = await freePort();
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', `LogFile "${logFile}"`, 'LogLevel Info', 'MaxClients 20', `PidFile "${join(dir, 'pid')}"`];
  if (options.basicAuth) lines.push(`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`);
  await writeFile(join(dir, 'tinyproxy.conf'), `${lines.join('\n')}\n`);
  const child = spawn(TINYPROXY, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const log = async (): Promise<string> => readFile(logFile, 'utf8').catch(() => '');
  // Ready once its log says it accepts connections (it writes that line after binding).
  for (let attempt = 0; !(await log()).includes('Accepting connections'); attempt++) {
    if (child.exitCode !== null || attempt > 600) {
      child.kill();
      throw new Error(`tinyproxy did not start: ${stderr || (await log())}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const auth = options.basicAuth ? `${options.basicAuth.user}:${options.basicAuth.password}@` : '';
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    port,
    log,
    async requests(target) {
      const targets = [...(await log()).matchAll(/ Request \(file descriptor \d+\): [A-Z]+ (\S+) /g)].map((match) => match[1]!);
      return targets.filter((logged) => logged.startsWith(target)).length;
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
