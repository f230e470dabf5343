/** Order statistics of a benchmark's repetitions. Pure; the harness and its unit tests use it. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many repetitions the figures summarise. */
  n: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread() of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** The p-th percentile (0..100) by nearest rank, for latency samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile() of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The order in which contenders run in each repetition: rotated every round, so neither a warming
 * machine nor a filling store always favours the same contender.
 */
export function alternation(contenders: number, rounds: number): number[][] {
  return Array.from({ length: rounds }, (_, round) => Array.from({ length: contenders }, (_, i) => (i + round) % contenders));
}

/** a/b of two medians, or undefined when b is 0 or missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}
