// The gallery's multi-selection: click picks one tile, Ctrl+click adds or
// removes one, Shift+click takes the run from the anchor to the tile, Ctrl+A
// the listed tiles. A selection holds at most SELECTION_MAX cells: one key
// labels it with one labelCells call. "Accept all suggestions" groups the
// selection by suggested class (one call per class); cells the reader has
// labelled keep their label, cells without a suggestion are left alone.
// Pure: indices are the SlideCells indices, `order` the gallery's listing.

import { CELL_CLASSES, type CellClassName } from '../../src-main/domain/cell-class.ts';
import { UNLABELLED } from './cell-filter.ts';

/** labelCells takes at most this many cells per call. */
export const SELECTION_MAX = 500;

export interface Selection {
  /** Cell indices, in gallery order. */
  indices: readonly number[];
  /** Where the next Shift+click's run starts. */
  anchor: number | null;
}

export const NO_SELECTION: Selection = Object.freeze({ indices: Object.freeze([]) as readonly number[], anchor: null });

export interface ClickMods {
  shift: boolean;
  /** Ctrl or Cmd. */
  toggle: boolean;
}

/** The selection after a tile click. `order` is the gallery's listing (cell indices). */
export function selectionAfterClick(current: Selection, order: ArrayLike<number>, clicked: number, mods: ClickMods): Selection {
  if (mods.shift && current.anchor !== null) {
    const from = indexIn(order, current.anchor);
    const to = indexIn(order, clicked);
    if (from >= 0 && to >= 0) {
      const lo = Math.min(from, to);
      const hi = Math.min(Math.max(from, to), lo + SELECTION_MAX - 1);
      const run: number[] = [];
      for (let k = lo; k <= hi; k++) run.push(order[k]!);
      return { indices: run, anchor: current.anchor };
    }
  }
  if (mods.toggle) {
    const has = current.indices.includes(clicked);
    const indices = has ? current.indices.filter((i) => i !== clicked)
      : current.indices.length >= SELECTION_MAX ? current.indices : inOrder([...current.indices, clicked], order);
    return { indices, anchor: clicked };
  }
  return { indices: [clicked], anchor: clicked };
}

/** Ctrl+A: the listed tiles, the first SELECTION_MAX of them. */
export function selectAll(order: ArrayLike<number>): Selection {
  const n = Math.min(order.length, SELECTION_MAX);
  const indices: number[] = [];
  for (let k = 0; k < n; k++) indices.push(order[k]!);
  return { indices, anchor: indices[0] ?? null };
}

/**
 * "Accept all suggestions" on a selection: cell indices by suggested class
 * (class order), leaving out cells the reader labelled and cells with no suggestion.
 */
export function acceptGroups(indices: readonly number[], labels: ArrayLike<number>, suggested: ArrayLike<number>): Array<{ label: CellClassName; indices: number[] }> {
  const groups = CELL_CLASSES.map((c) => ({ label: c.name, indices: [] as number[] }));
  for (const i of indices) {
    const code = suggested[i]!;
    if (labels[i] !== UNLABELLED || code < 0 || code >= groups.length) continue;
    groups[code]!.indices.push(i);
  }
  return groups.filter((g) => g.indices.length > 0);
}

function indexIn(order: ArrayLike<number>, index: number): number {
  for (let k = 0; k < order.length; k++) if (order[k] === index) return k;
  return -1;
}

function inOrder(indices: number[], order: ArrayLike<number>): number[] {
  const at = new Map<number, number>();
  for (let k = 0; k < order.length; k++) at.set(order[k]!, k);
  return indices.sort((a, b) => (at.get(a) ?? Infinity) - (at.get(b) ?? Infinity));
}

/**
 * Where a label key moves on to in the gallery: the next listed tile after
 * `from` that `accept`s (wrapping to the listing's start), else the next
 * listed tile; null when `from` is not listed or nothing follows.
 */
export function nextInListing(listed: ArrayLike<number>, from: number, accept: (index: number) => boolean): number | null {
  const at = indexIn(listed, from);
  if (at < 0) return null;
  for (let step = 1; step < listed.length; step++) {
    const i = listed[(at + step) % listed.length]!;
    if (accept(i)) return i;
  }
  return at + 1 < listed.length ? listed[at + 1]! : null;
}
