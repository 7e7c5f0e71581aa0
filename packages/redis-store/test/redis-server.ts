import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A `redis-server` child process on a loopback port, started and stopped by a test. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: a crash, not a shutdown). Data is lost: it runs without persistence. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/**
 * Whether the Redis tests can run. Without `redis-server` they are skipped locally (with a plain
 * message) but fail under `CI=true`, where a missing server is a broken environment, not a choice.
 */
export function redisServerAvailability(): { available: boolean; reason?: string } {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return { available: true };
  const reason = `\`${REDIS_SERVER}\` was not found or does not run (install it, e.g. \`apt-get install redis-server\`, or set REDIS_SERVER_BIN)`;
  if (process.env.CI === 'true') {
    throw new Error(`The Redis tests need a Redis server and CI=true forbids skipping them: ${reason}.`);
  }
  console.warn(`Skipping the Redis tests: ${reason}.`);
  return { available: false, reason };
}

/**
 * Starts a throw-away `redis-server` (no persistence) on a free loopback port and waits until it
 * answers PING. With `cluster: true` it is a one-node Redis Cluster owning every slot: enough for
 * ioredis's `Cluster` client, and Redis still refuses a script whose keys span slots (CROSSSLOT).
 * `args` are more server options, e.g. `['--rename-command', 'EVAL', '']` for a Redis without scripting.
 */
export async function startRedisServer(options: { cluster?: boolean; args?: readonly string[] } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'aps-ssa-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push(...(options.args ?? []));
  if (options.cluster === true) args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1');
  const start = async (): Promise<ChildProcess> => {
    const started = await spawnRedis(port, args);
    if (options.cluster === true) await assignAllSlots(port);
    return started;
  };
  let child: ChildProcess | undefined = await start();
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await start();
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The name under which {@link startRedisSentinel} monitors its master. */
export const SENTINEL_MASTER_NAME = 'aps-ssa-test';

/**
 * Starts a Redis Sentinel (`redis-server --sentinel`) on a free loopback port that monitors
 * `master` as {@link SENTINEL_MASTER_NAME}, and waits until it names the master.
 */
export async function startRedisSentinel(master: RedisServer): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'aps-ssa-sentinel-'));
  const config = join(dir, 'sentinel.conf');
  // Sentinel rewrites its configuration file, so it gets its own.
  await writeFile(config, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master.port} 1\n`);
  const child = await spawnRedis(port, [config, '--sentinel']);
  const admin = new Redis(port, '127.0.0.1', { lazyConnect: true });
  try {
    await admin.connect();
    await admin.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME);
  } finally {
    admin.disconnect();
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: stop,
    stop,
    restart: () => Promise.reject(new Error('A test sentinel cannot be restarted.')),
  };
}

async function assignAllSlots(port: number): Promise<void> {
  const admin = new Redis(port, '127.0.0.1', { lazyConnect: true });
  try {
    await admin.connect();
    const info = await admin.cluster('INFO');
    if (!info.includes('cluster_slots_assigned:16384')) await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; i < 200 && !(await admin.cluster('INFO')).includes('cluster_state:ok'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    admin.disconnect();
  }
}

/** Spawns `bin` (redis-server by default) with `args` and resolves once it answers PING on `port`. */
export async function spawnRedis(port: number, args: readonly string[], bin = REDIS_SERVER): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${output}`);
    if (await answersPing(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
