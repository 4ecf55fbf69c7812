// Inter-reader agreement: the kappa cores against published worked examples
// (Fleiss 1971, the Wikipedia Fleiss example, Cohen textbook tables, a SAS
// printout), then computeAgreement over ReaderRatings against hand-computed
// tables, its bootstrap intervals, and its refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReaderRating } from '../../../src-main/domain/agreement.ts';
import { CELL_CLASS_NAMES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import { seededRng } from '../../../src-main/domain/random.ts';
import { computeAgreement } from '../../../src-main/readers/agreement.ts';
import { MIN_CAPPED_ROUNDS, PATTERN_PAIR_COST, percentileInterval, plannedRounds, WORK_BUDGET } from '../../../src-main/readers/bootstrap.ts';
import { cohenKappaFromConfusion, fleissKappaFromCounts, itemAgreement } from '../../../src-main/readers/kappa.ts';

function close(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} +- ${tolerance}`);
}

// Fleiss (1971) Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
// (depression, personality disorder, schizophrenia, neurosis, other).
const FLEISS_1971: number[][] = [
  [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
  [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
  [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
  [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
  [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
  [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
];
// The same data rater by rater, as R's irr::diagnoses (and statsmodels' tests) hold it: an
// independent transcription, so a typo in either table fails the first test.
const DIAGNOSES_BY_RATER: number[][] = [
  [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
];

// Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
const WIKIPEDIA_FLEISS: number[][] = [
  [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
];

/** Overall kappa as Fleiss (1971) weights the category kappas: sum p_j q_j kappa_j / sum p_j q_j. */
function weightedCategoryKappa(counts: number[][], categoryKappas: (number | null)[]): number {
  const raters = counts[0]!.reduce((a, b) => a + b, 0);
  let top = 0;
  let bottom = 0;
  categoryKappas.forEach((k, j) => {
    const p = counts.reduce((s, row) => s + row[j]!, 0) / (counts.length * raters);
    top += p * (1 - p) * (k ?? 0);
    bottom += p * (1 - p);
  });
  return top / bottom;
}

test('Fleiss (1971) Table 1: kappa 0.430, category kappas .245 .245 .520 .471 .566', () => {
  const rebuilt = DIAGNOSES_BY_RATER.map((row) => [1, 2, 3, 4, 5].map((c) => row.filter((v) => v === c).length));
  assert.deepEqual(rebuilt, FLEISS_1971, 'the two transcriptions agree');
  assert.deepEqual([0, 1, 2, 3, 4].map((j) => FLEISS_1971.reduce((s, r) => s + r[j]!, 0)), [26, 26, 30, 55, 43]);

  const f = fleissKappaFromCounts(FLEISS_1971);
  assert.equal(f.items, 30);
  assert.equal(f.raters, 6);
  // Exact: P-bar = 5/9, P-bar-e = 7126/32400, kappa = 5437/12637 (irr: 0.4302445).
  close(f.observed, 5 / 9, 1e-15, 'P-bar');
  close(f.expected, 7126 / 32400, 1e-15, 'P-bar-e');
  close(f.kappa, 5437 / 12637, 1e-15, 'kappa');
  assert.equal(f.kappa!.toFixed(3), '0.430');
  assert.deepEqual(f.categoryKappas.map((k) => k!.toFixed(3)), ['0.245', '0.245', '0.520', '0.471', '0.566']);
  // To the digits R (irr, JASP) prints: 0.244755244755245, 0.52, 0.471127272727273, 0.566117806823969.
  [35 / 143, 35 / 143, 0.52, 0.471127272727273, 0.566117806823969].forEach((k, j) => close(f.categoryKappas[j], k, 1e-14, `category ${j + 1}`));
  close(weightedCategoryKappa(FLEISS_1971, f.categoryKappas), f.kappa!, 1e-14, 'kappa as weighted category kappas');
});

test('Wikipedia Fleiss example: P_i, p_j, P-bar 0.378, P-bar-e 0.213, kappa 0.210', () => {
  const f = fleissKappaFromCounts(WIKIPEDIA_FLEISS);
  assert.deepEqual(WIKIPEDIA_FLEISS.map((row) => itemAgreement(row, 14).toFixed(3)),
    ['1.000', '0.253', '0.308', '0.440', '0.330', '0.462', '0.242', '0.176', '0.286', '0.286']);
  assert.deepEqual([0, 1, 2, 3, 4].map((j) => (WIKIPEDIA_FLEISS.reduce((s, r) => s + r[j]!, 0) / 140).toFixed(3)),
    ['0.143', '0.200', '0.279', '0.150', '0.229']);
  assert.equal(f.observed!.toFixed(3), '0.378');
  assert.equal(f.expected!.toFixed(3), '0.213');
  assert.equal(f.kappa!.toFixed(3), '0.210');
  // Category kappas as Cardillo's fleiss.m (MATLAB File Exchange 15426) prints them for this table.
  assert.deepEqual(f.categoryKappas.map((k) => k!.toFixed(4)), ['0.2013', '0.0797', '0.1716', '0.0304', '0.5077']);
  close(weightedCategoryKappa(WIKIPEDIA_FLEISS, f.categoryKappas), f.kappa!, 1e-14, 'kappa as weighted category kappas');
});

test('Fleiss counts: unequal raters per item, fewer than 2 raters and non-counts are refused; edge cases are null', () => {
  assert.throws(() => fleissKappaFromCounts([[2, 1], [1, 1]]), { name: 'RangeError', message: /item 1 has 2 ratings, item 0 has 3/ });
  assert.throws(() => fleissKappaFromCounts([[1, 0], [0, 1]]), { name: 'RangeError', message: /needs 2 or more per item/ });
  assert.throws(() => fleissKappaFromCounts([[1.5, 0.5]]), { name: 'RangeError', message: /not a count/ });
  const same = fleissKappaFromCounts([[3, 0], [3, 0]]);
  assert.deepEqual([same.observed, same.expected, same.kappa, same.categoryKappas], [1, 1, null, [null, null]]);
  const one = fleissKappaFromCounts([[2, 1]]);
  assert.equal(one.kappa, null, 'one item');
  const perfect = fleissKappaFromCounts([[4, 0, 0], [0, 4, 0], [0, 0, 4], [4, 0, 0]]);
  assert.equal(perfect.kappa, 1);
  assert.deepEqual(perfect.categoryKappas, [1, 1, 1]);
});

test('Cohen: textbook 2 x 2 (50 items: 20 5 / 10 15) gives po 0.70, pe 0.50, kappa 0.40', () => {
  const c = cohenKappaFromConfusion([[20, 5], [10, 15]]);
  assert.equal(c.items, 50);
  close(c.observed, 0.7, 1e-15, 'po');
  close(c.expected, 0.5, 1e-15, 'pe');
  close(c.kappa, 0.4, 1e-15, 'kappa');
});

// Hand-computed: diagonal 38 of 50 (po 0.76); rows 13 24 8 5, columns 14 23 7 6,
// pe = (182 + 552 + 56 + 30) / 2500 = 0.328, kappa = 0.432 / 0.672 = 9/14.
const HAND_4X4 = [
  [10, 2, 0, 1],
  [3, 20, 1, 0],
  [0, 1, 5, 2],
  [1, 0, 1, 3],
];

test('Cohen: hand-computed 4 x 4 (kappa 9/14) and a SAS printout 3 x 3 (kappa 0.4842)', () => {
  const c = cohenKappaFromConfusion(HAND_4X4);
  close(c.observed, 0.76, 1e-15, 'po');
  close(c.expected, 0.328, 1e-15, 'pe');
  close(c.kappa, 9 / 14, 1e-15, 'kappa');
  // SAS "Simple Kappa Coefficient" for this table prints 0.4842 (kept in statsmodels' tests).
  assert.equal(cohenKappaFromConfusion([[0, 4, 1], [0, 8, 0], [0, 1, 5]]).kappa!.toFixed(4), '0.4842');
  assert.deepEqual(cohenKappaFromConfusion([[0, 0], [0, 0]]), { items: 0, observed: null, expected: null, kappa: null });
  assert.equal(cohenKappaFromConfusion([[5, 0], [0, 0]]).kappa, null, 'one class only: no chance-corrected agreement');
  assert.equal(cohenKappaFromConfusion([[0, 1], [0, 0]]).kappa, null, 'one item');
  assert.throws(() => cohenKappaFromConfusion([[1, 2], [3]]), RangeError);
});

/** Ratings of two readers whose confusion matrix is `table` (rows a, columns b). */
function ratingsFromConfusion(table: number[][], a = 'ann', b = 'bob', firstCell = 1): ReaderRating[] {
  const out: ReaderRating[] = [];
  let cellId = firstCell;
  table.forEach((row, i) => row.forEach((n, j) => {
    for (let k = 0; k < n; k++, cellId++) {
      out.push({ cellId, slideId: 10 + (cellId % 2), reader: a, label: CELL_CLASS_NAMES[i]! });
      out.push({ cellId, slideId: 10 + (cellId % 2), reader: b, label: CELL_CLASS_NAMES[j]! });
    }
  }));
  return out;
}

test('two readers: the pair is the hand 4 x 4 table; Fleiss is Scott\'s pi; specific agreement per class', () => {
  const report = computeAgreement(ratingsFromConfusion(HAND_4X4), { rounds: 200 });
  assert.deepEqual(report.readers, ['ann', 'bob']);
  assert.deepEqual(report.slides, [10, 11]);
  assert.equal(report.cells, 50);
  assert.deepEqual(report.classes, [...CELL_CLASS_NAMES]);
  assert.equal(report.pairs.length, 1);
  const pair = report.pairs[0]!;
  assert.deepEqual([pair.a, pair.b, pair.cells], ['ann', 'bob', 50]);
  assert.deepEqual(pair.confusion, HAND_4X4);
  close(pair.observed.estimate, 0.76, 1e-15, 'observed');
  close(pair.kappa.estimate, 9 / 14, 1e-15, 'kappa');
  // With two raters Fleiss' kappa is Scott's pi: pe from the pooled margins (27 47 15 11 of 100).
  assert.equal(report.fleiss?.cells, 50);
  assert.equal(report.fleiss?.raters, 2);
  close(report.fleiss?.kappa.estimate, (0.76 - 0.3284) / (1 - 0.3284), 1e-15, 'Scott\'s pi');
  assert.deepEqual(report.perClass.map((c) => c.label), [...CELL_CLASS_NAMES]);
  [20 / 27, 40 / 47, 10 / 15, 6 / 11].forEach((s, j) => close(report.perClass[j]!.specificAgreement, s, 1e-15, `specific ${j}`));
  // Fleiss' category kappas on the same cells as a count table.
  const counts = HAND_4X4.flatMap((row, i) => row.flatMap((n, j) => Array.from({ length: n }, () => {
    const c = [0, 0, 0, 0];
    c[i]!++;
    c[j]!++;
    return c;
  })));
  fleissKappaFromCounts(counts).categoryKappas.forEach((k, j) => close(report.perClass[j]!.kappa, k!, 1e-15, `class kappa ${j}`));
  assert.deepEqual(report.bootstrap, { rounds: 200, confidence: 0.95, seed: 1 });
});

test('three readers, partly overlapping: pairs over shared cells, Fleiss over cells all three rated', () => {
  const r = (cellId: number, reader: string, label: CellClassName, slideId = 1): ReaderRating => ({ cellId, slideId, reader, label });
  const ratings = [
    // Rated by all three: counts healthy/rubbish/unhealthy/bothcells per cell.
    r(1, 'cy', 'healthy'), r(1, 'al', 'healthy'), r(1, 'bo', 'healthy'), //    3 0 0 0
    r(2, 'al', 'rubbish'), r(2, 'bo', 'rubbish'), r(2, 'cy', 'healthy'), //    1 2 0 0
    r(3, 'al', 'unhealthy'), r(3, 'bo', 'bothcells'), r(3, 'cy', 'unhealthy'), // 0 0 2 1
    r(4, 'al', 'rubbish'), r(4, 'bo', 'rubbish'), r(4, 'cy', 'rubbish'), //    0 3 0 0
    // Only al and bo (slide 2); only cy (not compared at all, slide 3).
    r(5, 'al', 'healthy', 2), r(5, 'bo', 'rubbish', 2),
    r(6, 'cy', 'healthy', 3),
  ];
  const report = computeAgreement(ratings, { rounds: 0 });
  assert.deepEqual(report.readers, ['al', 'bo', 'cy']);
  assert.deepEqual(report.slides, [1, 2], 'slide 3 has no compared cell');
  assert.equal(report.cells, 5);
  assert.deepEqual(report.pairs.map((p) => [p.a, p.b, p.cells]), [['al', 'bo', 5], ['al', 'cy', 4], ['bo', 'cy', 4]]);
  assert.deepEqual(report.pairs[0]!.confusion, [[1, 1, 0, 0], [0, 2, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]);
  // al-bo: po 3/5; al rows 2 2 1 0, bo columns 1 3 0 1: pe = (2 + 6) / 25; kappa = (0.6 - 0.32) / 0.68.
  close(report.pairs[0]!.kappa.estimate, 0.28 / 0.68, 1e-15, 'al-bo kappa');
  const fleissCounts = [[3, 0, 0, 0], [1, 2, 0, 0], [0, 0, 2, 1], [0, 3, 0, 0]];
  const expected = fleissKappaFromCounts(fleissCounts);
  assert.deepEqual([report.fleiss?.cells, report.fleiss?.raters], [4, 3]);
  // Hand: P_i = 1, 1/3, 1/3, 1 (P-bar 2/3); p = 4/12 5/12 2/12 1/12 (P-bar-e 46/144).
  close(expected.kappa, (2 / 3 - 46 / 144) / (1 - 46 / 144), 1e-15, 'Fleiss by hand');
  close(report.fleiss?.kappa.estimate, expected.kappa!, 1e-15, 'Fleiss');
  expected.categoryKappas.forEach((k, j) => close(report.perClass[j]!.kappa, k!, 1e-15, `class kappa ${j}`));
  // Pooled over the three pairs: healthy agreed on in 1 + 1 + 1 cells (cell 1), used 2 + 1 (al-bo: cells 1, 5 and 1),
  // 1 + 2 (al-cy: cell 1 and cells 1, 2), 1 + 2 (bo-cy) times: 2 x 3 / 9.
  close(report.perClass[0]!.specificAgreement, 6 / 9, 1e-15, 'healthy specific agreement');
  assert.deepEqual(report.pairs[0]!.kappa, { estimate: report.pairs[0]!.kappa.estimate, low: null, high: null }, 'no rounds, no interval');
  assert.equal(report.bootstrap.rounds, 0);
});

test('perfect agreement: kappa 1 with the interval [1, 1]', () => {
  const report = computeAgreement(ratingsFromConfusion([[30, 0, 0, 0], [0, 40, 0, 0], [0, 0, 10, 0], [0, 0, 0, 5]]));
  assert.deepEqual(report.pairs[0]!.kappa, { estimate: 1, low: 1, high: 1 });
  assert.deepEqual(report.pairs[0]!.observed, { estimate: 1, low: 1, high: 1 });
  assert.deepEqual(report.fleiss?.kappa, { estimate: 1, low: 1, high: 1 });
  assert.deepEqual(report.perClass.map((c) => [c.kappa, c.specificAgreement]), [[1, 1], [1, 1], [1, 1], [1, 1]]);
});

test('one class only: agreement 1 but kappa undefined (null), not NaN', () => {
  const report = computeAgreement(ratingsFromConfusion([[0, 0, 0, 0], [0, 12, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]));
  assert.deepEqual(report.pairs[0]!.observed, { estimate: 1, low: 1, high: 1 });
  assert.deepEqual(report.pairs[0]!.kappa, { estimate: null, low: null, high: null });
  assert.deepEqual(report.fleiss?.kappa, { estimate: null, low: null, high: null });
  assert.deepEqual(report.perClass.map((c) => c.specificAgreement), [null, 1, null, null]);
  assert.deepEqual(report.perClass.map((c) => c.kappa), [null, null, null, null]);
});

/** `readers` readers label `cells` cells: each copies a hidden truth with probability `accuracy`, else guesses; some skip. */
function simulated(cells: number, readers: number, seed: number, accuracy = 0.8): ReaderRating[] {
  const rng = seededRng(seed);
  const out: ReaderRating[] = [];
  for (let c = 0; c < cells; c++) {
    const truth = rng.pick([0, 1, 1, 1, 0, 2, 3]);
    for (let r = 0; r < readers; r++) {
      if (rng.chance(0.05)) continue;
      const label = rng.chance(accuracy) ? truth : rng.int(0, 3);
      out.push({ cellId: 1000 + c, slideId: 1 + (c % 3), reader: `reader ${r}`, label: CELL_CLASS_NAMES[label]! });
    }
  }
  return out;
}

test('intervals: low <= estimate <= high, the seed repeats them, input order does not matter', () => {
  const ratings = simulated(600, 3, 5);
  const report = computeAgreement(ratings, { rounds: 500, seed: 9 });
  const intervals = [...report.pairs.flatMap((p) => [p.observed, p.kappa]), report.fleiss!.kappa];
  for (const i of intervals) {
    assert.ok(i.low !== null && i.estimate !== null && i.high !== null, JSON.stringify(i));
    assert.ok(i.low <= i.estimate && i.estimate <= i.high && i.low < i.high, JSON.stringify(i));
  }
  const shuffled = [...ratings];
  const rng = seededRng(3);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  assert.deepEqual(computeAgreement(shuffled, { rounds: 500, seed: 9 }), report, 'same seed, shuffled input: same report');
  const other = computeAgreement(ratings, { rounds: 500, seed: 10 });
  assert.equal(other.pairs[0]!.kappa.estimate, report.pairs[0]!.kappa.estimate);
  assert.notEqual(other.pairs[0]!.kappa.low, report.pairs[0]!.kappa.low, 'another seed, other resamples');
  const wider = computeAgreement(ratings, { rounds: 500, seed: 9, confidence: 0.99 });
  assert.ok(wider.pairs[0]!.kappa.low! < report.pairs[0]!.kappa.low! && wider.pairs[0]!.kappa.high! > report.pairs[0]!.kappa.high!);
});

test('the bootstrap resamples cells: the interval of raw agreement matches the binomial standard error', () => {
  // 2,000 cells, 1,600 agreed: se = sqrt(0.8 x 0.2 / 2000) = 0.00894, a 95% interval about 2 x 1.96 se = 0.0351 wide.
  const report = computeAgreement(ratingsFromConfusion([[800, 200, 0, 0], [200, 800, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), { rounds: 2000 });
  const { low, high, estimate } = report.pairs[0]!.observed;
  assert.equal(estimate, 0.8);
  const width = high! - low!;
  assert.ok(Math.abs(width - 0.0351) < 0.0351 * 0.12, `width ${width}`);
  assert.ok(Math.abs((low! + high!) / 2 - 0.8) < 0.003, `centre ${(low! + high!) / 2}`);
});

test('a rating given twice by one reader is refused, naming the cell and the reader', () => {
  const ratings = ratingsFromConfusion([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  ratings.push({ cellId: 3, slideId: 11, reader: 'bob', label: 'rubbish' });
  assert.throws(() => computeAgreement(ratings), { name: 'RangeError', message: 'cell 3 is rated twice by reader "bob"' });
  assert.throws(() => computeAgreement([{ cellId: 1, slideId: 1, reader: 'a', label: 'tumour' as CellClassName }]), { name: 'RangeError', message: /unknown class "tumour"/ });
  assert.throws(() => computeAgreement([
    { cellId: 1, slideId: 1, reader: 'a', label: 'healthy' }, { cellId: 1, slideId: 2, reader: 'b', label: 'healthy' },
  ]), { name: 'RangeError', message: 'cell 1 is rated on slide 1 and on slide 2' });
  for (const options of [{ rounds: -1 }, { rounds: 1.5 }, { confidence: 1 }, { confidence: 0 }, { seed: 0.5 }]) {
    assert.throws(() => computeAgreement([], options), RangeError, JSON.stringify(options));
  }
});

test('a single reader (or none): no pairs, no Fleiss, nothing compared', () => {
  const single = computeAgreement([
    { cellId: 1, slideId: 1, reader: 'solo', label: 'healthy' }, { cellId: 2, slideId: 1, reader: 'solo', label: 'rubbish' },
  ]);
  assert.deepEqual(single.readers, ['solo']);
  assert.deepEqual([single.pairs, single.fleiss, single.cells, single.slides], [[], null, 0, []]);
  assert.deepEqual(single.perClass.map((c) => [c.kappa, c.specificAgreement]), [[null, null], [null, null], [null, null], [null, null]]);
  const none = computeAgreement([]);
  assert.deepEqual([none.readers, none.pairs, none.fleiss, none.cells], [[], [], null, 0]);
});

test('two readers who never rated the same cell: the pair is there with no cells; Fleiss is null', () => {
  const report = computeAgreement([
    { cellId: 1, slideId: 1, reader: 'a', label: 'healthy' }, { cellId: 2, slideId: 1, reader: 'b', label: 'healthy' },
  ]);
  assert.equal(report.pairs.length, 1);
  assert.equal(report.pairs[0]!.cells, 0);
  assert.deepEqual(report.pairs[0]!.kappa, { estimate: null, low: null, high: null });
  assert.deepEqual(report.pairs[0]!.observed, { estimate: null, low: null, high: null });
  assert.equal(report.fleiss, null);
});

test('bootstrap helpers: type 7 percentiles without undefined rounds; the work cap', () => {
  const values = Float64Array.from({ length: 101 }, (_, i) => 101 - i);
  const interval = percentileInterval(values, 0.95);
  close(interval.low, 3.5, 1e-12, 'low');
  close(interval.high, 98.5, 1e-12, 'high');
  assert.deepEqual(percentileInterval(Float64Array.from([NaN, 2, NaN, 1]), 0.5), { low: 1.25, high: 1.75 });
  assert.deepEqual(percentileInterval(Float64Array.from([NaN]), 0.95), { low: null, high: null });
  assert.equal(plannedRounds(1000, 100_000, 125, 3), 1000, '100k cells, 3 readers: every round');
  const perRound = 500_000 + 125 * 4 * PATTERN_PAIR_COST;
  assert.equal(plannedRounds(1000, 500_000, 125, 3), Math.floor(WORK_BUDGET / perRound), 'half a million cells: what the budget affords');
  assert.ok(plannedRounds(1000, 500_000, 125, 3) >= MIN_CAPPED_ROUNDS && plannedRounds(1000, 500_000, 125, 3) < 1000);
  assert.equal(plannedRounds(1000, 10_000_000, 125, 3), 0, 'too big for even the minimum: estimates only');
  assert.equal(plannedRounds(1000, 20_000, 20_000, 4950), 0, '100 readers, every cell its own pattern');
  assert.equal(plannedRounds(0, 10_000_000, 125, 3), 0);
  assert.equal(plannedRounds(50, 1_000_000, 125, 3), 50, 'never more than asked');
  assert.equal(computeAgreement(simulated(50, 2, 1), { rounds: 100_000 }).bootstrap.rounds, 100_000, 'small inputs run every round asked for');
});
