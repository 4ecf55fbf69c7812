// Cell edits as events: one label_events row of kind 'edit' (on the
// annotator's undo stack) plus one edit_cells row per cell it created,
// retired or restored. The edit_cells trigger derives cell_state.retired.
// Undo appends the inverse (retire what was created or restored, restore
// what was retired); redo appends the original changes again, with 'create'
// read as 'restore' (the cell row exists since the first time). Either applies
// even if someone else edited those cells since, as undo of a label does.

import type { CellEditChange, CellEditChangeKind, CellEditEvent, CellEditKind } from '../domain/cell-edit.ts';
import type { CellView } from '../domain/cell.ts';
import { cellViewColumns, cellViewFrom, toCellView } from './cell-rows.ts';
import { notFound } from './store-error.ts';
import { refreshCellCount } from './cell-repository.ts';
import { appendLabelEvent, viewOfRole, type LabelEventRow } from './label-events.ts';
import type { StoreContext } from './store-context.ts';
import type { AnnotatorRole } from '../domain/reading.ts';

export interface EditCellChange {
  cellId: number;
  change: CellEditChangeKind;
}

export function editChangesOf(ctx: StoreContext, eventId: number): EditCellChange[] {
  return ctx.sql('SELECT cell_id AS cellId, change FROM edit_cells WHERE event_id = ? ORDER BY cell_id')
    .all(eventId) as EditCellChange[];
}

/** Appends an edit event and its per-cell changes; answers with the cells as they now read. */
export function appendEditEvent(ctx: StoreContext, event: {
  kind: CellEditKind;
  annotatorId: number;
  action: CellEditEvent['action'];
  revertsEventId?: number | null;
  stackBelowId: number | null;
  changes: readonly EditCellChange[];
  role?: AnnotatorRole;
}): CellEditChange {
  const principal = event.changes.find((c) => c.change !== 'retire') ?? event.changes[0];
  if (!principal) throw new Error('a cell edit changes at least one cell');
  const row = appendLabelEvent(ctx, {
    cellId: principal.cellId, kind: 'edit', value: event.kind, annotatorId: event.annotatorId, action: event.action,
    revertsEventId: event.revertsEventId ?? null, stackBelowId: event.stackBelowId, role: event.role,
  });
  const insert = ctx.sql('INSERT INTO edit_cells (event_id, cell_id, change) VALUES (?, ?, ?)');
  for (const c of event.changes) insert.run(row.id, c.cellId, c.change);
  const slices = ctx.sql(`SELECT DISTINCT c.slice_id FROM edit_cells x JOIN cells c ON c.id = x.cell_id WHERE x.event_id = ?`)
    .pluck().all(row.id) as number[];
  for (const sliceId of slices) refreshCellCount(ctx, sliceId);
  return readEditChange(ctx, row.id);
}

/** An edit event and its cells as they read now. */
export function readEditChange(ctx: StoreContext, eventId: number): CellEditChange {
  const row = ctx.sql(`SELECT id, cell_id AS cellId, value, annotator_id AS annotatorId, action,
    reverts_event_id AS revertsEventId, created_at AS createdAt, role FROM label_events WHERE id = ? AND kind = 'edit'`).get(eventId) as
    (Omit<CellEditChange['event'], 'kind'> & { role: AnnotatorRole }) | undefined;
  if (!row) throw notFound('cell edit', eventId);
  const { role, ...event } = row;
  // The cells' labels as the editor sees them (a reader's own, an adjudicator's the decision).
  const view = viewOfRole(role, event.annotatorId);
  const cells = ctx.sqlRaw(`SELECT ${cellViewColumns(view)}, x.change FROM ${cellViewFrom(view)} JOIN edit_cells x ON x.cell_id = c.id
    WHERE x.event_id = ? ORDER BY x.cell_id`).all(eventId) as unknown[][];
  const live: CellView[] = [];
  const retired: CellView[] = [];
  for (const r of cells) (r.at(-1) === 'retire' ? retired : live).push(toCellView(r));
  return { event: { ...event, kind: 'edit' }, slideId: (live[0] ?? retired[0])!.slideId, live, retired };
}

/** Undo (inverse changes) or redo (the original ones again) of an edit event. */
export function replayEdit(ctx: StoreContext, target: LabelEventRow, replay: {
  action: 'undo' | 'redo';
  annotatorId: number;
  revertsEventId: number;
  stackBelowId: number | null;
}): CellEditChange {
  const changes = editChangesOf(ctx, target.id).map((c): EditCellChange => ({
    cellId: c.cellId,
    change: replay.action === 'undo'
      ? (c.change === 'retire' ? 'restore' : 'retire')
      : (c.change === 'create' ? 'restore' : c.change),
  }));
  return appendEditEvent(ctx, {
    kind: target.value as CellEditKind, annotatorId: replay.annotatorId, action: replay.action,
    revertsEventId: replay.revertsEventId, stackBelowId: replay.stackBelowId, changes, role: target.role,
  });
}
