import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, type RedisServer, spawnRedis } from './redis-server.js';

const REDIS_SENTINEL = process.env.REDIS_SENTINEL_BIN ?? 'redis-sentinel';

/** Whether Debian's `redis-sentinel` runs; under `CI=true` its absence is an error, not a skip. */
export function redisSentinelAvailable(): boolean {
  const probe = spawnSync(REDIS_SENTINEL, ['--version'], { encoding: 'utf8' });
  if (probe.error === undefined && probe.status === 0) return true;
  if (process.env.CI === 'true') throw new Error('The Sentinel failover test needs `redis-sentinel` (apt-get install redis-sentinel) and CI=true forbids skipping it.');
  console.warn('Skipping the Sentinel failover test: `redis-sentinel` was not found (apt-get install redis-sentinel, or set REDIS_SENTINEL_BIN).');
  return false;
}

/** Sentinels watching one master, started and stopped by a test. */
export interface Sentinels {
  readonly name: string;
  readonly addresses: readonly { host: '127.0.0.1'; port: number }[];
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `count` `redis-sentinel` processes on free loopback ports watching `master` (quorum: a majority; the
 * master is judged down after 1 s of silence), and resolves once each knows the others and `replicas` replicas,
 * so that a failover can be voted at once.
 */
export async function startSentinels(master: RedisServer, options: { count?: number; replicas?: number; name?: string } = {}): Promise<Sentinels> {
  const { count = 3, replicas = 1, name = 'aps-ssa-failover' } = options;
  const quorum = Math.floor(count / 2) + 1;
  const started: { child: ChildProcess; dir: string; port: number }[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      started.map(async ({ child, dir }) => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      }),
    );
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), 'aps-ssa-sentinel-'));
      const config = join(dir, 'sentinel.conf');
      // Sentinel rewrites its configuration file, so each gets its own.
      await writeFile(
        config,
        [
          `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'sentinel announce-ip 127.0.0.1',
          `sentinel monitor ${name} 127.0.0.1 ${master.port} ${quorum}`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      started.push({ child: await spawnRedis(port, [config], REDIS_SENTINEL), dir, port });
    }
    await Promise.all(started.map(({ port }) => untilAware(port, name, count - 1, replicas)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    addresses: started.map(({ port }) => ({ host: '127.0.0.1', port })),
    async masterPort() {
      const [, port] = (await ask(started[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name])) as [string, string];
      return Number(port);
    },
    stop,
  };
}

async function ask(port: number, command: string[]): Promise<unknown> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0]!, ...command.slice(1));
  } finally {
    client.disconnect();
  }
}

async function untilAware(port: number, name: string, others: number, replicas: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const sentinels = (await ask(port, ['SENTINEL', 'SENTINELS', name])) as unknown[];
    const known = (await ask(port, ['SENTINEL', 'REPLICAS', name])) as unknown[];
    if (sentinels.length >= others && known.length >= replicas) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The sentinel on port ${port} did not learn of ${others} other sentinels and ${replicas} replicas within 30 s.`);
}
