// Train / test split by smear, never by cell (cells of one smear share the
// patient, stain and scan, so a split by cell would leak). Either given
// explicitly, or chosen automatically: the test smears whose pooled class
// distribution best matches the whole set's (the APACC paper held out 20 of
// 107 smears this way), found by a seeded local search so the same inputs
// and seed always give the same split.

import { CELL_CLASSES, type CellClassName } from '../domain/cell-class.ts';
import { SmearlabError } from '../domain/errors.ts';
import { mulberry32 } from '../domain/random.ts';

export type SplitName = 'train' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'test'];

export type ClassVector = Record<CellClassName, number>;

export interface SmearCounts {
  smearId: string;
  counts: ClassVector;
}

export type SplitRequest =
  | { mode: 'auto'; seed: number; testFraction: number; testCount?: number | undefined }
  | { mode: 'explicit'; train: readonly string[]; test: readonly string[] }
  | { mode: 'none' };

export interface SplitDecision {
  mode: SplitRequest['mode'];
  /** Smear id -> split, for every smear given. */
  assignment: Map<string, SplitName>;
  train: string[];
  test: string[];
  seed: number | null;
  testFraction: number | null;
  /**
   * Sum over classes of |test share - overall share| plus half the gap
   * between the test set's share of cells and the fraction asked for; 0 is a
   * perfect match. Null for explicit and none.
   */
  distance: number | null;
}

/** The split request cannot be met (a smear named twice or on both sides, too few smears, ...). */
export class SplitError extends SmearlabError<'bad-split'> {
  constructor(message: string) {
    super('bad-split', message);
    this.name = 'SplitError';
  }
}

const RESTARTS = 48;

export function splitSmears(smears: readonly SmearCounts[], request: SplitRequest): SplitDecision {
  const ids = smears.map((s) => s.smearId);
  if (new Set(ids).size !== ids.length) throw new SplitError('a smear id appears twice in the split input');
  if (request.mode === 'none') return decision('none', ids, [], null, null, null);
  if (request.mode === 'explicit') return explicitSplit(ids, request.train, request.test);
  return autoSplit(smears, request.seed, request.testFraction, request.testCount);
}

function decision(mode: SplitRequest['mode'], train: string[], test: string[], seed: number | null,
  testFraction: number | null, distance: number | null): SplitDecision {
  const assignment = new Map<string, SplitName>();
  for (const s of train) assignment.set(s, 'train');
  for (const s of test) assignment.set(s, 'test');
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { mode, assignment, train: [...train].sort(byName), test: [...test].sort(byName), seed, testFraction, distance };
}

function explicitSplit(ids: string[], train: readonly string[], test: readonly string[]): SplitDecision {
  const known = new Set(ids);
  const seen = new Set<string>();
  for (const s of [...train, ...test]) {
    if (seen.has(s)) throw new SplitError(`smear "${s}" is assigned twice (a smear goes to train or test, never both)`);
    seen.add(s);
  }
  const unknown = [...seen].filter((s) => !known.has(s));
  if (unknown.length > 0) throw new SplitError(`the split names smears that are not exported: ${unknown.join(', ')}`);
  const missing = ids.filter((s) => !seen.has(s));
  if (missing.length > 0) throw new SplitError(`these exported smears have no split (train or test): ${missing.join(', ')}`);
  return decision('explicit', ids.filter((s) => train.includes(s)), ids.filter((s) => test.includes(s)), null, null, null);
}

function autoSplit(smears: readonly SmearCounts[], seed: number, testFraction: number, testCount: number | undefined): SplitDecision {
  if (!(testFraction > 0 && testFraction < 1)) throw new SplitError(`test fraction must be between 0 and 1, got ${testFraction}`);
  // Canonical order first, so the result depends on the smears and the seed, not on the order given.
  const sorted = [...smears].sort((a, b) => (a.smearId < b.smearId ? -1 : a.smearId > b.smearId ? 1 : 0));
  const n = sorted.length;
  const k = testCount ?? (n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(n * testFraction))));
  if (!Number.isInteger(k) || k < 0 || k > n) throw new SplitError(`test smear count must be from 0 to ${n}, got ${testCount}`);
  if (k === 0 || k === n) {
    const ids = sorted.map((s) => s.smearId);
    return decision('auto', k === 0 ? ids : [], k === 0 ? [] : ids, seed, testFraction, null);
  }
  const classes = CELL_CLASSES.map((c) => c.name);
  const vectors = sorted.map((s) => classes.map((c) => s.counts[c]));
  const overall = classes.map((_, j) => vectors.reduce((sum, v) => sum + (v[j] as number), 0));
  const grand = overall.reduce((a, b) => a + b, 0);
  const overallShare = overall.map((v) => (grand > 0 ? v / grand : 0));
  const targetFraction = testCount === undefined ? testFraction : k / n;
  const cells = vectors.map((v) => v.reduce((a, b) => a + b, 0));
  // Distance of a test set from its per-class sums: O(classes), so a swap is cheap to try.
  const distanceOf = (sums: readonly number[]): number => {
    const t = sums.reduce((a, b) => a + b, 0);
    const classGap = t === 0 ? 2 : sums.reduce((d, s, j) => d + Math.abs(s / t - (overallShare[j] as number)), 0);
    const sizeGap = grand === 0 ? 0 : Math.abs(t / grand - targetFraction);
    return classGap + 0.5 * sizeGap;
  };
  const random = mulberry32(seed >>> 0);
  let best: { inTest: boolean[]; distance: number } | null = null;
  const trial = classes.map(() => 0);
  for (let r = 0; r < RESTARTS; r++) {
    const order = shuffle(Array.from({ length: n }, (_, i) => i), random);
    const inTest = Array.from({ length: n }, () => false);
    const sums = classes.map(() => 0);
    for (const i of order.slice(0, k)) {
      inTest[i] = true;
      (vectors[i] as number[]).forEach((x, j) => { sums[j] = (sums[j] as number) + x; });
    }
    let current = distanceOf(sums);
    // Best-improvement swaps until none helps: a local optimum.
    for (;;) {
      let bestSwap: [number, number] | null = null;
      let bestValue = current;
      for (let a = 0; a < n; a++) {
        if (!inTest[a]) continue;
        const va = vectors[a] as number[];
        for (let b = 0; b < n; b++) {
          if (inTest[b] || cells[a] === 0 && cells[b] === 0) continue;
          const vb = vectors[b] as number[];
          for (let j = 0; j < trial.length; j++) trial[j] = (sums[j] as number) - (va[j] as number) + (vb[j] as number);
          const value = distanceOf(trial);
          if (value < bestValue - 1e-12) { bestValue = value; bestSwap = [a, b]; }
        }
      }
      if (!bestSwap) break;
      const [a, b] = bestSwap;
      inTest[a] = false;
      inTest[b] = true;
      for (let j = 0; j < sums.length; j++) sums[j] = (sums[j] as number) - ((vectors[a] as number[])[j] as number) + ((vectors[b] as number[])[j] as number);
      current = bestValue;
    }
    if (!best || current < best.distance - 1e-12) best = { inTest: [...inTest], distance: current };
  }
  const chosen = best as { inTest: boolean[]; distance: number };
  const test = sorted.filter((_, i) => chosen.inTest[i]).map((s) => s.smearId);
  const train = sorted.filter((_, i) => !chosen.inTest[i]).map((s) => s.smearId);
  return decision('auto', train, test, seed, testFraction, chosen.distance);
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
