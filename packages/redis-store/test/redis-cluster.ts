import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, spawnRedis } from './redis-server.js';

/** One node of a {@link RedisCluster}. */
export interface ClusterNode {
  readonly host: '127.0.0.1';
  readonly port: number;
}

/** A real Redis Cluster of `redis-server --cluster-enabled yes` processes on loopback, started and stopped by a test. */
export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** The master serving `slot` now, and its node id. */
  masterOf(slot: number): Promise<{ port: number; id: string }>;
  /**
   * Moves `slot` (and its keys) to another master, the way `redis-cli --cluster reshard` does: IMPORTING on the
   * target, MIGRATING on the source, MIGRATE of its keys in batches, then SETSLOT NODE on every master.
   * Returns the new master's port.
   */
  moveSlot(slot: number): Promise<number>;
  stop(): Promise<void>;
}

const REDIS_CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli';

/**
 * Starts `masters` masters with `replicasPerMaster` replicas each (no persistence, free ports, a temp
 * directory per node) and joins them with `redis-cli --cluster create`; resolves once every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(options: { masters?: number; replicasPerMaster?: number } = {}): Promise<RedisCluster> {
  const { masters = 3, replicasPerMaster = 1 } = options;
  const count = masters * (1 + replicasPerMaster);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const dirs = await Promise.all(ports.map(() => mkdtemp(join(tmpdir(), 'aps-ssa-cluster-'))));
  const children = await Promise.all(
    ports.map((port, i) =>
      spawnRedis(port, [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dirs[i]!,
        '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000',
        '--cluster-announce-ip', '127.0.0.1',
      ]),
    ),
  );
  const nodes: ClusterNode[] = ports.map((port) => ({ host: '127.0.0.1', port }));
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    await run(REDIS_CLI, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    await Promise.all(ports.map((port) => untilClusterOk(port)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    masterOf: (slot) => masterOf(ports[0]!, slot),
    async moveSlot(slot) {
      const source = await masterOf(ports[0]!, slot);
      const masters = await mastersOf(ports[0]!);
      const target = masters.find((m) => m.id !== source.id)!;
      await withNode(target.port, (n) => n.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.id));
      await withNode(source.port, async (n) => {
        await n.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.id);
        for (;;) {
          const keys = (await n.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '100')) as string[];
          if (keys.length === 0) break;
          await n.call('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'REPLACE', 'KEYS', ...keys);
        }
      });
      for (const master of masters) await withNode(master.port, (n) => n.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id));
      return target.port;
    },
    stop,
  };
}

async function withNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis(port, '127.0.0.1', { lazyConnect: true });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await use(node);
  } finally {
    node.disconnect();
  }
}

async function mastersOf(port: number): Promise<{ port: number; id: string }[]> {
  const shards = (await withNode(port, (n) => n.call('CLUSTER', 'SLOTS'))) as [number, number, [string, number, string]][];
  const byId = new Map(shards.map(([, , [, masterPort, id]]) => [id, { port: masterPort, id }]));
  return [...byId.values()];
}

async function masterOf(port: number, slot: number): Promise<{ port: number; id: string }> {
  const shards = (await withNode(port, (n) => n.call('CLUSTER', 'SLOTS'))) as [number, number, [string, number, string]][];
  const shard = shards.find(([from, to]) => slot >= from && slot <= to);
  if (shard === undefined) throw new Error(`No master serves slot ${slot}.`);
  return { port: shard[2][1], id: shard[2][2] };
}

async function untilClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const info = (await withNode(port, (n) => n.cluster('INFO'))) as string;
    if (info.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The cluster node on port ${port} did not reach cluster_state:ok within 30 s.`);
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}
