// Appending to label_events and reading events back. The only INSERT into
// the table; the cell_state trigger derives the current label from it. The
// same table holds cell edits (kind 'edit', see edit-events.ts), so labels
// and edits share one undo stack per annotator (stackHeads).

import type { CellClassName } from '../domain/cell-class.ts';
import type { StoreContext } from './store-context.ts';
import type { LabelAction, LabelEvent, LabelEventKind } from '../domain/label.ts';
import { DECISION_VIEW, type AnnotatorRole, type LabelView } from '../domain/reading.ts';

/** What label_events holds: labels, flags and cell edits. */
export type StoredEventKind = LabelEventKind | 'edit';

export interface LabelEventRow {
  id: number;
  cellId: number;
  kind: StoredEventKind;
  value: string | null;
  annotatorId: number;
  action: LabelAction;
  revertsEventId: number | null;
  stackBelowId: number | null;
  createdAt: number;
  role: AnnotatorRole;
  suggestion: CellClassName | null;
  suggestionP: number | null;
  suggestionModel: number | null;
}

export const EVENT_COLUMNS = `id, cell_id AS cellId, kind, value, annotator_id AS annotatorId, action,
  reverts_event_id AS revertsEventId, stack_below_id AS stackBelowId, created_at AS createdAt, role,
  suggestion, suggestion_p AS suggestionP, suggestion_model AS suggestionModel`;

/**
 * Actions on the undo stack ('import' and 'inherit' events are not). Written with the
 * partial index's own term (action <> 'import') so SQLite uses label_events_undo_stack.
 */
export const STACK_ACTIONS_SQL = "action <> 'import' AND action <> 'inherit'";

export interface NewLabelEvent {
  cellId: number;
  kind: StoredEventKind;
  /** Class name or null for 'label', '1' / '0' for 'flag', the edit kind for 'edit'. */
  value: string | null;
  annotatorId: number;
  action: LabelAction;
  revertsEventId?: number | null;
  stackBelowId?: number | null;
  /** The role the event is made in (default 'reader'): an adjudicator's label is a decision, not a reading. */
  role?: AnnotatorRole;
  /** What the assistant suggested for the cell when the label was given. */
  suggestion?: { label: CellClassName; p: number; modelId: number } | null;
}

export function appendLabelEvent(ctx: StoreContext, event: NewLabelEvent): LabelEventRow {
  const s = event.suggestion ?? null;
  return ctx.sql(`INSERT INTO label_events (cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at, role, uid,
      suggestion, suggestion_p, suggestion_model)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${EVENT_COLUMNS}`)
    .get(event.cellId, event.kind, event.value, event.annotatorId, event.action,
      event.revertsEventId ?? null, event.stackBelowId ?? null, ctx.now(), event.role ?? 'reader', ctx.newUid(),
      s?.label ?? null, s?.p ?? null, s?.modelId ?? null) as LabelEventRow;
}

/** The role an annotator labels in now. */
export function roleOf(ctx: StoreContext, annotatorId: number): AnnotatorRole {
  return (ctx.value('SELECT role FROM annotators WHERE id = ?', annotatorId) as AnnotatorRole | undefined) ?? 'reader';
}

/** Whose labels an annotator's own changes are answered in: a reader's own, an adjudicator's the decision. */
export function viewOfRole(role: AnnotatorRole, annotatorId: number): LabelView {
  return role === 'reader' ? { kind: 'reader', readerId: annotatorId } : DECISION_VIEW;
}

export function eventRow(ctx: StoreContext, id: number): LabelEventRow {
  return ctx.sql(`SELECT ${EVENT_COLUMNS} FROM label_events WHERE id = ?`).get(id) as LabelEventRow;
}

export interface StackHeads { undoTop: number | null; redoTop: number | null }

/**
 * The tops of the annotator's undo and redo stacks, from the latest stack event
 * (see label-repository.ts for the rule).
 */
export function stackHeads(ctx: StoreContext, annotatorId: number): StackHeads {
  const last = ctx.sql(`SELECT id, action, reverts_event_id AS reverts FROM label_events
    WHERE annotator_id = ? AND ${STACK_ACTIONS_SQL} AND merged_at IS NULL ORDER BY id DESC LIMIT 1`).get(annotatorId) as
    { id: number; action: 'do' | 'undo' | 'redo'; reverts: number | null } | undefined;
  if (!last) return { undoTop: null, redoTop: null };
  if (last.action === 'do') return { undoTop: last.id, redoTop: null };
  const below = eventRow(ctx, last.reverts as number).stackBelowId;
  return last.action === 'redo' ? { undoTop: last.id, redoTop: below } : { undoTop: below, redoTop: last.id };
}

/** A label or flag row as the domain's event (edit rows go through edit-events.ts). */
export function toLabelEvent(row: LabelEventRow): LabelEvent {
  const base = {
    id: row.id, cellId: row.cellId, annotatorId: row.annotatorId, action: row.action,
    revertsEventId: row.revertsEventId, createdAt: row.createdAt, role: row.role,
    suggestion: row.suggestion === null || row.suggestionModel === null ? null
      : { label: row.suggestion, p: row.suggestionP ?? 0, modelId: row.suggestionModel },
  };
  return row.kind === 'label'
    ? { ...base, kind: 'label', value: row.value as CellClassName | null }
    : { ...base, kind: 'flag', value: row.value === '1' };
}
