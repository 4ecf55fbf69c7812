// Cell edits: a reader adds, reshapes, splits, merges or rejects candidates.
// An edit never changes or removes a cell row: it creates new cells (source
// 'manual') and retires existing ones, recorded as one append-only event with
// its annotator and time (store/edit-repository.ts). Whether a cell is live is
// derived from those events, so undo is a new event that restores what the
// edit retired and retires what it created.

import type { Box, Point } from './geometry.ts';
import type { CellKind, CellView } from './cell.ts';

export const CELL_EDIT_KINDS = ['add', 'reshape', 'split', 'merge', 'reject'] as const;
export type CellEditKind = (typeof CELL_EDIT_KINDS)[number];

/** What an edit event did to one cell: made it (a new row), retired it, or brought it back. */
export const CELL_EDIT_CHANGES = ['create', 'retire', 'restore'] as const;
export type CellEditChangeKind = (typeof CELL_EDIT_CHANGES)[number];

/** How many cells each kind retires and creates (min, max; null = no upper bound). */
export const CELL_EDIT_SHAPES: Readonly<Record<CellEditKind, { retire: readonly [number, number | null]; create: readonly [number, number | null] }>> = {
  add: { retire: [0, 0], create: [1, 1] },
  reshape: { retire: [1, 1], create: [1, 1] },
  split: { retire: [1, 1], create: [2, null] },
  merge: { retire: [2, null], create: [1, 1] },
  reject: { retire: [1, 1], create: [0, 0] },
};

/** Most cells one split may make, or one merge may join. */
export const CELL_EDIT_MAX_PARTS = 16;

/** Measures of a cell drawn or reshaped by a reader, from the scan's pixels (level-0 px, px^2). */
export interface CellMeasures {
  /** Stained area inside the box (the segmenter's mask). */
  area: number | null;
  perimeter: number | null;
  /** Centroid of the largest nucleus inside the box, null when none is visible. */
  nucleus: Point | null;
  nucleusArea: number | null;
  /** Nuclei whose centroid lies inside the box. */
  nuclei: number | null;
}

/** A cell an edit creates: its box, and its measures when the scan could be read. */
export interface NewEditCell {
  box: Box;
  measures?: CellMeasures | null;
  kind?: CellKind;
}

/** An edit event as the record and the history show it. */
export interface CellEditEvent {
  id: number;
  kind: 'edit';
  value: CellEditKind;
  /** The cell the event is filed under (the first it created, else the first it retired). */
  cellId: number;
  annotatorId: number;
  action: 'do' | 'undo' | 'redo';
  revertsEventId: number | null;
  createdAt: number;
}

/** The outcome of an edit, or of undoing / redoing one. */
export interface CellEditChange {
  event: CellEditEvent;
  slideId: number;
  /** Cells that are live after it (created or restored), as they now read. */
  live: CellView[];
  /** Cells it retired, as they now read (their labels are kept). */
  retired: CellView[];
}
