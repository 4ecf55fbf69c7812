// Schema version 4: cell edits on the labels' undo stack.
//
// An edit (add, reshape, split, merge, reject) is a label_events row of kind
// 'edit' (value = the edit kind), so it sits on the annotator's one undo /
// redo stack with the labels (stack_below_id, reverts_event_id work as
// before). The cells it created, retired or restored are listed in
// edit_cells; whether a cell is retired is derived into cell_state by a
// trigger, like its label. Labels a new cell takes over from the cell it
// replaces are events with action 'inherit' (outside the undo stack).
//
// label_events' CHECKs change, which SQLite only allows by rebuilding the
// table: the triggers are dropped, the rows copied with their ids into a new
// table (self references pointing at the new name, which the RENAME keeps in
// step), the old table dropped, the new one renamed, the AUTOINCREMENT
// sequence carried over, indexes and append-only triggers made again.

import type { Database } from 'better-sqlite3';
import { CELL_CLASS_NAMES } from '../../domain/cell-class.ts';
import { CELL_EDIT_CHANGES, CELL_EDIT_KINDS } from '../../domain/cell-edit.ts';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Triggers that refuse every UPDATE and DELETE of the table. */
const appendOnly = (table: string) => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN
  SELECT RAISE(ABORT, '${table} is append-only');
END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN
  SELECT RAISE(ABORT, '${table} is append-only');
END;`;

const LABEL_EVENTS_V4 = (name: string) => `
CREATE TABLE ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  kind TEXT NOT NULL CHECK (kind IN ('label', 'flag', 'edit')),
  value TEXT,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  action TEXT NOT NULL CHECK (action IN ('do', 'undo', 'redo', 'import', 'inherit')),
  reverts_event_id INTEGER REFERENCES ${name}(id),
  stack_below_id INTEGER REFERENCES ${name}(id),
  created_at INTEGER NOT NULL,
  CHECK (kind <> 'label' OR value IS NULL OR value IN (${list(CELL_CLASS_NAMES)})),
  CHECK (kind <> 'flag' OR value IN ('0', '1')),
  CHECK (kind <> 'edit' OR (value IN (${list(CELL_EDIT_KINDS)}) AND action IN ('do', 'undo', 'redo'))),
  CHECK ((action IN ('undo', 'redo')) = (reverts_event_id IS NOT NULL))
) STRICT;`;

const AFTER_REBUILD = `
CREATE INDEX label_events_cell ON label_events (cell_id, kind);
-- Same predicate as schema 1 (queries name it); 'inherit' rows are few and filtered by the query.
CREATE INDEX label_events_undo_stack ON label_events (annotator_id) WHERE action <> 'import';

${appendOnly('label_events')}

CREATE TRIGGER label_events_derive_state AFTER INSERT ON label_events WHEN NEW.kind <> 'edit'
BEGIN
  INSERT INTO cell_state (cell_id, label, label_event_id, flagged, flag_event_id, last_event_id)
  VALUES (
    NEW.cell_id,
    CASE NEW.kind WHEN 'label' THEN NEW.value END,
    CASE NEW.kind WHEN 'label' THEN NEW.id END,
    CASE NEW.kind WHEN 'flag' THEN CAST(NEW.value AS INTEGER) ELSE 0 END,
    CASE NEW.kind WHEN 'flag' THEN NEW.id END,
    NEW.id)
  ON CONFLICT (cell_id) DO UPDATE SET
    label = CASE NEW.kind WHEN 'label' THEN NEW.value ELSE label END,
    label_event_id = CASE NEW.kind WHEN 'label' THEN NEW.id ELSE label_event_id END,
    flagged = CASE NEW.kind WHEN 'flag' THEN CAST(NEW.value AS INTEGER) ELSE flagged END,
    flag_event_id = CASE NEW.kind WHEN 'flag' THEN NEW.id ELSE flag_event_id END,
    last_event_id = NEW.id;
END;

-- Retired cells (an edit replaced or rejected them) are derived like labels:
-- 1 from the edit that retired the cell until one restores it.
ALTER TABLE cell_state ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE cell_state ADD COLUMN retire_event_id INTEGER;

-- What each edit event did to each cell; append-only like the events.
CREATE TABLE edit_cells (
  event_id INTEGER NOT NULL REFERENCES label_events(id),
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  change TEXT NOT NULL CHECK (change IN (${list(CELL_EDIT_CHANGES)})),
  PRIMARY KEY (event_id, cell_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX edit_cells_cell ON edit_cells (cell_id, event_id);

${appendOnly('edit_cells')}

CREATE TRIGGER edit_cells_derive_state AFTER INSERT ON edit_cells
BEGIN
  INSERT INTO cell_state (cell_id, retired, retire_event_id, last_event_id)
  VALUES (NEW.cell_id, NEW.change = 'retire', CASE NEW.change WHEN 'retire' THEN NEW.event_id END, NEW.event_id)
  ON CONFLICT (cell_id) DO UPDATE SET
    retired = NEW.change = 'retire',
    retire_event_id = CASE NEW.change WHEN 'retire' THEN NEW.event_id END,
    last_event_id = max(last_event_id, NEW.event_id);
END;
`;

export function migrateCellEdits(db: Database): void {
  db.exec(`
    DROP TRIGGER label_events_no_update;
    DROP TRIGGER label_events_no_delete;
    DROP TRIGGER label_events_derive_state;
    ${LABEL_EVENTS_V4('label_events_v4')}
    INSERT INTO label_events_v4 (id, cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at)
      SELECT id, cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at FROM label_events ORDER BY id;
  `);
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'label_events'").pluck().get() as number | undefined;
  db.exec(`
    DROP TABLE label_events;
    ALTER TABLE label_events_v4 RENAME TO label_events;
  `);
  // The old table's sequence may be ahead of its largest id; ids are never reused.
  if (sequence !== undefined) {
    db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'label_events'").run(sequence);
    db.prepare("INSERT INTO sqlite_sequence (name, seq) SELECT 'label_events', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'label_events')").run(sequence);
  }
  db.exec(AFTER_REBUILD);
}
