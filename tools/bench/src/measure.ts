import { performance } from 'node:perf_hooks';
import { figure } from './scenario.js';
import type { Figure } from './scenario.js';

/** One operation to time: its result is awaited (a plain value costs one microtask). */
export type Operation = () => unknown;

type Loop = (operation: Operation, iterations: number) => Promise<void>;

/**
 * A loop of its own for each operation. Closures made by one function literal share V8's type
 * feedback, so a loop shared by several operations turns polymorphic and taxes them all, the
 * floor included; compiling the same source once per operation gives each a monomorphic call
 * site, which is how benchmark.js keeps its cases apart too.
 */
function compileLoop(): Loop {
  return new Function('return async function loop(operation, iterations) { for (let i = 0; i < iterations; i++) await operation(); };')() as Loop;
}

/** A named operation with its own loop (see {@link compileLoop}). */
export interface Benchmark {
  readonly label: string;
  readonly operation: Operation;
  readonly loop: Loop;
}

export function benchmark(label: string, operation: Operation): Benchmark {
  return { label, operation, loop: compileLoop() };
}

/**
 * Operations per second of `bench` over about `durationMs`. The clock is read between batches, not
 * per operation: reading it costs about as much as the fastest operations measured here.
 */
export async function opsPerSecond(bench: Benchmark, durationMs: number): Promise<number> {
  collectGarbage();
  let batch = 16;
  let operations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    await bench.loop(bench.operation, batch);
    operations += batch;
    elapsed = performance.now() - started;
    // Batches grow until each takes about a hundredth of the sample, so that the clock costs nothing.
    if (elapsed * 100 < durationMs && batch < 1 << 20) batch *= 2;
  }
  return operations / (elapsed / 1000);
}

/**
 * Runs `measure` on every item, round after round, starting each round one item further along
 * (A B C, B C A, C A B...), so that neither a slow drift of the machine nor the position in a round
 * favours one side. Returns the samples of each item under its key.
 */
export async function alternate<K extends string, T, R = number>(
  items: Readonly<Record<K, T>>,
  rounds: number,
  measure: (item: T, key: K, round: number) => Promise<R>,
): Promise<Record<K, R[]>> {
  const keys = Object.keys(items) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as R[]])) as Record<K, R[]>;
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < keys.length; step++) {
      const key = keys[(round + step) % keys.length]!;
      samples[key].push(await measure(items[key], key, round));
    }
  }
  return samples;
}

/** Operations per second of each benchmark over alternating rounds (after a warm-up), as figures under the same keys. */
export async function compareOperations<K extends string>(benches: Readonly<Record<K, Benchmark>>, rounds: number, sampleMs: number): Promise<Record<K, Figure>> {
  for (const bench of Object.values<Benchmark>(benches)) await opsPerSecond(bench, sampleMs / 2);
  const samples = await alternate(benches, rounds, (bench) => opsPerSecond(bench, sampleMs));
  return mapValues(benches, (bench, key) => figure(bench.label, 'ops/s', samples[key]));
}

/** `{ k: f(v, k) }` for every `{ k: v }`. */
export function mapValues<K extends string, T, U>(record: Readonly<Record<K, T>>, map: (value: T, key: K) => U): Record<K, U> {
  return Object.fromEntries((Object.keys(record) as K[]).map((key) => [key, map(record[key], key)])) as Record<K, U>;
}

/** A full collection, when the process runs with `--expose-gc` (as `npm run bench` does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
