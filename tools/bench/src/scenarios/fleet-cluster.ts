import { startEmulator } from '@aps-ssa/emulator';
import { formatNumber, formatRatio } from '../format.js';
import { startRedisCluster } from '../redis-cluster.js';
import { redisServerMissing, startRedisServer } from '../redis-server.js';
import { figure, ratio, skipped } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { type FleetOutcome, runFleet } from './fleet.js';

const SETTINGS = {
  full: { size: 8, coldStarts: 5, loadRounds: 2, tokenLifetime: 4, loadSeconds: 5 },
  quick: { size: 4, coldStarts: 1, loadRounds: 1, tokenLifetime: 4, loadSeconds: 4 },
};
const TARGETS = { single: 'one Redis', cluster: 'Redis Cluster (3 masters, 3 replicas)' } as const;
type Target = keyof typeof TARGETS;

export const fleetCluster: Scenario = {
  id: 'fleet-cluster',
  title: 'Fleet on a Redis Cluster next to one Redis',
  question: 'Does a fleet sharing through a Redis Cluster still spend one exchange per refresh, and how soon does every instance have a token?',
  async run({ quick, log }) {
    const missing = redisServerMissing();
    if (missing !== undefined) return skipped(`redis-server not found (${missing})`);
    const { size, coldStarts, loadRounds, tokenLifetime, loadSeconds } = quick ? SETTINGS.quick : SETTINGS.full;
    const [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
    // No rate limit: the scenario counts the exchanges the fleet asks for.
    const emulator = await startEmulator({ port: 0, rateLimit: 0, tokenLifetime });
    try {
      const outcomes = {} as Record<Target, FleetOutcome>;
      const options = { coldStarts, loadRounds, loadSeconds, prefix: `bench-cluster-${size}-` };
      for (const target of ['single', 'cluster'] as const) {
        log(`  ${size} processes on ${TARGETS[target]}: ${coldStarts} cold start(s), ${loadRounds} of them followed by ${loadSeconds} s of load`);
        outcomes[target] = await runFleet(emulator, size, target === 'single' ? redis.port : { REDIS_CLUSTER_NODES: JSON.stringify(cluster.nodes) }, options);
      }
      const per = (target: Target, what: string, unit: string, samples: number[]) => figure(`N=${size}, ${TARGETS[target]}: ${what}`, unit, samples);
      const cycle = { single: per('single', 'exchanges per refresh cycle', 'exchanges', outcomes.single.exchangesPerCycle), cluster: per('cluster', 'exchanges per refresh cycle', 'exchanges', outcomes.cluster.exchangesPerCycle) };
      const ready = { single: per('single', 'time until every instance has a token', 'ms', outcomes.single.firstTokenMs), cluster: per('cluster', 'time until every instance has a token', 'ms', outcomes.cluster.firstTokenMs) };
      const failures = outcomes.single.failures + outcomes.cluster.failures;
      const readyRatio = ratio(`N=${size}: time until every instance has a token, Cluster / one Redis`, ready.cluster, ready.single);
      return {
        figures: [
          per('single', 'exchanges at cold start', 'exchanges', outcomes.single.coldExchanges),
          per('cluster', 'exchanges at cold start', 'exchanges', outcomes.cluster.coldExchanges),
          cycle.single,
          cycle.cluster,
          ready.single,
          ready.cluster,
          figure('failed getToken() calls under load, both', 'calls', [failures]),
        ],
        ratios: [ratio(`N=${size}: exchanges per refresh cycle, Cluster / one Redis`, cycle.cluster, cycle.single), readyRatio],
        reading: [
          `With ${size} instances, each refresh cycle costs ${formatNumber(median(cycle.cluster.samples))} exchanges on the Cluster and ` +
            `${formatNumber(median(cycle.single.samples))} on one Redis; every instance has its token ${formatNumber(median(ready.cluster.samples))} ms after a cold start on the ` +
            `Cluster against ${formatNumber(median(ready.single.samples))} ms on one Redis (${formatRatio(readyRatio.value)}). ` +
            (failures === 0 ? 'No getToken() call failed under load.' : `${failures} getToken() calls failed under load.`),
        ],
        parameters: {
          'cold starts per target (after one unmeasured)': coldStarts,
          'load runs per target': loadRounds,
          'token lifetime (s)': tokenLifetime,
          'load per run (s)': loadSeconds,
          cluster: '6 redis-server --cluster-enabled yes on loopback, joined by redis-cli --cluster create --cluster-replicas 1',
        },
      };
    } finally {
      await emulator.close();
      await Promise.all([redis.stop(), cluster.stop()]);
    }
  },
};
