// Rebuilding what the triggers derive (reader_state, cell_state) from the
// append-only record (label_events, edit_cells): the repair `smearlab verify
// --repair` runs, the last step of merging a work package, and the proof in
// the tests that the triggers and a replay agree. The replay feeds
// reader_state through the same triggers the live path uses, then adds the
// adjudicators' decisions and the edits. "Latest" is by event uid (UUIDv7:
// the order events were made in, on any workstation), which on one
// workstation is the id order the triggers follow, so both agree; after a
// merge only the uid order is the same everywhere.

import { decisionSql, readingsSql } from './migrations/005-readers.ts';
import type { StoreContext } from './store-context.ts';
import type { RebuildResult } from './types.ts';

const CELL_COLUMNS = `cell_id, label, label_event_id, flagged, flag_event_id, retired, retire_event_id, last_event_id,
  readers, distinct_labels, top_label, top_count, adjudicated_label, adjudicated_event_id, decided_by`;
const READER_COLUMNS = 'cell_id, annotator_id, label, label_event_id, flagged, flag_event_id, last_event_id';

/** Cells whose rows differ between two copies of a derived table. */
function differing(table: string, columns: string): string {
  return `SELECT cell_id FROM (SELECT ${columns} FROM temp.old_${table} EXCEPT SELECT ${columns} FROM main.${table})
    UNION SELECT cell_id FROM (SELECT ${columns} FROM main.${table} EXCEPT SELECT ${columns} FROM temp.old_${table})`;
}

/** Each reader's latest label and flag per cell, latest by uid. */
const latest = (kind: string, column: string) => `(SELECT l.${column} FROM label_events l WHERE l.cell_id = e.cell_id
  AND l.annotator_id = e.annotator_id AND l.role = 'reader' AND ${kind} ORDER BY l.uid DESC, l.id DESC LIMIT 1)`;
const DERIVED_READER_STATE = `
  SELECT e.cell_id AS cell_id, e.annotator_id AS annotator_id,
    ${latest("l.kind = 'label'", 'value')} AS label, ${latest("l.kind = 'label'", 'id')} AS label_event_id,
    coalesce(CAST(${latest("l.kind = 'flag'", 'value')} AS INTEGER), 0) AS flagged, ${latest("l.kind = 'flag'", 'id')} AS flag_event_id,
    ${latest("l.kind <> 'edit'", 'id')} AS last_event_id
  FROM label_events e WHERE e.kind <> 'edit' AND e.role = 'reader' GROUP BY e.cell_id, e.annotator_id`;

/** Runs inside the caller's write transaction. */
export function rebuildDerivedState(ctx: StoreContext): RebuildResult {
  ctx.db.exec(`
    DROP TABLE IF EXISTS temp.old_cell_state;
    DROP TABLE IF EXISTS temp.old_reader_state;
    CREATE TEMP TABLE old_cell_state AS SELECT ${CELL_COLUMNS} FROM main.cell_state;
    CREATE TEMP TABLE old_reader_state AS SELECT ${READER_COLUMNS} FROM main.reader_state;
    DELETE FROM main.reader_state;
    DELETE FROM main.cell_state;
    INSERT INTO main.reader_state (${READER_COLUMNS}) ${DERIVED_READER_STATE};
    INSERT INTO main.cell_state (cell_id, adjudicated_label, adjudicated_event_id, last_event_id)
      SELECT a.cell_id, a.value, a.id, a.id FROM label_events a
      WHERE a.kind = 'label' AND a.role = 'adjudicator'
        AND a.id = (SELECT b.id FROM label_events b WHERE b.cell_id = a.cell_id AND b.kind = 'label' AND b.role = 'adjudicator'
          ORDER BY b.uid DESC, b.id DESC LIMIT 1)
      ON CONFLICT (cell_id) DO UPDATE SET adjudicated_label = excluded.adjudicated_label,
        adjudicated_event_id = excluded.adjudicated_event_id, last_event_id = max(last_event_id, excluded.last_event_id);
    INSERT INTO main.cell_state (cell_id, retired, retire_event_id, last_event_id)
      SELECT x.cell_id, x.change = 'retire', CASE x.change WHEN 'retire' THEN x.event_id END, x.event_id FROM edit_cells x
      WHERE x.event_id = (SELECT y.event_id FROM edit_cells y JOIN label_events ye ON ye.id = y.event_id WHERE y.cell_id = x.cell_id
        ORDER BY ye.uid DESC, ye.id DESC LIMIT 1)
      ON CONFLICT (cell_id) DO UPDATE SET retired = excluded.retired, retire_event_id = excluded.retire_event_id,
        last_event_id = max(last_event_id, excluded.last_event_id);
    ${readingsSql('1')}
    ${decisionSql('1')}
  `);
  const corrected = ctx.db.prepare(`SELECT count(DISTINCT cell_id) FROM (${differing('cell_state', CELL_COLUMNS)}
    UNION ALL ${differing('reader_state', READER_COLUMNS)})`).pluck().get() as number;
  ctx.db.exec('DROP TABLE temp.old_cell_state; DROP TABLE temp.old_reader_state;');
  const cells = ctx.value('SELECT count(*) FROM cell_state') as number;
  return { cells, corrected };
}

/** Recomputes the decision of every cell of a slide (after its rule or quorum changed); runs in the caller's transaction. */
export function redecideSlide(ctx: StoreContext, slideId: number): void {
  ctx.db.exec(decisionSql(`cell_id IN (SELECT id FROM cells WHERE slide_id = ${Math.trunc(slideId)})`));
}
