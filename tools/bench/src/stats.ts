/** The spread of one figure over a scenario's runs. */
export interface Summary {
  readonly runs: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('Cannot summarize an empty set of samples.');
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, min: sorted[0]!, median: percentileOfSorted(sorted, 50), max: sorted[sorted.length - 1]! };
}

export function median(samples: readonly number[]): number {
  return summarize(samples).median;
}

/**
 * `median(numerator) / median(denominator)`: the comparison the report makes. Medians of
 * alternating runs rather than a mean, so that one run disturbed by another process on the machine
 * moves neither side.
 */
export function ratioOfMedians(numerator: readonly number[], denominator: readonly number[]): number {
  return median(numerator) / median(denominator);
}

/** The `p`th percentile (0–100) of already sorted values, interpolating between neighbours. */
function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('Cannot take a percentile of no values.');
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

