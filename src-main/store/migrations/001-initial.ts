// Schema version 1. Never edit a migration that has shipped: add the next one.
// Tables are STRICT, so a float in an INTEGER column or a string in a REAL one
// is refused by SQLite itself, not only by the TypeScript checks.

export const INITIAL_SCHEMA = `
CREATE TABLE annotators (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE slides (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL,
  quickhash TEXT,
  width INTEGER NOT NULL CHECK (width >= 0),
  height INTEGER NOT NULL CHECK (height >= 0),
  mpp_x REAL CHECK (mpp_x > 0),
  mpp_y REAL CHECK (mpp_y > 0),
  smear_id TEXT NOT NULL UNIQUE,
  fov_mask_path TEXT,
  kind TEXT NOT NULL DEFAULT 'scan' CHECK (kind IN ('scan', 'slice-images')),
  -- Largest cell box ever stored for the slide: the margin a viewport query
  -- needs to find boxes that reach into it from a centre outside it. Only grows.
  max_cell_w INTEGER NOT NULL DEFAULT 0,
  max_cell_h INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE slices (
  id INTEGER PRIMARY KEY,
  slide_id INTEGER NOT NULL REFERENCES slides(id),
  x INTEGER NOT NULL CHECK (x >= 0),
  y INTEGER NOT NULL CHECK (y >= 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  tissue_fraction REAL CHECK (tissue_fraction BETWEEN 0 AND 1),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  cell_count INTEGER CHECK (cell_count >= 0),
  error TEXT,
  updated_at INTEGER NOT NULL,
  UNIQUE (slide_id, x, y)
) STRICT;
CREATE INDEX slices_reading_order ON slices (slide_id, y, x);

-- cells copy their slice's position (slice_x, slice_y) so that one index
-- serves reading order; a slice never moves, which this trigger guarantees.
CREATE TRIGGER slices_fixed_position BEFORE UPDATE OF slide_id, x, y ON slices
BEGIN
  SELECT RAISE(ABORT, 'a slice''s slide and position never change');
END;

CREATE TABLE cells (
  id INTEGER PRIMARY KEY,
  slide_id INTEGER NOT NULL REFERENCES slides(id),
  slice_id INTEGER NOT NULL REFERENCES slices(id),
  slice_x INTEGER NOT NULL,
  slice_y INTEGER NOT NULL,
  number INTEGER NOT NULL CHECK (number >= 1),
  box_x INTEGER NOT NULL,
  box_y INTEGER NOT NULL,
  box_w INTEGER NOT NULL CHECK (box_w > 0),
  box_h INTEGER NOT NULL CHECK (box_h > 0),
  centre_x REAL NOT NULL,
  centre_y REAL NOT NULL,
  area REAL CHECK (area >= 0),
  perimeter REAL CHECK (perimeter >= 0),
  roundness REAL CHECK (roundness >= 0),
  solidity REAL,
  eccentricity REAL,
  crop_path TEXT,
  source TEXT NOT NULL CHECK (source IN ('auto', 'manual', 'imported')),
  model TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (slice_id, number),
  -- The viewport query relies on the centre lying inside the box.
  CHECK (centre_x BETWEEN box_x AND box_x + box_w AND centre_y BETWEEN box_y AND box_y + box_h)
) STRICT;
-- Reading order: slices top to bottom then left to right, cells inside a
-- slice by centre y then x, then id (the rowid every index ends with).
CREATE INDEX cells_reading_order ON cells (slide_id, slice_y, slice_x, centre_y, centre_x);
CREATE INDEX cells_viewport ON cells (slide_id, centre_y, centre_x);

CREATE TRIGGER cells_grow_slide_extent AFTER INSERT ON cells
BEGIN
  UPDATE slides SET max_cell_w = max(max_cell_w, NEW.box_w), max_cell_h = max(max_cell_h, NEW.box_h)
  WHERE id = NEW.slide_id AND (max_cell_w < NEW.box_w OR max_cell_h < NEW.box_h);
END;

-- The record of every labelling decision; nothing ever changes or removes a row.
-- stack_below_id links each annotator's undo and redo stacks through the events:
-- for 'do' and 'redo' it is the event under this one on the undo stack, for
-- 'undo' the event under this one on the redo stack (see label-repository.ts).
CREATE TABLE label_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  kind TEXT NOT NULL CHECK (kind IN ('label', 'flag')),
  value TEXT,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  action TEXT NOT NULL CHECK (action IN ('do', 'undo', 'redo', 'import')),
  reverts_event_id INTEGER REFERENCES label_events(id),
  stack_below_id INTEGER REFERENCES label_events(id),
  created_at INTEGER NOT NULL,
  CHECK (kind <> 'label' OR value IS NULL OR value IN ('healthy', 'rubbish', 'unhealthy', 'bothcells')),
  CHECK (kind <> 'flag' OR value IN ('0', '1')),
  CHECK ((action IN ('undo', 'redo')) = (reverts_event_id IS NOT NULL))
) STRICT;
CREATE INDEX label_events_cell ON label_events (cell_id, kind);
CREATE INDEX label_events_undo_stack ON label_events (annotator_id) WHERE action <> 'import';

CREATE TRIGGER label_events_no_update BEFORE UPDATE ON label_events
BEGIN
  SELECT RAISE(ABORT, 'label_events is append-only');
END;
CREATE TRIGGER label_events_no_delete BEFORE DELETE ON label_events
BEGIN
  SELECT RAISE(ABORT, 'label_events is append-only');
END;

-- Derived from label_events (rebuildCellState recomputes it); kept in step by
-- this trigger, inside the transaction of the event insert. Cells that never
-- had an event have no row: their label is NULL and they are not flagged.
CREATE TABLE cell_state (
  cell_id INTEGER PRIMARY KEY REFERENCES cells(id),
  label TEXT,
  label_event_id INTEGER,
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
  flag_event_id INTEGER,
  last_event_id INTEGER NOT NULL
) STRICT;
CREATE INDEX cell_state_label ON cell_state (label);

CREATE TRIGGER label_events_derive_state AFTER INSERT ON label_events
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

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  slide_id INTEGER REFERENCES slides(id),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  progress_done INTEGER NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total INTEGER CHECK (progress_total >= 0),
  progress_message TEXT,
  provider TEXT,
  model TEXT,
  timings TEXT CHECK (timings IS NULL OR json_valid(timings)),
  error TEXT,
  pid INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  heartbeat_at INTEGER
) STRICT;
CREATE INDEX jobs_slide ON jobs (slide_id);
CREATE INDEX jobs_state ON jobs (state);
`;
