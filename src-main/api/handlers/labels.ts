// Labelling. Each call returns only after the store committed the event to
// SQLite (synchronous=FULL), so the UI moves the focus on after the label is
// safe. Every change is also broadcast as a 'label-changed' event, for other
// windows and for the overlay.

import type { CellView } from '../../domain/cell.ts';
import { isEditChange, type LabelChange, type StackChange } from '../../domain/label.ts';
import type { ApiContext } from '../context.ts';
import type { ParsedInput } from '../contract.ts';
import type { LabelResult, UndoResult } from '../views.ts';
import type { Handlers } from './handler.ts';
import { changeView } from './views.ts';
import { publishEdit } from './edits.ts';
import { actorView, mayBroadcast } from '../reading-policy.ts';
import { DECISION_VIEW, type LabelView } from '../../domain/reading.ts';

type Advance = NonNullable<ParsedInput<'labelCell'>['advance']>;

// Everything is answered in the actor's view: a reader's own labels (their
// counters, their next unlabelled cell), an adjudicator's the decision.
function nextFocus(ctx: ApiContext, cell: CellView, advance: Advance, view: LabelView): CellView | null {
  if (advance === 'none') return null;
  if (advance === 'next') return ctx.store.nextCell(cell.id, undefined, view);
  const unlabelled = { label: 'unlabelled' } as const;
  // Past the last unlabelled cell, go round to the slide's first one that is left.
  return ctx.store.nextCell(cell.id, unlabelled, view) ?? ctx.store.firstCell(cell.slideId, unlabelled, view);
}

function committed(ctx: ApiContext, change: LabelChange, advance: Advance): LabelResult {
  const labelView = actorView(ctx, change.event.annotatorId);
  const cell = ctx.store.getCell(change.event.cellId, labelView);
  const view = changeView(cell.slideId, change);
  if (mayBroadcast(ctx, cell.slideId, change.event.annotatorId)) ctx.events.emit('label-changed', view);
  return {
    change: view,
    cell,
    counts: ctx.counts.applyChange(cell.slideId, change.previous, change.current, labelView),
    next: nextFocus(ctx, cell, advance, labelView),
    undo: ctx.store.undoRedoState(change.event.annotatorId),
  };
}

function reverted(ctx: ApiContext, change: StackChange | null, annotatorId: number): UndoResult {
  if (!change) return { change: null, edit: null, cell: null, counts: null, undo: ctx.store.undoRedoState(annotatorId) };
  if (isEditChange(change)) {
    const { view, counts } = publishEdit(ctx, change);
    return { change: null, edit: view, cell: change.live[0] ?? null, counts, undo: ctx.store.undoRedoState(annotatorId) };
  }
  // An undone decision is answered in the decision's view even if the annotator has since become a reader.
  const labelView = change.event.role === 'adjudicator' ? DECISION_VIEW : actorView(ctx, annotatorId);
  const cell = ctx.store.getCell(change.event.cellId, labelView);
  const view = changeView(cell.slideId, change);
  if (mayBroadcast(ctx, cell.slideId, change.event.annotatorId)) ctx.events.emit('label-changed', view);
  const counts = ctx.counts.applyChange(cell.slideId, change.previous, change.current, labelView);
  return { change: view, edit: null, cell, counts, undo: ctx.store.undoRedoState(annotatorId) };
}

export const labelHandlers: Pick<Handlers, 'labelCell' | 'flagCell' | 'undo' | 'redo' | 'undoState' | 'lastCellOf'> = {
  labelCell({ cellId, label, annotatorId, advance = 'next-unlabelled' }, ctx) {
    return committed(ctx, ctx.store.applyLabel(cellId, label, annotatorId), advance);
  },
  flagCell({ cellId, flagged, annotatorId }, ctx) {
    return committed(ctx, ctx.store.setFlag(cellId, flagged, annotatorId), 'none');
  },
  undo({ annotatorId }, ctx) {
    return reverted(ctx, ctx.store.undo(annotatorId), annotatorId);
  },
  redo({ annotatorId }, ctx) {
    return reverted(ctx, ctx.store.redo(annotatorId), annotatorId);
  },
  undoState({ annotatorId }, ctx) {
    return ctx.store.undoRedoState(annotatorId);
  },
  lastCellOf({ slideId, annotatorId }, ctx) {
    ctx.store.getSlide(slideId);
    ctx.store.getAnnotator(annotatorId);
    const cellId = ctx.store.lastLabelledCellOf(slideId, annotatorId);
    return cellId === null ? null : ctx.store.getCell(cellId, actorView(ctx, annotatorId));
  },
};
