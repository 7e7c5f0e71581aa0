import { ratioOfMedians } from './stats.js';

/** One measured quantity: a sample per run. */
export interface Figure {
  readonly label: string;
  readonly unit: string;
  readonly samples: readonly number[];
}

/** `median(numerator) / median(denominator)` of two figures of the same scenario. */
export interface Ratio {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly value: number;
}

export interface ScenarioResult {
  readonly figures: readonly Figure[];
  readonly ratios: readonly Ratio[];
  /** What the figures mean, numbers included: written under the tables. */
  readonly reading: readonly string[];
  /** How it was measured (concurrency, durations, sizes), shown beside the figures. */
  readonly parameters: Readonly<Record<string, string | number>>;
  /** Why it did not run (a missing `redis-server`): not a failure. */
  readonly skipped?: string;
}

export interface ScenarioContext {
  /** The `--quick` smoke run: fewer and shorter runs; the figures are not worth publishing. */
  readonly quick: boolean;
  /** Progress output (stderr), so that stdout carries only the figures. */
  log(message: string): void;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The user's question it answers. */
  readonly question: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

export function figure(label: string, unit: string, samples: readonly number[]): Figure {
  return { label, unit, samples };
}

export function ratio(label: string, numerator: Figure, denominator: Figure): Ratio {
  return { label, numerator: numerator.label, denominator: denominator.label, value: ratioOfMedians(numerator.samples, denominator.samples) };
}

export function skipped(reason: string): ScenarioResult {
  return { figures: [], ratios: [], reading: [], parameters: {}, skipped: reason };
}
