// Labels and flags as append-only events (see store/label-repository.ts for
// the undo / redo rule), the state derived from them, and the class counts
// of a slide. Times are milliseconds since the epoch.

import type { CellClassName } from './cell-class.ts';
import type { AnnotatorRole } from './reading.ts';
import type { CellEditChange, CellEditChangeKind, CellEditEvent } from './cell-edit.ts';

export const LABEL_EVENT_KINDS = ['label', 'flag'] as const;
export type LabelEventKind = (typeof LABEL_EVENT_KINDS)[number];

/**
 * 'do' = a user action; 'undo'/'redo' revert an earlier event; 'import' = from a dataset, outside undo;
 * 'inherit' = carried over from the cell(s) an edit replaced (a reshape keeps the label), outside undo.
 */
export const LABEL_ACTIONS = ['do', 'undo', 'redo', 'import', 'inherit'] as const;
export type LabelAction = (typeof LABEL_ACTIONS)[number];

interface LabelEventBase {
  id: number;
  cellId: number;
  annotatorId: number;
  action: LabelAction;
  revertsEventId: number | null;
  createdAt: number;
  /** 'adjudicator': a decision on the cell, not a reading. */
  role: AnnotatorRole;
  /** The assistant's suggestion the annotator saw when they gave it (null: none). */
  suggestion?: { label: CellClassName; p: number; modelId: number } | null;
}

export type LabelEvent = LabelEventBase &
  ({ kind: 'label'; value: CellClassName | null } | { kind: 'flag'; value: boolean });

/** A cell edit in a cell's history, with what it did to that cell. */
export type CellEditHistoryEntry = CellEditEvent & { change: CellEditChangeKind; annotatorName: string };

/** Every event of a cell: labels, flags and the edits that created, retired or restored it. */
export type LabelHistoryEntry = (LabelEvent & { annotatorName: string }) | CellEditHistoryEntry;

export interface CellLabelState {
  label: CellClassName | null;
  flagged: boolean;
}

export interface LabelChange {
  event: LabelEvent;
  previous: CellLabelState;
  current: CellLabelState;
}

/** What undo / redo reverted: a label or flag change, or a cell edit (told apart by isEditChange). */
export type StackChange = LabelChange | CellEditChange;

export function isEditChange(change: StackChange): change is CellEditChange {
  return change.event.kind === 'edit';
}

export interface UndoRedoState {
  /** Cell the next undo / redo would change, or null when there is nothing to undo / redo. */
  undoCellId: number | null;
  redoCellId: number | null;
}

export interface ClassCounts {
  total: number;
  labelled: number;
  unlabelled: number;
  flagged: number;
  byClass: Record<CellClassName, number>;
}
