import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { sleep } from './measure.js';
import { startRedisServer } from './redis-server.js';

const REDIS_CLI = process.env.REDIS_CLI_BIN ?? 'redis-cli';

/** A throw-away Redis Cluster on loopback: 3 masters and 3 replicas, without persistence. */
export interface RedisCluster {
  readonly nodes: readonly { host: '127.0.0.1'; port: number }[];
  stop(): Promise<void>;
}

/** Starts six `redis-server --cluster-enabled yes`, joins them with `redis-cli --cluster create`, and waits for `cluster_state:ok`. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const servers = await Promise.all(
    Array.from({ length: 6 }, () => startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'])),
  );
  const stop = async (): Promise<void> => void (await Promise.all(servers.map((s) => s.stop())));
  try {
    await promisify(execFile)(REDIS_CLI, ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '1', '--cluster-yes']);
    for (const { port } of servers) {
      const node = new Redis(port, '127.0.0.1');
      try {
        while (!((await node.cluster('INFO')) as string).includes('cluster_state:ok')) await sleep(100);
      } finally {
        node.disconnect();
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), stop };
}
