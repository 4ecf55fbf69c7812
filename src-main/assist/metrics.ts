// How well a score ranks cells, for the assist benchmark and, later, for the
// agreement report (how often readers took the suggestions). Pure.

/**
 * ROC AUC: the chance that a random positive scores above a random negative (ties count half),
 * by the rank-sum (Mann-Whitney U) formula with mid-ranks for ties. Null without positives or negatives.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  if (scores.length !== positive.length) throw new RangeError(`rocAuc: ${scores.length} scores for ${positive.length} truths`);
  const n = scores.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i]!)) throw new RangeError(`rocAuc: score ${i} is NaN`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && scores[order[j]!] === scores[order[i]!]) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (positive[order[k]!]) { positives++; rankSum += midRank; }
    i = j;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of the positives found in the first `share` of a ranked list (rounded up to whole rows). */
export function recallInTop(ranked: ArrayLike<number>, isPositive: (row: number) => boolean, share: number): { found: number; positives: number; inspected: number } {
  if (!(share > 0 && share <= 1)) throw new RangeError(`recallInTop: share must be in (0, 1], got ${share}`);
  const inspected = Math.ceil(share * ranked.length);
  let found = 0;
  let positives = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (!isPositive(ranked[i]!)) continue;
    positives++;
    if (i < inspected) found++;
  }
  return { found, positives, inspected };
}
