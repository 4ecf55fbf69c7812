// Orders for the assist galleries, from the classifier's probabilities:
//  - most suspicious first: p(unhealthy) high to low, so the few abnormal
//    cells among tens of thousands come first;
//  - least certain first: smallest margin between the two likeliest classes
//    (ties: highest entropy), where one more label teaches the model most;
//  - per-class suggestions: the cells whose likeliest class is c, surest
//    first, for confirming many at once.
// Ties keep row order (the reading order the rows came in), so every order is
// deterministic. Rows are indices into the probabilities; `rows` limits an
// order to some of them (e.g. the unlabelled cells).
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import type { CellClassName } from '../domain/cell-class.ts';
import type { ClassProbabilities } from './classifier.ts';

const K = CELL_CLASS_NAMES.length;
const UNHEALTHY = CELL_CLASS_NAMES.indexOf('unhealthy');

export interface Suggestion {
  label: CellClassName;
  probability: number;
}

function checkRows(p: ClassProbabilities, rows: ArrayLike<number> | undefined): number[] {
  if (p.values.length !== p.rows * K) throw new RangeError(`ranking: ${p.values.length} probabilities for ${p.rows} rows of ${K} classes`);
  if (!rows) return Array.from({ length: p.rows }, (_, i) => i);
  const out = Array.from(rows);
  for (const r of out) if (!(Number.isInteger(r) && r >= 0 && r < p.rows)) throw new RangeError(`ranking: row ${r} is outside 0..${p.rows - 1}`);
  return out;
}

/** Sorts rows by key descending, ties by row ascending. */
function byKeyDescending(rows: number[], key: (r: number) => number): number[] {
  const keys = new Float64Array(rows.length);
  rows.forEach((r, i) => { keys[i] = key(r); });
  const order = rows.map((_, i) => i);
  order.sort((a, b) => keys[b]! - keys[a]! || rows[a]! - rows[b]!);
  return order.map((i) => rows[i]!);
}

/** The likeliest class of a row and its probability (ties: the lower APACC id). */
export function suggestionOf(p: ClassProbabilities, row: number): Suggestion {
  checkRows(p, [row]);
  let best = 0;
  for (let k = 1; k < K; k++) if (p.values[row * K + k]! > p.values[row * K + best]!) best = k;
  return { label: CELL_CLASS_NAMES[best]!, probability: p.values[row * K + best]! };
}

/** Rows by p(unhealthy), highest first. */
export function mostSuspiciousFirst(p: ClassProbabilities, rows?: ArrayLike<number>): number[] {
  return byKeyDescending(checkRows(p, rows), (r) => p.values[r * K + UNHEALTHY]!);
}

/** Likeliest minus second likeliest probability: 0 = a coin toss between two classes, 1 = sure. */
export function marginOf(p: ClassProbabilities, row: number): number {
  let first = 0;
  let second = 0;
  for (let k = 0; k < K; k++) {
    const v = p.values[row * K + k]!;
    if (v > first) { second = first; first = v; } else if (v > second) second = v;
  }
  return first - second;
}

/** Shannon entropy of a row's probabilities, in bits (0 = sure, 2 = all four equally likely). */
export function entropyOf(p: ClassProbabilities, row: number): number {
  let h = 0;
  for (let k = 0; k < K; k++) {
    const v = p.values[row * K + k]!;
    if (v > 0) h -= v * Math.log2(v);
  }
  return h;
}

/** Rows by margin, smallest first; equal margins by entropy, highest first. */
export function leastCertainFirst(p: ClassProbabilities, rows?: ArrayLike<number>): number[] {
  const list = checkRows(p, rows);
  const margin = new Map(list.map((r) => [r, marginOf(p, r)]));
  const entropy = new Map(list.map((r) => [r, entropyOf(p, r)]));
  return list.slice().sort((a, b) => margin.get(a)! - margin.get(b)! || entropy.get(b)! - entropy.get(a)! || a - b);
}

/** For each class, the rows whose suggestion it is, by its probability, highest first. */
export function suggestionsByClass(p: ClassProbabilities, rows?: ArrayLike<number>): Record<CellClassName, number[]> {
  const list = checkRows(p, rows);
  const groups = Object.fromEntries(CELL_CLASS_NAMES.map((c) => [c, [] as number[]])) as Record<CellClassName, number[]>;
  for (const r of list) groups[suggestionOf(p, r).label].push(r);
  for (const [k, c] of CELL_CLASS_NAMES.entries()) groups[c] = byKeyDescending(groups[c], (r) => p.values[r * K + k]!);
  return groups;
}
