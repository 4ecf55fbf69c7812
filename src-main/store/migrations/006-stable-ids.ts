// Schema version 6: identities that travel between workstations (work
// packages, see store/work-repository.ts), the crops a package may carry, and
// the folders a moved scan is looked for in. Every database gets its own id;
// slides, cells and label events get a `uid` (stable-ids.ts): slides and the
// pipeline's cells name-based (the same scan ingested twice gives the same
// ids), events UUIDv7 in the order they were made. Local integer ids stay
// internal. Rows written before get theirs here: events in id order, so
// their uids keep that order.

import type { Database } from 'better-sqlite3';
import { autoCellUidOf, createUidSource, randomUid, slideUidOf } from '../stable-ids.ts';

export const STABLE_IDS_SCHEMA = `
CREATE TABLE store_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  uid TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
ALTER TABLE slides ADD COLUMN uid TEXT;
ALTER TABLE cells ADD COLUMN uid TEXT;
ALTER TABLE label_events ADD COLUMN uid TEXT;
-- When a merge brought the event from another workstation (NULL: made here); such events stay off the local undo stacks.
ALTER TABLE label_events ADD COLUMN merged_at INTEGER;
-- Small JPEG crops a work package carried: shown while the cell's scan cannot be opened here.
CREATE TABLE cell_crops (
  cell_id INTEGER PRIMARY KEY REFERENCES cells(id),
  jpeg BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
-- Where this workstation looks for a scan that is not where its slide says (a USB stick, a share).
CREATE TABLE scan_folders (
  path TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) STRICT;
`;

const AFTER_BACKFILL = `
CREATE UNIQUE INDEX slides_uid ON slides (uid);
CREATE UNIQUE INDEX cells_uid ON cells (uid);
CREATE UNIQUE INDEX label_events_uid ON label_events (uid);
-- A cell written without one (by hand, outside the store) still gets an id.
CREATE TRIGGER cells_uid_missing AFTER INSERT ON cells WHEN NEW.uid IS NULL
BEGIN
  UPDATE cells SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
`;

export function migrateStableIds(db: Database): void {
  db.exec(STABLE_IDS_SCHEMA);
  db.prepare('INSERT INTO store_identity (id, uid, created_at) VALUES (1, ?, ?)').run(randomUid(), Date.now());
  const slides = db.prepare('SELECT id, quickhash, smear_id AS smearId FROM slides ORDER BY id').all() as
    Array<{ id: number; quickhash: string | null; smearId: string }>;
  const setSlide = db.prepare('UPDATE slides SET uid = ? WHERE id = ?');
  const slideUids = new Map<number, string>();
  for (const s of slides) {
    const uid = s.quickhash ? slideUidOf(s.quickhash, s.smearId) : randomUid();
    slideUids.set(s.id, uid);
    setSlide.run(uid, s.id);
  }
  const cells = db.prepare(`SELECT id, slide_id AS slideId, source, model, box_x AS x, box_y AS y, box_w AS width, box_h AS height, kind
    FROM cells ORDER BY id`).all() as Array<{ id: number; slideId: number; source: string; model: string | null; kind: string; x: number; y: number; width: number; height: number }>;
  const setCell = db.prepare('UPDATE cells SET uid = ? WHERE id = ?');
  const taken = new Set<string>();
  for (const c of cells) {
    let uid = c.source === 'auto' ? autoCellUidOf(slideUids.get(c.slideId) as string, c.model, c, c.kind) : randomUid();
    if (taken.has(uid)) uid = randomUid();
    taken.add(uid);
    setCell.run(uid, c.id);
  }
  // label_events is append-only: lift the guard for this one backfill, inside the migration's transaction.
  db.exec('DROP TRIGGER label_events_no_update;');
  const events = db.prepare('SELECT id, created_at AS createdAt FROM label_events ORDER BY id').all() as Array<{ id: number; createdAt: number }>;
  let at = 0;
  const next = createUidSource(() => at);
  const setEvent = db.prepare('UPDATE label_events SET uid = ? WHERE id = ?');
  for (const e of events) {
    at = e.createdAt;
    setEvent.run(next(), e.id);
  }
  db.exec(`CREATE TRIGGER label_events_no_update BEFORE UPDATE ON label_events
    BEGIN
      SELECT RAISE(ABORT, 'label_events is append-only');
    END;
    ${AFTER_BACKFILL}`);
}
