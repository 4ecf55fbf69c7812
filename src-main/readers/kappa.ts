// Chance-corrected agreement on count tables: Cohen's kappa for two readers
// (Cohen 1960) and Fleiss' kappa with its per-category kappas for a fixed
// number of raters per item (Fleiss 1971, Psychological Bulletin 76(5)).
// The table functions check their input; the sum functions are what the
// bootstrap calls each round on weighted sums, so estimate and interval run
// the same arithmetic.

/** 1 - chance agreement below this counts as zero: kappa is then undefined. */
const NO_CHANCE_ROOM = 1e-12;
/** Kappa needs at least this many items (one item has no variance to correct for). */
export const MIN_KAPPA_ITEMS = 2;

export interface CohenKappa {
  items: number;
  /** Proportion of items on the diagonal; null with no items. */
  observed: number | null;
  /** Chance agreement from the two margins; null with no items. */
  expected: number | null;
  kappa: number | null;
}

export interface FleissKappa {
  items: number;
  raters: number;
  /** P-bar: mean agreement between pairs of raters of an item. */
  observed: number | null;
  /** P-bar-e: sum of squared category shares. */
  expected: number | null;
  kappa: number | null;
  /** Fleiss (1971) kappa of each category against the rest; null where a category's share is 0 or 1. */
  categoryKappas: (number | null)[];
}

function kappaOf(items: number, observed: number, expected: number): number | null {
  if (items < MIN_KAPPA_ITEMS || 1 - expected < NO_CHANCE_ROOM) return null;
  return (observed - expected) / (1 - expected);
}

/**
 * Cohen's kappa of a k x k table held flat from `offset` (row-major: rows the
 * first reader's category, columns the second's). Counts may be weights.
 */
export function cohenFromFlat(table: ArrayLike<number>, k: number, offset = 0): CohenKappa {
  let items = 0;
  let diagonal = 0;
  let chance = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    let column = 0;
    for (let j = 0; j < k; j++) {
      row += table[offset + i * k + j]!;
      column += table[offset + j * k + i]!;
    }
    items += row;
    diagonal += table[offset + i * k + i]!;
    chance += row * column;
  }
  if (items === 0) return { items, observed: null, expected: null, kappa: null };
  const observed = diagonal / items;
  const expected = chance / (items * items);
  return { items, observed, expected, kappa: kappaOf(items, observed, expected) };
}

/** Cohen's kappa of a square confusion table (rows reader A, columns reader B). */
export function cohenKappaFromConfusion(confusion: readonly (readonly number[])[]): CohenKappa {
  const k = confusion.length;
  const flat = new Float64Array(k * k);
  confusion.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`confusion row ${i} has ${row.length} columns, expected ${k}`);
    row.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`confusion[${i}][${j}] is ${v}, not a count`);
      flat[i * k + j] = v;
    });
  });
  return cohenFromFlat(flat, k);
}

/** Agreement of one item's raters: the share of rater pairs that agree, (sum n_j^2 - n) / (n (n - 1)). */
export function itemAgreement(counts: ArrayLike<number>, raters: number, offset = 0, k = counts.length): number {
  let squares = 0;
  for (let j = 0; j < k; j++) squares += counts[offset + j]! * counts[offset + j]!;
  return (squares - raters) / (raters * (raters - 1));
}

/**
 * Fleiss' overall kappa from sums over items (each item counted with its weight):
 * `agreementSum` = sum of itemAgreement, `categoryTotals[j]` = sum of n_ij.
 */
export function fleissFromSums(items: number, raters: number, agreementSum: number, categoryTotals: ArrayLike<number>): { observed: number | null; expected: number | null; kappa: number | null } {
  if (items === 0) return { observed: null, expected: null, kappa: null };
  const ratings = items * raters;
  let expected = 0;
  for (let j = 0; j < categoryTotals.length; j++) {
    const share = categoryTotals[j]! / ratings;
    expected += share * share;
  }
  const observed = agreementSum / items;
  return { observed, expected, kappa: kappaOf(items, observed, expected) };
}

/**
 * Fleiss (1971) eq. 17: kappa_j = 1 - sum_i n_ij (n - n_ij) / (N n (n - 1) p_j q_j),
 * from `disagreementSums[j]` = sum_i n_ij (n - n_ij).
 */
export function categoryKappasFromSums(items: number, raters: number, categoryTotals: ArrayLike<number>, disagreementSums: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = [];
  for (let j = 0; j < categoryTotals.length; j++) {
    const p = items === 0 ? 0 : categoryTotals[j]! / (items * raters);
    const spread = p * (1 - p);
    out.push(items < MIN_KAPPA_ITEMS || spread < NO_CHANCE_ROOM
      ? null
      : 1 - disagreementSums[j]! / (items * raters * (raters - 1) * spread));
  }
  return out;
}

/**
 * Fleiss' kappa of an items x categories count table (n_ij = raters who put
 * item i in category j). Every row must sum to the same number of raters, 2 or more.
 */
export function fleissKappaFromCounts(counts: readonly (readonly number[])[]): FleissKappa {
  const k = counts[0]?.length ?? 0;
  const raters = counts[0]?.reduce((a, b) => a + b, 0) ?? 0;
  if (counts.length > 0 && raters < 2) throw new RangeError(`item 0 has ${raters} ratings; Fleiss' kappa needs 2 or more per item`);
  const totals = new Float64Array(k);
  const disagreement = new Float64Array(k);
  let agreementSum = 0;
  counts.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`item ${i} has ${row.length} categories, expected ${k}`);
    let sum = 0;
    row.forEach((n, j) => {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`count [${i}][${j}] is ${n}, not a count`);
      sum += n;
      totals[j]! += n;
      disagreement[j]! += n * (raters - n);
    });
    if (sum !== raters) throw new RangeError(`item ${i} has ${sum} ratings, item 0 has ${raters}: Fleiss' kappa needs the same number per item`);
    agreementSum += itemAgreement(row, raters);
  });
  const overall = fleissFromSums(counts.length, raters, agreementSum, totals);
  return {
    items: counts.length,
    raters,
    ...overall,
    categoryKappas: categoryKappasFromSums(counts.length, raters, totals, disagreement),
  };
}
