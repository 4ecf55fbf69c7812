// Percentile bootstrap over items that have been reduced to patterns: every
// statistic of the agreement report depends on a cell only through its
// pattern (the tuple of readers' labels), so a resample is a count per
// pattern, drawn in O(items) with typed arrays, and each statistic is then
// computed in O(patterns). With 3 readers there are at most 5^3 = 125
// patterns, whatever the number of cells.

/** Requests above this many rounds are refused (they buy nothing a percentile interval needs). */
export const MAX_ROUNDS = 100_000;
/**
 * Work cap, in units of one resampled item (a PRNG draw and a count: about
 * 15 ns on the 2-core dev machine, 25 ns once the item array outgrows the
 * cache). A round costs one unit per item plus PATTERN_PAIR_COST per pattern
 * and reader pair (measured 0.1 to 0.2 units: typed-array adds); rounds x
 * that stays under WORK_BUDGET, 3 to 5 s. Measured with 1,000 rounds asked:
 * 20,000 cells x 3 readers 0.35 s, 100,000 x 3 1.6 s (1.0e8 units, not cut),
 * 500,000 x 3 runs 399 rounds in 6.1 s (1.1 s of it reading the ratings).
 * A larger request runs the rounds the budget affords if that is at least
 * MIN_CAPPED_ROUNDS (fewer give ragged percentiles), else none: estimates
 * without intervals. The report's bootstrap.rounds says how many ran.
 */
export const WORK_BUDGET = 2e8;
export const PATTERN_PAIR_COST = 0.25;
export const MIN_CAPPED_ROUNDS = 200;

/** Rounds to run for a request, under the work cap. */
export function plannedRounds(requested: number, items: number, patterns: number, pairs: number): number {
  const perRound = items + patterns * (pairs + 1) * PATTERN_PAIR_COST;
  if (requested * perRound <= WORK_BUDGET) return requested;
  const affordable = Math.floor(WORK_BUDGET / perRound);
  return affordable >= MIN_CAPPED_ROUNDS ? affordable : 0;
}

/**
 * One resample with replacement: `into[p]` becomes how many of `items` draws
 * fell on an item of pattern p. `patternOfItem` maps item -> pattern.
 */
export function resamplePatterns(patternOfItem: Int32Array, random: () => number, into: Int32Array): void {
  into.fill(0);
  const n = patternOfItem.length;
  for (let i = 0; i < n; i++) into[patternOfItem[Math.floor(random() * n)]!]!++;
}

/** Type 7 quantile (linear between order statistics, as R's default) of ascending values. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}

/**
 * Two-sided percentile interval of bootstrap values; NaN marks a round where
 * the statistic was undefined and is left out. Nulls when no round had a value.
 */
export function percentileInterval(values: Float64Array, confidence: number): { low: number | null; high: number | null } {
  const defined = values.filter((v) => !Number.isNaN(v)).sort();
  if (defined.length === 0) return { low: null, high: null };
  const tail = (1 - confidence) / 2;
  return { low: quantileOfSorted(defined, tail), high: quantileOfSorted(defined, 1 - tail) };
}
