// The ratings behind an agreement report, reduced for the bootstrap: a
// cells x readers grid of class indices (ratingGrid, which refuses a second
// rating of a cell by one reader), the compared cells as label patterns
// (patternsOf), and the weighted sums over patterns that every statistic is
// computed from (PatternSums), for the observed counts and for each resample.

import type { ReaderRating } from '../domain/agreement.ts';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import { cohenFromFlat, fleissFromSums, itemAgreement } from './kappa.ts';

export const CLASSES = CELL_CLASS_NAMES.length;
const CLASS_INDEX = new Map<string, number>(CELL_CLASS_NAMES.map((name, i) => [name, i]));
const NO_LABEL = -1;

/** Ratings as a cells x readers grid of class indices, cells by ascending id. */
export interface RatingGrid {
  readers: string[];
  cellIds: number[];
  slideOf: Map<number, number>;
  /** labels[cell * readers.length + reader], NO_LABEL where unrated. */
  labels: Int8Array;
}

/** The compared cells as patterns (one per distinct tuple of labels), with what each statistic needs of a pattern. */
export interface Patterns {
  count: number;
  /** Pattern of each compared cell: the bootstrap resamples these. */
  ofCell: Int32Array;
  /** Observed cells per pattern. */
  observed: Int32Array;
  /** Per pattern and pair: a's class x CLASSES + b's class, or -1 where the pair did not both rate. */
  pairCode: Int8Array;
  /** 1 where every reader rated the pattern's cells. */
  full: Uint8Array;
  /** Per full pattern: readers per class, and itemAgreement of those counts. */
  classCounts: Float64Array;
  agreement: Float64Array;
  slides: number[];
}

export function ratingGrid(ratings: readonly ReaderRating[]): RatingGrid {
  const readerSet = new Set<string>();
  const slideOf = new Map<number, number>();
  for (const r of ratings) {
    if (!CLASS_INDEX.has(r.label)) throw new RangeError(`cell ${r.cellId} by reader "${r.reader}": unknown class "${String(r.label)}"`);
    if (!Number.isInteger(r.cellId)) throw new RangeError(`cell id ${r.cellId} is not an integer`);
    const slide = slideOf.get(r.cellId);
    if (slide !== undefined && slide !== r.slideId) throw new RangeError(`cell ${r.cellId} is rated on slide ${slide} and on slide ${r.slideId}`);
    slideOf.set(r.cellId, r.slideId);
    readerSet.add(r.reader);
  }
  const readers = [...readerSet].sort();
  const readerIndex = new Map(readers.map((name, i) => [name, i]));
  const cellIds = [...slideOf.keys()].sort((a, b) => a - b);
  const cellIndex = new Map(cellIds.map((id, i) => [id, i]));
  const labels = new Int8Array(cellIds.length * readers.length).fill(NO_LABEL);
  for (const r of ratings) {
    const at = cellIndex.get(r.cellId)! * readers.length + readerIndex.get(r.reader)!;
    if (labels[at] !== NO_LABEL) throw new RangeError(`cell ${r.cellId} is rated twice by reader "${r.reader}"`);
    labels[at] = CLASS_INDEX.get(r.label)!;
  }
  return { readers, cellIds, slideOf, labels };
}

/** Reader pairs (a < b) in report order. */
export function readerPairs(readers: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < readers; a++) for (let b = a + 1; b < readers; b++) pairs.push([a, b]);
  return pairs;
}

export function patternsOf(grid: RatingGrid, pairs: readonly [number, number][]): Patterns {
  const readers = grid.readers.length;
  const index = new Map<string, number>();
  const tuples: number[] = [];
  const ofCell: number[] = [];
  const observed: number[] = [];
  const slides = new Set<number>();
  for (let cell = 0; cell < grid.cellIds.length; cell++) {
    let rated = 0;
    let key = '';
    for (let r = 0; r < readers; r++) {
      const label = grid.labels[cell * readers + r]!;
      if (label !== NO_LABEL) rated++;
      key += String.fromCharCode(66 + label);
    }
    if (rated < 2) continue;
    let p = index.get(key);
    if (p === undefined) {
      p = index.size;
      index.set(key, p);
      for (let r = 0; r < readers; r++) tuples.push(grid.labels[cell * readers + r]!);
      observed.push(0);
    }
    observed[p]!++;
    ofCell.push(p);
    slides.add(grid.slideOf.get(grid.cellIds[cell]!)!);
  }
  const count = index.size;
  const pairCode = new Int8Array(count * pairs.length).fill(-1);
  const full = new Uint8Array(count);
  const classCounts = new Float64Array(count * CLASSES);
  const agreement = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const label = (r: number) => tuples[p * readers + r]!;
    pairs.forEach(([a, b], k) => {
      if (label(a) !== NO_LABEL && label(b) !== NO_LABEL) pairCode[p * pairs.length + k] = label(a) * CLASSES + label(b);
    });
    let rated = 0;
    for (let r = 0; r < readers; r++) if (label(r) !== NO_LABEL) rated++;
    if (rated !== readers) continue;
    full[p] = 1;
    for (let r = 0; r < readers; r++) classCounts[p * CLASSES + label(r)]!++;
    agreement[p] = itemAgreement(classCounts, readers, p * CLASSES, CLASSES);
  }
  return {
    count, ofCell: Int32Array.from(ofCell), observed: Int32Array.from(observed), pairCode, full, classCounts, agreement,
    slides: [...slides].sort((a, b) => a - b),
  };
}

/** Weighted sums over patterns that every statistic is computed from. */
export class PatternSums {
  /** Per pair, a CLASSES x CLASSES confusion table. */
  readonly confusion: Float64Array;
  readonly classTotals = new Float64Array(CLASSES);
  fullCells = 0;
  agreementSum = 0;

  constructor(private readonly patterns: Patterns, private readonly pairCount: number, private readonly readers: number) {
    this.confusion = new Float64Array(pairCount * CLASSES * CLASSES);
  }

  add(weights: Int32Array): void {
    const { patterns, pairCount } = this;
    this.confusion.fill(0);
    this.classTotals.fill(0);
    this.fullCells = 0;
    this.agreementSum = 0;
    for (let p = 0; p < patterns.count; p++) {
      const w = weights[p]!;
      if (w === 0) continue;
      for (let k = 0; k < pairCount; k++) {
        const code = patterns.pairCode[p * pairCount + k]!;
        if (code >= 0) this.confusion[k * CLASSES * CLASSES + code]! += w;
      }
      if (patterns.full[p] === 0) continue;
      this.fullCells += w;
      this.agreementSum += w * patterns.agreement[p]!;
      for (let j = 0; j < CLASSES; j++) this.classTotals[j]! += w * patterns.classCounts[p * CLASSES + j]!;
    }
  }

  /** Writes [observed, kappa] per pair, then Fleiss' kappa; NaN where undefined. */
  statistics(out: Float64Array): void {
    for (let k = 0; k < this.pairCount; k++) {
      const cohen = cohenFromFlat(this.confusion, CLASSES, k * CLASSES * CLASSES);
      out[2 * k] = cohen.observed ?? NaN;
      out[2 * k + 1] = cohen.kappa ?? NaN;
    }
    out[2 * this.pairCount] = this.readers < 2 ? NaN : fleissFromSums(this.fullCells, this.readers, this.agreementSum, this.classTotals).kappa ?? NaN;
  }
}
