// Work packages (issue: several workstations): collecting a set of slides'
// cells and events by their stable ids, and merging such records into this
// database. Events are a grow-only set keyed by uid, so a merge is a union:
// idempotent (an event already here is skipped) and order-independent (after
// inserting what is new, every derived label is rebuilt in uid order, the
// order the events were made in on whichever workstation). Cells and slides
// are matched by uid too; the pipeline's cells have name-based uids, so the
// same scan ingested on two workstations gives the same cells. Nothing here
// resolves a disagreement: conflicting readings become the adjudicator's
// queue, differing settings are reported.

import type { CellEditChangeKind } from '../domain/cell-edit.ts';
import type {
  MergeReport, MergeSlideReport, WorkCell, WorkEvent, WorkRecords, WorkSlice, WorkSlide,
} from '../domain/work-package.ts';
import { refreshCellCount } from './cell-repository.ts';
import { SLIDE_COLUMNS } from './slide-repository.ts';
import type { SlideRecord } from '../domain/slide.ts';
import { rebuildDerivedState } from './derived-state.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import { checkId } from './validate.ts';

export interface WorkRepository {
  /** This database's own id. */
  storeUid(): string;
  /** Every slide given (default: all) with its slices, cells and events, by stable ids. */
  collectWork(slideIds?: readonly number[]): WorkRecords;
  /** Adds what the records hold and this database lacks; one transaction; refuses records that do not hold together. */
  mergeWork(records: WorkRecords): MergeReport;
  /** The state two workstations must agree on after exchanging packages, as sorted JSON (local ids, numbers and paths left out). */
  canonicalDump(): string;
  /** The slide with this stable id here, or null. */
  slideByUid(uid: string): SlideRecord | null;
  cellUid(cellId: number): string;
  /** A crop a package carried for the cell (JPEG), or null. */
  cachedCrop(cellId: number): Buffer | null;
  /** Folders where a moved scan is looked for. */
  listScanFolders(): string[];
  setScanFolders(paths: readonly string[]): string[];
  /** Points the slide at where its scan is now (the caller checked it is the same scan). */
  relocateSlide(slideId: number, path: string): void;
}

const CELL_COLUMNS = `c.uid, s.uid AS slide, c.slice_x AS sliceX, c.slice_y AS sliceY, c.number, c.box_x, c.box_y, c.box_w, c.box_h,
  c.centre_x, c.centre_y, c.area, c.perimeter, c.roundness, c.solidity, c.eccentricity, c.source, c.model, c.kind,
  c.nucleus_x, c.nucleus_y, c.nucleus_area AS nucleusArea, c.nuclei, c.created_at AS createdAt`;

interface CellRow {
  uid: string; slide: string; sliceX: number; sliceY: number; number: number; box_x: number; box_y: number; box_w: number; box_h: number;
  centre_x: number; centre_y: number; area: number | null; perimeter: number | null; roundness: number | null; solidity: number | null;
  eccentricity: number | null; source: WorkCell['source']; model: string | null; kind: WorkCell['kind']; nucleus_x: number | null;
  nucleus_y: number | null; nucleusArea: number | null; nuclei: number | null; createdAt: number;
}

function toWorkCell(r: CellRow): WorkCell {
  return {
    uid: r.uid, slide: r.slide, sliceX: r.sliceX, sliceY: r.sliceY, number: r.number,
    box: { x: r.box_x, y: r.box_y, width: r.box_w, height: r.box_h }, centre: { x: r.centre_x, y: r.centre_y },
    area: r.area, perimeter: r.perimeter, roundness: r.roundness, solidity: r.solidity, eccentricity: r.eccentricity,
    source: r.source, model: r.model, kind: r.kind,
    nucleus: r.nucleus_x === null || r.nucleus_y === null ? null : { x: r.nucleus_x, y: r.nucleus_y },
    nucleusArea: r.nucleusArea, nuclei: r.nuclei, createdAt: r.createdAt,
  };
}

const EVENT_COLUMNS = `e.uid, c.uid AS cell, e.kind, e.value, a.name AS annotator, e.action, e.role, e.created_at AS createdAt,
  r.uid AS reverts, e.id AS localId`;

export function createWorkRepository(ctx: StoreContext): WorkRepository {
  const storeUid = () => ctx.value('SELECT uid FROM store_identity WHERE id = 1') as string;

  function collectWork(slideIds?: readonly number[]): WorkRecords {
    const ids = slideIds === undefined
      ? ctx.sql('SELECT id FROM slides ORDER BY id').pluck().all() as number[]
      : slideIds.map((id, i) => checkId(id, `slide id ${i + 1}`));
    const slides: WorkSlide[] = [];
    const slices: WorkSlice[] = [];
    const cells: WorkCell[] = [];
    const events: WorkEvent[] = [];
    const names = new Set<string>();
    for (const slideId of ids) {
      const s = ctx.sql(`SELECT uid, smear_id AS smearId, path AS pathHint, format, quickhash, width, height, mpp_x AS mppX, mpp_y AS mppY,
          kind, created_at AS createdAt, blind, quorum, consensus_rule AS rule FROM slides WHERE id = ?`).get(slideId) as
        (Omit<WorkSlide, 'reading'> & { blind: number; quorum: number; rule: WorkSlide['reading']['rule'] }) | undefined;
      if (!s) throw notFound('slide', slideId);
      const { blind, quorum, rule, ...slide } = s;
      slides.push({ ...slide, reading: { blind: blind === 1, quorum, rule } });
      slices.push(...(ctx.sql(`SELECT ? AS slide, x, y, width, height, tissue_fraction AS tissueFraction, state FROM slices
        WHERE slide_id = ? ORDER BY y, x`).all(s.uid, slideId) as WorkSlice[]));
      cells.push(...(ctx.sql(`SELECT ${CELL_COLUMNS} FROM cells c JOIN slides s ON s.id = c.slide_id WHERE c.slide_id = ? ORDER BY c.uid`)
        .all(slideId) as CellRow[]).map(toWorkCell));
      const rows = ctx.sql(`SELECT ${EVENT_COLUMNS} FROM label_events e JOIN cells c ON c.id = e.cell_id JOIN annotators a ON a.id = e.annotator_id
        LEFT JOIN label_events r ON r.id = e.reverts_event_id WHERE c.slide_id = ? ORDER BY e.uid`).all(slideId) as
        Array<Omit<WorkEvent, 'edits'> & { localId: number }>;
      const editsOf = ctx.sql(`SELECT c.uid AS cell, x.change FROM edit_cells x JOIN cells c ON c.id = x.cell_id WHERE x.event_id = ? ORDER BY c.uid`);
      for (const { localId, ...e } of rows) {
        if (e.uid === null) throw new StoreError('conflict', `label event ${localId} has no stable id (written outside Smearlab); it cannot travel`);
        names.add(e.annotator);
        events.push({ ...e, edits: e.kind === 'edit' ? editsOf.all(localId) as WorkEvent['edits'] : [] });
      }
    }
    const annotators = [...names].sort().map((name) => ({
      name, role: ctx.value('SELECT role FROM annotators WHERE name = ?', name) as WorkRecords['annotators'][number]['role'],
    }));
    return { from: storeUid(), annotators, slides, slices, cells, events, crops: [] };
  }

  function mergeWork(records: WorkRecords): MergeReport {
    checkHoldsTogether(records);
    return ctx.write(() => {
      const now = ctx.now();
      const annotatorIds = new Map<string, number>();
      for (const a of records.annotators) {
        const existing = ctx.value('SELECT id FROM annotators WHERE name = ?', a.name) as number | undefined;
        annotatorIds.set(a.name, existing ?? Number(ctx.sql('INSERT INTO annotators (name, role, created_at) VALUES (?, ?, ?)')
          .run(a.name, a.role, now).lastInsertRowid));
      }
      const reports = new Map<string, MergeSlideReport & { readerCounts: Map<string, number> }>();
      const slideIds = new Map<string, number>();
      for (const s of records.slides) {
        const report = { uid: s.uid, smearId: s.smearId, added: false, cells: 0, labels: 0, flags: 0, edits: 0, readers: [], openDisagreements: 0,
          notes: [] as string[], readerCounts: new Map<string, number>() };
        reports.set(s.uid, report);
        const here = ctx.sql('SELECT id, smear_id AS smearId, blind, quorum, consensus_rule AS rule FROM slides WHERE uid = ?').get(s.uid) as
          { id: number; smearId: string; blind: number; quorum: number; rule: string } | undefined;
        if (here) {
          slideIds.set(s.uid, here.id);
          if (here.blind !== (s.reading.blind ? 1 : 0) || here.quorum !== s.reading.quorum || here.rule !== s.reading.rule) {
            report.notes.push(`reading settings differ (here: blind ${here.blind === 1}, quorum ${here.quorum}, ${here.rule}; ` +
              `package: blind ${s.reading.blind}, quorum ${s.reading.quorum}, ${s.reading.rule}); kept this workstation's`);
          }
          continue;
        }
        report.added = true;
        let smearId = s.smearId;
        if (ctx.sql('SELECT 1 FROM slides WHERE smear_id = ?').get(smearId)) {
          smearId = `${s.smearId}~${s.uid.slice(0, 8)}`;
          report.notes.push(`smear id ${s.smearId} is another slide's here: this one is ${smearId}`);
        }
        const path = ctx.sql('SELECT 1 FROM slides WHERE path = ?').get(s.pathHint) ? `${s.pathHint}#${s.uid}` : s.pathHint;
        slideIds.set(s.uid, Number(ctx.sql(`INSERT INTO slides (path, format, quickhash, width, height, mpp_x, mpp_y, smear_id, kind, created_at,
            uid, blind, quorum, consensus_rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(path, s.format, s.quickhash, s.width, s.height, s.mppX, s.mppY, smearId, s.kind, s.createdAt, s.uid,
            s.reading.blind ? 1 : 0, s.reading.quorum, s.reading.rule).lastInsertRowid));
      }
      const sliceIds = new Map<string, number>();
      const sliceKey = (slideId: number, x: number, y: number) => `${slideId}/${x}/${y}`;
      for (const sl of records.slices) {
        const slideId = slideIds.get(sl.slide) as number;
        const id = ctx.value('SELECT id FROM slices WHERE slide_id = ? AND x = ? AND y = ?', slideId, sl.x, sl.y) as number | undefined;
        sliceIds.set(sliceKey(slideId, sl.x, sl.y), id ?? Number(ctx.sql(`INSERT INTO slices (slide_id, x, y, width, height, tissue_fraction, state, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(slideId, sl.x, sl.y, sl.width, sl.height, sl.tissueFraction, sl.state, now).lastInsertRowid));
      }
      const cellIds = new Map<string, number>();
      const touchedSlices = new Set<number>();
      const insertCell = ctx.sql(`INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h, centre_x, centre_y,
          area, perimeter, roundness, solidity, eccentricity, source, model, kind, nucleus_x, nucleus_y, nucleus_area, nuclei, created_at, uid)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const c of records.cells) {
        const here = ctx.value('SELECT id FROM cells WHERE uid = ?', c.uid) as number | undefined;
        if (here !== undefined) {
          cellIds.set(c.uid, here);
          continue;
        }
        const slideId = slideIds.get(c.slide) as number;
        const sliceId = sliceIds.get(sliceKey(slideId, c.sliceX, c.sliceY));
        if (sliceId === undefined) throw invalid(`cell ${c.uid} lies in slice (${c.sliceX}, ${c.sliceY}), which the package does not hold`);
        // Numbers are per workstation: a number taken here by another cell moves the newcomer to the next free one.
        const number = ctx.sql('SELECT 1 FROM cells WHERE slice_id = ? AND number = ?').get(sliceId, c.number)
          ? ctx.value('SELECT max(number) + 1 FROM cells WHERE slice_id = ?', sliceId) as number : c.number;
        cellIds.set(c.uid, Number(insertCell.run(slideId, sliceId, c.sliceX, c.sliceY, number, c.box.x, c.box.y, c.box.width, c.box.height,
          c.centre.x, c.centre.y, c.area, c.perimeter, c.roundness, c.solidity, c.eccentricity, c.source, c.model, c.kind,
          c.nucleus?.x ?? null, c.nucleus?.y ?? null, c.nucleusArea, c.nuclei, c.createdAt, c.uid).lastInsertRowid));
        touchedSlices.add(sliceId);
        reports.get(c.slide)!.cells++;
      }
      const insertEvent = ctx.sql(`INSERT INTO label_events (cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id,
          created_at, role, uid, merged_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`);
      const insertEdit = ctx.sql('INSERT INTO edit_cells (event_id, cell_id, change) VALUES (?, ?, ?)');
      const slideOfCell = new Map(records.cells.map((c) => [c.uid, c.slide]));
      let added = 0;
      let already = 0;
      for (const e of [...records.events].sort((a, b) => (a.uid < b.uid ? -1 : 1))) {
        if (ctx.sql('SELECT 1 FROM label_events WHERE uid = ?').get(e.uid)) {
          already++;
          continue;
        }
        const reverts = e.reverts === null ? null : ctx.value('SELECT id FROM label_events WHERE uid = ?', e.reverts) as number | undefined;
        if (e.reverts !== null && reverts === undefined) throw invalid(`event ${e.uid} reverts ${e.reverts}, which is neither here nor in the package`);
        const id = Number(insertEvent.run(cellIds.get(e.cell), e.kind, e.value, annotatorIds.get(e.annotator), e.action, reverts ?? null,
          e.createdAt, e.role, e.uid, now).lastInsertRowid);
        for (const x of e.edits) insertEdit.run(id, cellIds.get(x.cell), x.change satisfies CellEditChangeKind);
        added++;
        const report = reports.get(slideOfCell.get(e.cell) as string)!;
        if (e.kind === 'label') report.labels++;
        else if (e.kind === 'flag') report.flags++;
        else report.edits++;
        report.readerCounts.set(e.annotator, (report.readerCounts.get(e.annotator) ?? 0) + 1);
      }
      const insertCrop = ctx.sql('INSERT INTO cell_crops (cell_id, jpeg, created_at) VALUES (?, ?, ?) ON CONFLICT (cell_id) DO NOTHING');
      for (const crop of records.crops) insertCrop.run(cellIds.get(crop.cell), Buffer.from(crop.jpeg, 'base64'), now);
      for (const sliceId of touchedSlices) refreshCellCount(ctx, sliceId);
      // Whatever order the events arrived in, labels are derived in the order they were made.
      if (added > 0) rebuildDerivedState(ctx);
      const slides = [...reports.values()].map(({ readerCounts, ...r }) => ({
        ...r,
        readers: [...readerCounts].sort(([a], [b]) => a.localeCompare(b)).map(([name, events]) => ({ name, events })),
        openDisagreements: ctx.value(`SELECT count(*) FROM cells c JOIN cell_state st ON st.cell_id = c.id WHERE c.slide_id = ?
          AND coalesce(st.retired, 0) = 0 AND st.adjudicated_label IS NULL AND (st.distinct_labels > 1 OR st.flagged = 1)`, slideIds.get(r.uid)) as number,
      }));
      return { from: records.from, slides, eventsAlreadyHere: already, eventsAdded: added };
    });
  }

  function canonicalDump(): string {
    const rows = (sql: string) => ctx.sql(sql).all();
    return JSON.stringify({
      slides: rows('SELECT uid, smear_id AS smearId, format, quickhash, width, height, kind FROM slides ORDER BY uid'),
      cells: rows(`SELECT c.uid, s.uid AS slide, c.box_x, c.box_y, c.box_w, c.box_h, c.kind, c.source, c.model
        FROM cells c JOIN slides s ON s.id = c.slide_id ORDER BY c.uid`),
      events: rows(`SELECT e.uid, c.uid AS cell, e.kind, e.value, a.name AS annotator, e.action, e.role, e.created_at AS createdAt, r.uid AS reverts
        FROM label_events e JOIN cells c ON c.id = e.cell_id JOIN annotators a ON a.id = e.annotator_id
        LEFT JOIN label_events r ON r.id = e.reverts_event_id ORDER BY e.uid`),
      edits: rows(`SELECT e.uid AS event, c.uid AS cell, x.change FROM edit_cells x JOIN label_events e ON e.id = x.event_id
        JOIN cells c ON c.id = x.cell_id ORDER BY e.uid, c.uid`),
      readings: rows(`SELECT c.uid AS cell, a.name AS reader, rs.label, rs.flagged FROM reader_state rs JOIN cells c ON c.id = rs.cell_id
        JOIN annotators a ON a.id = rs.annotator_id ORDER BY c.uid, a.name`),
      decisions: rows(`SELECT c.uid AS cell, st.label, st.decided_by AS decidedBy, st.flagged, st.retired, st.adjudicated_label AS adjudicated
        FROM cell_state st JOIN cells c ON c.id = st.cell_id ORDER BY c.uid`),
    });
  }

  return {
    storeUid, collectWork, mergeWork, canonicalDump,
    slideByUid(uid) {
      return (ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides WHERE uid = ?`).get(uid) as SlideRecord | undefined) ?? null;
    },
    cellUid(cellId) {
      const uid = ctx.value('SELECT uid FROM cells WHERE id = ?', checkId(cellId, 'cell id')) as string | undefined;
      if (uid === undefined) throw notFound('cell', cellId);
      return uid;
    },
    cachedCrop(cellId) {
      const row = ctx.sql('SELECT jpeg FROM cell_crops WHERE cell_id = ?').get(checkId(cellId, 'cell id')) as { jpeg: Buffer } | undefined;
      return row?.jpeg ?? null;
    },
    listScanFolders() {
      return ctx.sql('SELECT path FROM scan_folders ORDER BY path').pluck().all() as string[];
    },
    setScanFolders(paths) {
      if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || p.length === 0)) throw invalid('scan folders must be a list of paths');
      return ctx.write(() => {
        ctx.sql('DELETE FROM scan_folders').run();
        const insert = ctx.sql('INSERT INTO scan_folders (path, created_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING');
        for (const p of paths) insert.run(p, ctx.now());
        return ctx.sql('SELECT path FROM scan_folders ORDER BY path').pluck().all() as string[];
      });
    },
    relocateSlide(slideId, path) {
      ctx.write(() => {
        const id = checkId(slideId, 'slide id');
        const holder = ctx.value('SELECT id FROM slides WHERE path = ?', path) as number | undefined;
        if (holder !== undefined && holder !== id) throw new StoreError('conflict', `${path} is already slide ${holder}'s scan`);
        if (ctx.sql('UPDATE slides SET path = ? WHERE id = ?').run(path, id).changes === 0) throw notFound('slide', id);
      });
    },
  };
}

/** Every reference inside the records resolves inside them (or is a known gap we refuse), before anything is written. */
function checkHoldsTogether(records: WorkRecords): void {
  const slides = new Set(records.slides.map((s) => s.uid));
  const cells = new Set(records.cells.map((c) => c.uid));
  const names = new Set(records.annotators.map((a) => a.name));
  for (const sl of records.slices) if (!slides.has(sl.slide)) throw invalid(`a slice refers to slide ${sl.slide}, which the package does not hold`);
  for (const c of records.cells) if (!slides.has(c.slide)) throw invalid(`cell ${c.uid} refers to slide ${c.slide}, which the package does not hold`);
  for (const c of records.crops) if (!cells.has(c.cell)) throw invalid(`a crop belongs to cell ${c.cell}, which the package does not hold`);
  for (const e of records.events) {
    if (!cells.has(e.cell)) throw invalid(`event ${e.uid} refers to cell ${e.cell}, which the package does not hold`);
    if (!names.has(e.annotator)) throw invalid(`event ${e.uid} names annotator "${e.annotator}", whom the package does not list`);
    for (const x of e.edits) if (!cells.has(x.cell)) throw invalid(`edit ${e.uid} changes cell ${x.cell}, which the package does not hold`);
  }
}
