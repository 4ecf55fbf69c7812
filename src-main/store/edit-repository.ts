// Cell edits: add, reshape, split, merge, reject. Each is one transaction that
// inserts the new cells (source 'manual', never an UPDATE of an existing row),
// appends one 'edit' event on the annotator's undo stack and lists what it did
// to each cell (edit-events.ts); retired cells leave every list but keep their
// rows and label history.
//
// Labels and edits: a label stays on the cell it was given to. What a new cell
// takes over is recorded as 'inherit' events, one per reader under that
// reader's name, since each reader's labels are their own (outside the undo
// stack: undoing the edit retires the cell, inherited labels and all):
//   reshape: each reader's label and flag, and the adjudicator's decision (the same cell, a better box);
//   merge:   a reader's label when every part they labelled agrees, their flag when they flagged any part;
//   split, add: nothing (new cells the readers have not judged yet).

import { CELL_EDIT_KINDS, CELL_EDIT_MAX_PARTS, CELL_EDIT_SHAPES, type CellEditChange, type CellEditKind } from '../domain/cell-edit.ts';
import { CELL_KINDS, type CellView } from '../domain/cell.ts';
import type { CellClassName } from '../domain/cell-class.ts';
import { CELL_VIEW_COLUMNS, CELL_VIEW_FROM, toCellView } from './cell-rows.ts';
import { insertManualCell } from './cell-repository.ts';
import { appendEditEvent, readEditChange, type EditCellChange } from './edit-events.ts';
import { appendLabelEvent, roleOf, stackHeads } from './label-events.ts';
import { checkNewCell } from './slice-repository.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import type { CellEditInput } from './types.ts';
import { checkId, checkOneOf } from './validate.ts';

export interface CellEditRepository {
  /** Applies one edit in one transaction; refuses retired cells, cells of another slide and counts the kind does not allow. */
  editCells(input: CellEditInput): CellEditChange;
}

export function createCellEditRepository(ctx: StoreContext): CellEditRepository {
  const cellView = (id: number): CellView | null => {
    const row = ctx.sqlRaw(`SELECT ${CELL_VIEW_COLUMNS} FROM ${CELL_VIEW_FROM} WHERE c.id = ?`).get(id) as unknown[] | undefined;
    return row ? toCellView(row) : null;
  };
  return {
    editCells(input) {
      if (typeof input !== 'object' || input === null) throw invalid('cell edit must be an object');
      const kind = checkOneOf(input.kind, CELL_EDIT_KINDS, 'edit kind');
      const slideId = checkId(input.slideId, 'slide id');
      const annotatorId = checkId(input.annotatorId, 'annotator id');
      if (!Array.isArray(input.retire) || !Array.isArray(input.create)) throw invalid('retire and create must be arrays');
      const shape = CELL_EDIT_SHAPES[kind];
      checkCount(kind, 'retires', input.retire.length, shape.retire);
      checkCount(kind, 'creates', input.create.length, shape.create);
      const retireIds = input.retire.map((id, i) => checkId(id, `cell ${i + 1} to retire`));
      if (new Set(retireIds).size !== retireIds.length) throw invalid(`a ${kind} names a cell twice`);
      const rows = input.create.map((c, i) => {
        const what = `new cell ${i + 1}`;
        if (typeof c !== 'object' || c === null) throw invalid(`${what} must be an object`);
        const m = c.measures ?? null;
        const box = c.box;
        const centre = m?.nucleus && box && insideBox(m.nucleus, box) ? m.nucleus
          : { x: (box?.x ?? 0) + (box?.width ?? 0) / 2, y: (box?.y ?? 0) + (box?.height ?? 0) / 2 };
        return checkNewCell({
          box, centre, source: 'manual', kind: c.kind === undefined ? 'cell' : checkOneOf(c.kind, CELL_KINDS, `${what} kind`),
          area: m?.area, perimeter: m?.perimeter, nucleus: m?.nucleus ?? null, nucleusArea: m?.nucleusArea, nuclei: m?.nuclei,
        }, what);
      });
      return ctx.write(() => {
        if (!ctx.sql('SELECT 1 FROM slides WHERE id = ?').get(slideId)) throw notFound('slide', slideId);
        if (!ctx.sql('SELECT 1 FROM annotators WHERE id = ?').get(annotatorId)) throw notFound('annotator', annotatorId);
        const old = retireIds.map((id) => {
          const cell = cellView(id);
          if (!cell) throw notFound('cell', id);
          if (cell.slideId !== slideId) throw new StoreError('conflict', `cell ${id} belongs to slide ${cell.slideId}, not ${slideId}`);
          if (cell.retired) throw new StoreError('conflict', `cell ${id} was already replaced or rejected by an edit`);
          return cell;
        });
        const created = rows.map((row) => insertManualCell(ctx, slideId, row));
        const changes: EditCellChange[] = [
          ...created.map((cellId) => ({ cellId, change: 'create' as const })),
          ...old.map((cell) => ({ cellId: cell.id, change: 'retire' as const })),
        ];
        const { undoTop } = stackHeads(ctx, annotatorId);
        const role = roleOf(ctx, annotatorId);
        const { event } = appendEditEvent(ctx, { kind, annotatorId, action: 'do', stackBelowId: undoTop, changes, role });
        inheritLabels(ctx, kind, old.map((c) => c.id), created);
        // Read back after the inherited labels, so the answer shows them.
        return readEditChange(ctx, event.id);
      });
    },
  };
}

function checkCount(kind: CellEditKind, verb: string, n: number, [min, max]: readonly [number, number | null]): void {
  const upper = Math.min(max ?? CELL_EDIT_MAX_PARTS, CELL_EDIT_MAX_PARTS);
  if (n < min || n > upper) {
    const range = min === upper ? `${min}` : `${min} to ${upper}`;
    throw invalid(`a ${kind} ${verb} ${range} cell${upper === 1 ? '' : 's'}, got ${n}`);
  }
}

function insideBox(p: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;
}

interface Reading { annotatorId: number; label: CellClassName | null; flagged: number }

/** Appends each reader's (and on a reshape the adjudicator's) inherited label and flag to the new cells. */
function inheritLabels(ctx: StoreContext, kind: CellEditKind, oldIds: readonly number[], created: readonly number[]): void {
  if (kind !== 'reshape' && kind !== 'merge') return;
  const byReader = new Map<number, Reading[]>();
  for (const cellId of oldIds) {
    const rows = ctx.sql('SELECT annotator_id AS annotatorId, label, flagged FROM reader_state WHERE cell_id = ? ORDER BY annotator_id')
      .all(cellId) as Reading[];
    for (const r of rows) byReader.set(r.annotatorId, [...(byReader.get(r.annotatorId) ?? []), r]);
  }
  const decision = kind === 'reshape'
    ? ctx.sql(`SELECT st.adjudicated_label AS label, e.annotator_id AS annotatorId FROM cell_state st
        JOIN label_events e ON e.id = st.adjudicated_event_id WHERE st.cell_id = ? AND st.adjudicated_label IS NOT NULL`)
      .get(oldIds[0]) as { label: CellClassName; annotatorId: number } | undefined
    : undefined;
  for (const cellId of created) {
    for (const [annotatorId, readings] of byReader) {
      const labels = new Set(readings.flatMap((r) => (r.label === null ? [] : [r.label])));
      if (labels.size === 1) appendLabelEvent(ctx, { cellId, kind: 'label', value: [...labels][0]!, annotatorId, action: 'inherit' });
      if (readings.some((r) => r.flagged === 1)) appendLabelEvent(ctx, { cellId, kind: 'flag', value: '1', annotatorId, action: 'inherit' });
    }
    if (decision) {
      appendLabelEvent(ctx, { cellId, kind: 'label', value: decision.label, annotatorId: decision.annotatorId, action: 'inherit', role: 'adjudicator' });
    }
  }
}
