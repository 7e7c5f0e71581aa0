import { cpus, getPriority, loadavg, totalmem, type as osType, release } from 'node:os';

/** What the figures were measured on: they only compare with figures from the same machine and run. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  /** The 1-minute load average when the run started: above the core count, other work was competing. */
  readonly loadAverage: number;
  /** The bench's niceness: below 0, it was scheduled ahead of the machine's other work. */
  readonly nice: number;
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverage: currentLoadAverage(),
    nice: getPriority(),
  };
}

/** The 1-minute load average, rounded to hundredths. */
export function currentLoadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
