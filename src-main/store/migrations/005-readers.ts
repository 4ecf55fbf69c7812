// Schema version 5: several readers on one smear.
//
// Until now cell_state held the last label anyone gave a cell. From here:
//   - label_events.role: 'reader' (a reading) or 'adjudicator' (a decision on
//     a disputed cell), as the annotator's role was when the event was made;
//   - reader_state: each reader's current label and flag per cell, derived
//     from their own events by a trigger (the old cell_state, one per reader);
//   - cell_state: what the readings add up to (how many readers labelled the
//     cell, how many different labels, the most given one, any flag), the
//     adjudicator's decision, and `label` = the decision: the adjudicator's
//     when there is one, else the readers' consensus under the slide's rule
//     and quorum (slides.consensus_rule, slides.quorum), else NULL;
//   - slides.blind: blind second reading (enforced by the API, see
//     api/handlers/reading.ts).
// With one reader and quorum 1 (the defaults) the decision is that reader's
// label, as before. Existing labels become their annotators' readings.

import type { Database } from 'better-sqlite3';
import { CELL_CLASS_NAMES } from '../../domain/cell-class.ts';

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Recomputes the decision of the cells matching `where` (a term on cell_state,
 * e.g. `cell_id = NEW.cell_id`) from the aggregates and the slide's rule.
 * Two statements: decided_by first, then the label it selects.
 */
export function decisionSql(where: string): string {
  const slide = (column: string) =>
    `(SELECT s.${column} FROM cells dc JOIN slides s ON s.id = dc.slide_id WHERE dc.id = cell_state.cell_id)`;
  return `
  UPDATE cell_state SET decided_by = CASE
      WHEN adjudicated_label IS NOT NULL THEN 'adjudicated'
      WHEN readers > 0 AND readers >= ${slide('quorum')} AND distinct_labels = 1 THEN 'unanimous'
      WHEN readers > 0 AND readers >= ${slide('quorum')} AND ${slide('consensus_rule')} = 'majority' AND top_count * 2 > readers THEN 'majority'
    END
  WHERE ${where};
  UPDATE cell_state SET
    label = CASE WHEN decided_by = 'adjudicated' THEN adjudicated_label WHEN decided_by IS NOT NULL THEN top_label END,
    label_event_id = CASE WHEN decided_by = 'adjudicated' THEN adjudicated_event_id WHEN decided_by IS NOT NULL THEN
      (SELECT max(r.label_event_id) FROM reader_state r WHERE r.cell_id = cell_state.cell_id AND r.label = cell_state.top_label) END
  WHERE ${where};`;
}

/** The readings' aggregates of the cells matching `where` (a term on cell_state). */
export function readingsSql(where: string): string {
  const of = 'FROM reader_state r WHERE r.cell_id = cell_state.cell_id';
  return `
  UPDATE cell_state SET
    readers = (SELECT count(*) ${of} AND r.label IS NOT NULL),
    distinct_labels = (SELECT count(DISTINCT r.label) ${of} AND r.label IS NOT NULL),
    top_label = (SELECT r.label ${of} AND r.label IS NOT NULL GROUP BY r.label ORDER BY count(*) DESC, min(r.label_event_id) LIMIT 1),
    top_count = coalesce((SELECT count(*) ${of} AND r.label IS NOT NULL GROUP BY r.label ORDER BY count(*) DESC LIMIT 1), 0),
    flagged = coalesce((SELECT max(r.flagged) ${of}), 0),
    flag_event_id = (SELECT max(r.flag_event_id) ${of})
  WHERE ${where};`;
}

export const READERS_SCHEMA = `
ALTER TABLE annotators ADD COLUMN role TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'adjudicator'));
ALTER TABLE label_events ADD COLUMN role TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'adjudicator'));
ALTER TABLE slides ADD COLUMN blind INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1));
ALTER TABLE slides ADD COLUMN quorum INTEGER NOT NULL DEFAULT 1 CHECK (quorum >= 1);
ALTER TABLE slides ADD COLUMN consensus_rule TEXT NOT NULL DEFAULT 'unanimous' CHECK (consensus_rule IN ('unanimous', 'majority'));

CREATE TABLE reader_state (
  cell_id INTEGER NOT NULL REFERENCES cells(id),
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  label TEXT CHECK (label IS NULL OR label IN (${list(CELL_CLASS_NAMES)})),
  label_event_id INTEGER,
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
  flag_event_id INTEGER,
  last_event_id INTEGER NOT NULL,
  PRIMARY KEY (cell_id, annotator_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX reader_state_reader ON reader_state (annotator_id, label);

ALTER TABLE cell_state ADD COLUMN readers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cell_state ADD COLUMN distinct_labels INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cell_state ADD COLUMN top_label TEXT;
ALTER TABLE cell_state ADD COLUMN top_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cell_state ADD COLUMN adjudicated_label TEXT;
ALTER TABLE cell_state ADD COLUMN adjudicated_event_id INTEGER;
ALTER TABLE cell_state ADD COLUMN decided_by TEXT CHECK (decided_by IS NULL OR decided_by IN ('unanimous', 'majority', 'adjudicated'));

DROP TRIGGER label_events_derive_state;

CREATE TRIGGER label_events_reader_state AFTER INSERT ON label_events WHEN NEW.kind <> 'edit' AND NEW.role = 'reader'
BEGIN
  INSERT INTO reader_state (cell_id, annotator_id, label, label_event_id, flagged, flag_event_id, last_event_id)
  VALUES (
    NEW.cell_id, NEW.annotator_id,
    CASE NEW.kind WHEN 'label' THEN NEW.value END,
    CASE NEW.kind WHEN 'label' THEN NEW.id END,
    CASE NEW.kind WHEN 'flag' THEN CAST(NEW.value AS INTEGER) ELSE 0 END,
    CASE NEW.kind WHEN 'flag' THEN NEW.id END,
    NEW.id)
  ON CONFLICT (cell_id, annotator_id) DO UPDATE SET
    label = CASE NEW.kind WHEN 'label' THEN NEW.value ELSE label END,
    label_event_id = CASE NEW.kind WHEN 'label' THEN NEW.id ELSE label_event_id END,
    flagged = CASE NEW.kind WHEN 'flag' THEN CAST(NEW.value AS INTEGER) ELSE flagged END,
    flag_event_id = CASE NEW.kind WHEN 'flag' THEN NEW.id ELSE flag_event_id END,
    last_event_id = NEW.id;
END;

CREATE TRIGGER label_events_adjudication AFTER INSERT ON label_events WHEN NEW.kind = 'label' AND NEW.role = 'adjudicator'
BEGIN
  INSERT INTO cell_state (cell_id, adjudicated_label, adjudicated_event_id, last_event_id) VALUES (NEW.cell_id, NEW.value, NEW.id, NEW.id)
  ON CONFLICT (cell_id) DO UPDATE SET adjudicated_label = NEW.value, adjudicated_event_id = NEW.id, last_event_id = NEW.id;
  ${decisionSql('cell_id = NEW.cell_id')}
END;

CREATE TRIGGER reader_state_inserted AFTER INSERT ON reader_state
BEGIN
  INSERT INTO cell_state (cell_id, last_event_id) VALUES (NEW.cell_id, NEW.last_event_id)
  ON CONFLICT (cell_id) DO UPDATE SET last_event_id = max(last_event_id, NEW.last_event_id);
  ${readingsSql('cell_id = NEW.cell_id')}
  ${decisionSql('cell_id = NEW.cell_id')}
END;

CREATE TRIGGER reader_state_updated AFTER UPDATE ON reader_state
BEGIN
  UPDATE cell_state SET last_event_id = max(last_event_id, NEW.last_event_id) WHERE cell_id = NEW.cell_id;
  ${readingsSql('cell_id = NEW.cell_id')}
  ${decisionSql('cell_id = NEW.cell_id')}
END;

CREATE INDEX cell_state_open ON cell_state (cell_id) WHERE adjudicated_label IS NULL AND (distinct_labels > 1 OR flagged = 1);
`;

/** Every reader's current state from their own events (imports and inherited labels included). */
export const DERIVED_READER_STATE = `
  SELECT e.cell_id AS cell_id, e.annotator_id AS annotator_id,
    (SELECT l.value FROM label_events l WHERE l.cell_id = e.cell_id AND l.annotator_id = e.annotator_id AND l.role = 'reader'
      AND l.kind = 'label' ORDER BY l.id DESC LIMIT 1) AS label,
    (SELECT max(l.id) FROM label_events l WHERE l.cell_id = e.cell_id AND l.annotator_id = e.annotator_id AND l.role = 'reader'
      AND l.kind = 'label') AS label_event_id,
    coalesce((SELECT CAST(f.value AS INTEGER) FROM label_events f WHERE f.cell_id = e.cell_id AND f.annotator_id = e.annotator_id
      AND f.role = 'reader' AND f.kind = 'flag' ORDER BY f.id DESC LIMIT 1), 0) AS flagged,
    (SELECT max(f.id) FROM label_events f WHERE f.cell_id = e.cell_id AND f.annotator_id = e.annotator_id AND f.role = 'reader'
      AND f.kind = 'flag') AS flag_event_id,
    max(e.id) AS last_event_id
  FROM label_events e WHERE e.kind <> 'edit' AND e.role = 'reader' GROUP BY e.cell_id, e.annotator_id`;

export function migrateReaders(db: Database): void {
  db.exec(READERS_SCHEMA);
  // Existing labels become their annotators' readings; the triggers derive cell_state from them.
  db.exec(`INSERT INTO reader_state (cell_id, annotator_id, label, label_event_id, flagged, flag_event_id, last_event_id)
    ${DERIVED_READER_STATE};`);
}
