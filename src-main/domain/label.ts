// Labels and flags as append-only events (see store/label-repository.ts for
// the undo / redo rule), the state derived from them, and the class counts
// of a slide. Times are milliseconds since the epoch.

import type { CellClassName } from './cell-class.ts';

export const LABEL_EVENT_KINDS = ['label', 'flag'] as const;
export type LabelEventKind = (typeof LABEL_EVENT_KINDS)[number];

/** 'do' = a user action; 'undo'/'redo' revert an earlier event; 'import' = from a dataset, outside undo. */
export const LABEL_ACTIONS = ['do', 'undo', 'redo', 'import'] as const;
export type LabelAction = (typeof LABEL_ACTIONS)[number];

interface LabelEventBase {
  id: number;
  cellId: number;
  annotatorId: number;
  action: LabelAction;
  revertsEventId: number | null;
  createdAt: number;
}

export type LabelEvent = LabelEventBase &
  ({ kind: 'label'; value: CellClassName | null } | { kind: 'flag'; value: boolean });

export type LabelHistoryEntry = LabelEvent & { annotatorName: string };

export interface CellLabelState {
  label: CellClassName | null;
  flagged: boolean;
}

export interface LabelChange {
  event: LabelEvent;
  previous: CellLabelState;
  current: CellLabelState;
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
