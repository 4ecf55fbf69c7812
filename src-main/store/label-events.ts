// Appending to label_events and reading events back. The only INSERT into
// the table; the cell_state trigger derives the current label from it.

import type { CellClassName } from '../domain/cell-class.ts';
import type { StoreContext } from './store-context.ts';
import type { LabelAction, LabelEvent, LabelEventKind } from '../domain/label.ts';

export interface LabelEventRow {
  id: number;
  cellId: number;
  kind: LabelEventKind;
  value: string | null;
  annotatorId: number;
  action: LabelAction;
  revertsEventId: number | null;
  stackBelowId: number | null;
  createdAt: number;
}

export const EVENT_COLUMNS = `id, cell_id AS cellId, kind, value, annotator_id AS annotatorId, action,
  reverts_event_id AS revertsEventId, stack_below_id AS stackBelowId, created_at AS createdAt`;

export interface NewLabelEvent {
  cellId: number;
  kind: LabelEventKind;
  /** Class name or null for 'label', '1' / '0' for 'flag'. */
  value: string | null;
  annotatorId: number;
  action: LabelAction;
  revertsEventId?: number | null;
  stackBelowId?: number | null;
}

export function appendLabelEvent(ctx: StoreContext, event: NewLabelEvent): LabelEventRow {
  return ctx.sql(`INSERT INTO label_events (cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${EVENT_COLUMNS}`)
    .get(event.cellId, event.kind, event.value, event.annotatorId, event.action,
      event.revertsEventId ?? null, event.stackBelowId ?? null, ctx.now()) as LabelEventRow;
}

export function toLabelEvent(row: LabelEventRow): LabelEvent {
  const base = {
    id: row.id, cellId: row.cellId, annotatorId: row.annotatorId, action: row.action,
    revertsEventId: row.revertsEventId, createdAt: row.createdAt,
  };
  return row.kind === 'label'
    ? { ...base, kind: 'label', value: row.value as CellClassName | null }
    : { ...base, kind: 'flag', value: row.value === '1' };
}
