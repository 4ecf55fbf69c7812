// Inter-reader agreement: the ratings it is computed from and the report it
// gives (readers/agreement.ts computes it, cli/agreement-text.ts and the
// renderer's agreement view show it). Types only, so every side shares them.

import type { CellClassName } from './cell-class.ts';

/** One reader's label of one cell. At most one per (cellId, reader). */
export interface ReaderRating {
  cellId: number;
  slideId: number;
  reader: string;
  label: CellClassName;
}

/**
 * A statistic with its bootstrap interval. Each part is null where it is not
 * defined: kappa over fewer than 2 cells or with chance agreement 1 (every
 * label the same class), an interval with no bootstrap rounds or none where
 * the statistic was defined.
 */
export interface Interval {
  estimate: number | null;
  low: number | null;
  high: number | null;
}

/** Two readers over the cells both rated. */
export interface ReaderPairAgreement {
  /** The readers, a < b in the report's reader order. */
  a: string;
  b: string;
  cells: number;
  /** Proportion of the shared cells given the same class. */
  observed: Interval;
  /** Cohen's kappa. */
  kappa: Interval;
  /** Cell counts: rows are a's class, columns b's class, both in CELL_CLASS_NAMES order. */
  confusion: number[][];
}

export interface ClassAgreement {
  label: CellClassName;
  /** Fleiss (1971) kappa of this class against the rest, over the cells every reader rated. */
  kappa: number | null;
  /**
   * Positive specific agreement, pooled over every pair: 2 x (cells both readers gave this class)
   * / (the two readers' uses of this class), summed over pairs. Null when no reader used the class.
   */
  specificAgreement: number | null;
}

export interface AgreementReport {
  /** Every reader in the ratings, sorted (code unit order). */
  readers: string[];
  /** The slides of the compared cells (those rated by 2 or more readers), ascending. */
  slides: number[];
  /** Cells rated by 2 or more readers; the bootstrap resamples these. */
  cells: number;
  /** Every pair of readers, in reader order (a before b). */
  pairs: ReaderPairAgreement[];
  /** Fleiss' kappa over the cells every reader rated; null with fewer than 2 readers or no such cell. */
  fleiss: { cells: number; raters: number; kappa: Interval } | null;
  /** One row per class, in CELL_CLASS_NAMES order. */
  perClass: ClassAgreement[];
  /** The class order of confusion matrices and perClass (CELL_CLASS_NAMES). */
  classes: CellClassName[];
  /** Percentile bootstrap over cells: rounds actually run, two-sided confidence, PRNG seed. */
  bootstrap: { rounds: number; confidence: number; seed: number };
}
