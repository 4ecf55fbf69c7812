// Inter-reader agreement over cell labels: Cohen's kappa and raw agreement
// for each pair of readers (over the cells both rated), Fleiss' kappa and
// the per-class kappas over the cells every reader rated, positive specific
// agreement per class, each pair's confusion matrix, and percentile
// bootstrap intervals. A bootstrap round resamples the compared cells (those
// rated by 2 or more readers) with replacement, and every statistic of the
// round is computed on that one resample. Cells are reduced to label
// patterns (rating-patterns.ts; bootstrap.ts says why), so a round costs one
// PRNG draw per cell plus a pass over the patterns; very large inputs run
// fewer rounds (the work cap, bootstrap.ts). A percentile interval is
// reported as computed: on tiny or lopsided samples it need not contain the
// estimate. Pure: no I/O; same ratings and seed, same report, whatever order
// the ratings come in.

import type { AgreementReport, ClassAgreement, Interval, ReaderPairAgreement, ReaderRating } from '../domain/agreement.ts';
import { CELL_CLASS_NAMES, type CellClassName } from '../domain/cell-class.ts';
import { mulberry32 } from '../domain/random.ts';
import { MAX_ROUNDS, percentileInterval, plannedRounds, resamplePatterns } from './bootstrap.ts';
import { categoryKappasFromSums, cohenFromFlat } from './kappa.ts';
import { CLASSES, PatternSums, patternsOf, ratingGrid, readerPairs, type Patterns } from './rating-patterns.ts';

export interface AgreementOptions {
  /** Bootstrap rounds (default 1,000; 0 = no intervals; the work cap in bootstrap.ts may run fewer). */
  rounds?: number;
  /** Two-sided confidence of the intervals, in (0, 1) (default 0.95). */
  confidence?: number;
  /** Seed of the bootstrap's PRNG (default 1). */
  seed?: number;
}

export const DEFAULT_AGREEMENT_OPTIONS = { rounds: 1000, confidence: 0.95, seed: 1 } as const;

function checkedOptions(options: AgreementOptions): Required<AgreementOptions> {
  const { rounds, confidence, seed } = { ...DEFAULT_AGREEMENT_OPTIONS, ...options };
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > MAX_ROUNDS) throw new RangeError(`rounds must be an integer from 0 to ${MAX_ROUNDS}, not ${rounds}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, not ${confidence}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, not ${seed}`);
  return { rounds, confidence, seed };
}

function confusionMatrix(sums: PatternSums, k: number): number[][] {
  return CELL_CLASS_NAMES.map((_, i) => CELL_CLASS_NAMES.map((__, j) => sums.confusion[k * CLASSES * CLASSES + i * CLASSES + j]!));
}

function perClassAgreement(sums: PatternSums, patterns: Patterns, pairCount: number, readers: number, fleissDefined: boolean): ClassAgreement[] {
  const disagreement = new Float64Array(CLASSES);
  for (let p = 0; p < patterns.count; p++) {
    if (patterns.full[p] === 0) continue;
    for (let j = 0; j < CLASSES; j++) {
      const n = patterns.classCounts[p * CLASSES + j]!;
      disagreement[j]! += patterns.observed[p]! * n * (readers - n);
    }
  }
  const kappas = fleissDefined ? categoryKappasFromSums(sums.fullCells, readers, sums.classTotals, disagreement) : [];
  return CELL_CLASS_NAMES.map((label: CellClassName, j) => {
    let agree = 0;
    let uses = 0;
    for (let k = 0; k < pairCount; k++) {
      const at = k * CLASSES * CLASSES;
      agree += sums.confusion[at + j * CLASSES + j]!;
      for (let i = 0; i < CLASSES; i++) uses += sums.confusion[at + j * CLASSES + i]! + sums.confusion[at + i * CLASSES + j]!;
    }
    return { label, kappa: kappas[j] ?? null, specificAgreement: uses === 0 ? null : (2 * agree) / uses };
  });
}

/** Agreement between the readers of `ratings`; see the file's opening comment. */
export function computeAgreement(ratings: readonly ReaderRating[], options: AgreementOptions = {}): AgreementReport {
  const { rounds, confidence, seed } = checkedOptions(options);
  const grid = ratingGrid(ratings);
  const readers = grid.readers.length;
  const pairs = readerPairs(readers);
  const patterns = patternsOf(grid, pairs);
  const statCount = 2 * pairs.length + 1;

  const sums = new PatternSums(patterns, pairs.length, readers);
  sums.add(patterns.observed);
  const estimates = new Float64Array(statCount);
  sums.statistics(estimates);

  const ran = plannedRounds(rounds, patterns.ofCell.length, patterns.count, pairs.length);
  const samples = new Float64Array(statCount * ran);
  const random = mulberry32(seed);
  const weights = new Int32Array(patterns.count);
  const round = new Float64Array(statCount);
  const resamples = new PatternSums(patterns, pairs.length, readers);
  for (let r = 0; r < ran; r++) {
    resamplePatterns(patterns.ofCell, random, weights);
    resamples.add(weights);
    resamples.statistics(round);
    for (let s = 0; s < statCount; s++) samples[s * ran + r] = round[s]!;
  }
  const interval = (s: number): Interval => {
    const estimate = estimates[s]!;
    if (Number.isNaN(estimate)) return { estimate: null, low: null, high: null };
    return { estimate, ...percentileInterval(samples.subarray(s * ran, (s + 1) * ran), confidence) };
  };

  const pairReports: ReaderPairAgreement[] = pairs.map(([a, b], k) => ({
    a: grid.readers[a]!,
    b: grid.readers[b]!,
    cells: cohenFromFlat(sums.confusion, CLASSES, k * CLASSES * CLASSES).items,
    observed: interval(2 * k),
    kappa: interval(2 * k + 1),
    confusion: confusionMatrix(sums, k),
  }));
  const fleissDefined = readers >= 2 && sums.fullCells > 0;
  return {
    readers: grid.readers,
    slides: patterns.slides,
    cells: patterns.ofCell.length,
    pairs: pairReports,
    fleiss: fleissDefined ? { cells: sums.fullCells, raters: readers, kappa: interval(2 * pairs.length) } : null,
    perClass: perClassAgreement(sums, patterns, pairs.length, readers, fleissDefined),
    classes: [...CELL_CLASS_NAMES],
    bootstrap: { rounds: ran, confidence, seed },
  };
}
