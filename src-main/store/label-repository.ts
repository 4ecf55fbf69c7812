// Labelling: every decision is appended to label_events and committed before
// the call returns (synchronous=FULL), so a label survives a crash or a power
// cut straight after the key press. The current label and flag are derived.
//
// Undo / redo, per annotator, never delete anything: undo appends an event
// that restores the value the undone action overwrote, redo appends one that
// re-applies it. The two stacks live in the events themselves (stack_below_id)
// and their tops follow from the annotator's latest non-import event, so they
// survive restarts and cost one or two index look-ups:
//   latest 'do' L:   undo top = L,                          redo top = none
//   latest 'redo' L: undo top = L,                          redo top = below(reverted(L))
//   latest 'undo' L: undo top = below(reverted(L)),         redo top = L
// A new action empties the redo stack, as in every editor. Undo restores the
// value from before the action even if someone else changed the cell since.
// Cell edits are events of kind 'edit' on the same stacks: undo and redo of
// one go through edit-events.ts (replayEdit). Labels given to a cell an edit
// has retired are refused; its history stays readable.
//
// Several readers (schema 5): a reader's label is their own reading
// (reader_state); an adjudicator's is a decision (cell_state). A change is
// answered in the actor's view: a reader's own state before and after, or the
// decision before and after. Undo restores the actor's own previous value (an
// adjudicator's: the previous decision of any adjudicator).

import type { CellClassName } from '../domain/cell-class.ts';
import { readSuggestion } from './assist-repository.ts';
import {
  EVENT_COLUMNS, appendLabelEvent, eventRow as readEvent, roleOf, stackHeads, toLabelEvent, viewOfRole, type LabelEventRow,
} from './label-events.ts';
import { rebuildDerivedState } from './derived-state.ts';
import { labelSource } from './cell-rows.ts';
import { DECISION_VIEW, type LabelView } from '../domain/reading.ts';
import { replayEdit } from './edit-events.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import type { RebuildResult } from './types.ts';
import type {
  CellLabelState, LabelChange, LabelEvent, LabelEventKind, LabelHistoryEntry, StackChange, UndoRedoState,
} from '../domain/label.ts';
import type { CellEditChangeKind, CellEditKind } from '../domain/cell-edit.ts';
import { checkId, checkLabel } from './validate.ts';

export interface LabelRepository {
  /** Sets (or with null clears) the cell's class; returns the appended event with the state before and after. */
  applyLabel(cellId: number, label: CellClassName | null, annotatorId: number): LabelChange;
  setFlag(cellId: number, flagged: boolean, annotatorId: number): LabelChange;
  /** Reverts the annotator's most recent not-undone action (a label, flag or cell edit); null when there is none. */
  undo(annotatorId: number): StackChange | null;
  /** Re-applies the annotator's most recently undone action; null when there is none. */
  redo(annotatorId: number): StackChange | null;
  undoRedoState(annotatorId: number): UndoRedoState;
  cellLabelState(cellId: number, view?: LabelView): CellLabelState;
  /** Every event of the cell (labels, flags, the edits that made, retired or restored it), oldest first, with the annotator's name. */
  labelHistory(cellId: number): LabelHistoryEntry[];
  /** Label and flag events with id > afterId in id order (for export or sync), at most limit. */
  listLabelEvents(options?: { slideId?: number; afterId?: number; limit?: number }): LabelEvent[];
  /** Recomputes reader_state and cell_state from label_events and edit_cells; reports how many cells were out of step. */
  rebuildCellState(): RebuildResult;
}

interface StateRow { label: CellClassName | null; flagged: number }

export function createLabelRepository(ctx: StoreContext): LabelRepository {
  const eventRow = (id: number) => readEvent(ctx, id);
  const stateOf = (cellId: number, view: LabelView = DECISION_VIEW): CellLabelState => {
    const s = labelSource(view);
    const row = ctx.sql(`SELECT ${s.label} AS label, ${s.flagged} AS flagged FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id${s.join}
      WHERE c.id = ?`).get(cellId) as StateRow | undefined;
    return { label: row?.label ?? null, flagged: row?.flagged === 1 };
  };
  const requireCell = (cellId: number) => {
    if (!ctx.sql('SELECT 1 FROM cells WHERE id = ?').get(checkId(cellId, 'cell id'))) throw notFound('cell', cellId);
  };
  const requireLiveCell = (cellId: number) => {
    requireCell(cellId);
    if (ctx.value('SELECT retired FROM cell_state WHERE cell_id = ?', cellId) === 1) {
      throw new StoreError('conflict', `cell ${cellId} was replaced or rejected by a cell edit; label the cell that replaced it`);
    }
  };
  const requireAnnotator = (annotatorId: number) => {
    if (!ctx.sql('SELECT 1 FROM annotators WHERE id = ?').get(checkId(annotatorId, 'annotator id'))) throw notFound('annotator', annotatorId);
  };
  const heads = (annotatorId: number) => stackHeads(ctx, annotatorId);
  const suggestionShown = (cellId: number, annotatorId: number) => {
    const shown = readSuggestion(ctx, cellId, annotatorId);
    return shown && { label: shown.label, p: shown.p, modelId: shown.modelId };
  };
  const change = (cellId: number, view: LabelView, write: () => LabelEventRow): LabelChange => {
    const previous = stateOf(cellId, view);
    const event = toLabelEvent(write());
    return { event, previous, current: stateOf(cellId, view) };
  };
  const act = (cellId: number, kind: LabelEventKind, value: string | null, annotatorId: number) =>
    ctx.write(() => {
      requireLiveCell(cellId);
      requireAnnotator(annotatorId);
      const role = roleOf(ctx, annotatorId);
      if (role === 'adjudicator' && kind === 'flag') {
        throw new StoreError('conflict', 'an adjudicator decides flagged cells; flags are for readers (label the cell to decide it)');
      }
      const { undoTop } = heads(annotatorId);
      // What the assistant suggested to this reader when they decided, kept with their label.
      const suggestion = kind === 'label' ? suggestionShown(cellId, annotatorId) : null;
      return change(cellId, viewOfRole(role, annotatorId),
        () => appendLabelEvent(ctx, { cellId, kind, value, annotatorId, action: 'do', stackBelowId: undoTop, role, suggestion }));
    });
  /** The value the undone event overwrote: the same reader's, or (for a decision) the previous decision. */
  const valueBefore = (target: LabelEventRow): string | null => {
    const before = (target.role === 'reader'
      ? ctx.sql(`SELECT value FROM label_events WHERE cell_id = ? AND kind = ? AND id < ? AND annotator_id = ? AND role = 'reader'
          ORDER BY id DESC LIMIT 1`).get(target.cellId, target.kind, target.id, target.annotatorId)
      : ctx.sql(`SELECT value FROM label_events WHERE cell_id = ? AND kind = ? AND id < ? AND role = 'adjudicator'
          ORDER BY id DESC LIMIT 1`).get(target.cellId, target.kind, target.id)) as { value: string | null } | undefined;
    return before ? before.value : target.kind === 'flag' ? '0' : null;
  };

  return {
    applyLabel(cellId, label, annotatorId) {
      return act(cellId, 'label', checkLabel(label), annotatorId);
    },
    setFlag(cellId, flagged, annotatorId) {
      if (typeof flagged !== 'boolean') throw invalid('flagged must be true or false');
      return act(cellId, 'flag', flagged ? '1' : '0', annotatorId);
    },
    undo(annotatorId) {
      return ctx.write(() => {
        requireAnnotator(annotatorId);
        const { undoTop, redoTop } = heads(annotatorId);
        if (undoTop === null) return null;
        const target = eventRow(undoTop);
        if (target.kind === 'edit') return replayEdit(ctx, target, { action: 'undo', annotatorId, revertsEventId: target.id, stackBelowId: redoTop });
        return change(target.cellId, viewOfRole(target.role, annotatorId), () => appendLabelEvent(ctx, {
          cellId: target.cellId, kind: target.kind, value: valueBefore(target), annotatorId, action: 'undo',
          revertsEventId: target.id, stackBelowId: redoTop, role: target.role,
        }));
      });
    },
    redo(annotatorId) {
      return ctx.write(() => {
        requireAnnotator(annotatorId);
        const { undoTop, redoTop } = heads(annotatorId);
        if (redoTop === null) return null;
        const undone = eventRow(eventRow(redoTop).revertsEventId as number);
        if (undone.kind === 'edit') return replayEdit(ctx, undone, { action: 'redo', annotatorId, revertsEventId: redoTop, stackBelowId: undoTop });
        return change(undone.cellId, viewOfRole(undone.role, annotatorId), () => appendLabelEvent(ctx, {
          cellId: undone.cellId, kind: undone.kind, value: undone.value, annotatorId, action: 'redo',
          revertsEventId: redoTop, stackBelowId: undoTop, role: undone.role,
        }));
      });
    },
    undoRedoState(annotatorId) {
      requireAnnotator(annotatorId);
      const { undoTop, redoTop } = heads(annotatorId);
      return {
        undoCellId: undoTop === null ? null : eventRow(undoTop).cellId,
        redoCellId: redoTop === null ? null : eventRow(redoTop).cellId,
      };
    },
    cellLabelState(cellId, view) {
      requireCell(cellId);
      return stateOf(cellId, view);
    },
    labelHistory(cellId) {
      requireCell(cellId);
      const rows = ctx.sql(`SELECT e.id, e.cell_id AS cellId, e.kind, e.value, e.annotator_id AS annotatorId, e.action,
          e.reverts_event_id AS revertsEventId, e.stack_below_id AS stackBelowId, e.created_at AS createdAt, e.role, a.name AS annotatorName,
          x.change AS change
        FROM label_events e JOIN annotators a ON a.id = e.annotator_id
        LEFT JOIN edit_cells x ON x.event_id = e.id AND x.cell_id = ?
        WHERE (e.cell_id = ? AND e.kind <> 'edit') OR e.id IN (SELECT event_id FROM edit_cells WHERE cell_id = ?) ORDER BY e.id`)
        .all(cellId, cellId, cellId) as Array<LabelEventRow & { annotatorName: string; change: CellEditChangeKind | null }>;
      return rows.map((r): LabelHistoryEntry => (r.kind === 'edit'
        ? {
          id: r.id, kind: 'edit', value: r.value as CellEditKind, cellId: r.cellId, annotatorId: r.annotatorId,
          action: r.action as 'do' | 'undo' | 'redo', revertsEventId: r.revertsEventId, createdAt: r.createdAt,
          change: r.change as CellEditChangeKind, annotatorName: r.annotatorName,
        }
        : { ...toLabelEvent(r), annotatorName: r.annotatorName }));
    },
    listLabelEvents(options = {}) {
      const afterId = options.afterId ?? 0;
      const limit = options.limit ?? 10_000;
      if (!Number.isSafeInteger(afterId) || afterId < 0) throw invalid(`afterId must be an integer >= 0, got ${afterId}`);
      if (!Number.isSafeInteger(limit) || limit < 1) throw invalid(`limit must be a positive integer, got ${limit}`);
      const rows = options.slideId === undefined
        ? ctx.sql(`SELECT ${EVENT_COLUMNS} FROM label_events WHERE id > ? AND kind <> 'edit' ORDER BY id LIMIT ?`).all(afterId, limit)
        : ctx.sql(`SELECT ${EVENT_COLUMNS} FROM label_events
            WHERE id > ? AND kind <> 'edit' AND cell_id IN (SELECT id FROM cells WHERE slide_id = ?) ORDER BY id LIMIT ?`)
          .all(afterId, checkId(options.slideId, 'slide id'), limit);
      return (rows as LabelEventRow[]).map(toLabelEvent);
    },
    rebuildCellState() {
      return ctx.write(() => rebuildDerivedState(ctx));
    },
  };
}
