// Slices and the ingest pipeline's writes: plan the grid, hand out pending
// slices, and commit each slice's cells in one transaction, so a crash at any
// moment leaves every slice either untouched or completely written.
//
// Re-ingest policy: cells that carry label events are never deleted, nor are
// manual or imported cells (someone's work). Only unlabelled auto cells are
// replaced; a new cell that overlaps a kept one (IoU >= keptOverlapIou) is
// skipped, so the kept cell stands in for it. Cells an edit touched stay too,
// retired ones included: a rejected candidate is not found again.

import { intersectBoxes, type Box } from '../domain/geometry.ts';
import { CELL_KINDS, CELL_SOURCES } from '../domain/cell.ts';
import { LIVE_CELL_COUNT } from './cell-rows.ts';
import { appendLabelEvent } from './label-events.ts';
import { autoCellUidOf, randomUid } from './stable-ids.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import type { CommitOptions, CommitSliceResult, NewCell, PlanSlicesResult, PlannedSlice, ResetSlideResult } from './types.ts';
import type { SliceProgress, SliceRecord } from '../domain/slide.ts';
import { checkFinite, checkId, checkInt, checkLabel, checkOneOf, checkOptionalFinite, checkOptionalText } from './validate.ts';

export const DEFAULT_KEPT_OVERLAP_IOU = 0.5;

// What a re-ingest may replace: unlabelled auto cells no edit touched (an edited cell is part of the record).
const REPLACEABLE = `source = 'auto'
  AND NOT EXISTS (SELECT 1 FROM label_events e WHERE e.cell_id = cells.id)
  AND NOT EXISTS (SELECT 1 FROM edit_cells x WHERE x.cell_id = cells.id) RETURNING crop_path`;
const ERROR_TEXT_MAX = 4000;

export interface SliceRepository {
  /** Adds the slices not yet known (same slide, x, y); known ones keep their size and state. */
  planSlices(slideId: number, slices: readonly PlannedSlice[]): PlanSlicesResult;
  getSlice(id: number): SliceRecord;
  /** All slices of a slide in reading order (y, then x). */
  listSlices(slideId: number): SliceRecord[];
  /** Slices still to segment, in reading order; with includeFailed, failed ones too (a retry). */
  pendingSlices(slideId: number, options?: { includeFailed?: boolean }): SliceRecord[];
  sliceProgress(slideId: number): SliceProgress;
  commitSliceCells(sliceId: number, cells: readonly NewCell[], options?: CommitOptions): CommitSliceResult;
  failSlice(sliceId: number, error: string): SliceRecord;
  /** Forget a slide's pipeline output (not its labels) so it can be ingested again. */
  resetSlideForReingest(slideId: number): ResetSlideResult;
}

export const SLICE_COLUMNS = `id, slide_id AS slideId, x, y, width, height, tissue_fraction AS tissueFraction,
  state, cell_count AS cellCount, error, updated_at AS updatedAt`;

interface CellRow {
  number: number | null;
  box_x: number; box_y: number; box_w: number; box_h: number;
  centre_x: number; centre_y: number;
  area: number | null; perimeter: number | null; roundness: number | null;
  solidity: number | null; eccentricity: number | null;
  crop_path: string | null; source: string; model: string | null;
  kind: string; nucleus_x: number | null; nucleus_y: number | null; nucleus_area: number | null; nuclei: number | null;
  label: string | null | undefined; flagged: boolean | undefined;
}

export function createSliceRepository(ctx: StoreContext): SliceRepository {
  const get = (id: number): SliceRecord => {
    const row = ctx.sql(`SELECT ${SLICE_COLUMNS} FROM slices WHERE id = ?`).get(checkId(id, 'slice id')) as SliceRecord | undefined;
    if (!row) throw notFound('slice', id);
    return row;
  };
  const requireSlide = (slideId: number) => {
    if (!ctx.sql('SELECT 1 FROM slides WHERE id = ?').get(checkId(slideId, 'slide id'))) throw notFound('slide', slideId);
  };

  return {
    planSlices(slideId, slices) {
      if (!Array.isArray(slices)) throw invalid('slices must be an array');
      const rows = slices.map((s, i) => checkPlannedSlice(s, i));
      return ctx.write(() => {
        requireSlide(slideId);
        const insert = ctx.sql(`INSERT INTO slices (slide_id, x, y, width, height, tissue_fraction, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slide_id, x, y) DO NOTHING`);
        const updateTissue = ctx.sql('UPDATE slices SET tissue_fraction = ? WHERE slide_id = ? AND x = ? AND y = ?');
        let inserted = 0;
        const now = ctx.now();
        for (const s of rows) {
          if (insert.run(slideId, s.x, s.y, s.width, s.height, s.tissueFraction, now).changes === 1) inserted++;
          else if (s.tissueFraction !== null) updateTissue.run(s.tissueFraction, slideId, s.x, s.y);
        }
        return { inserted, existing: rows.length - inserted };
      });
    },
    getSlice: get,
    listSlices(slideId) {
      return ctx.sql(`SELECT ${SLICE_COLUMNS} FROM slices WHERE slide_id = ? ORDER BY y, x`).all(checkId(slideId, 'slide id')) as SliceRecord[];
    },
    pendingSlices(slideId, options = {}) {
      const states = options.includeFailed ? "('pending', 'failed')" : "('pending')";
      return ctx.sql(`SELECT ${SLICE_COLUMNS} FROM slices WHERE slide_id = ? AND state IN ${states} ORDER BY y, x`)
        .all(checkId(slideId, 'slide id')) as SliceRecord[];
    },
    sliceProgress(slideId) {
      const rows = ctx.sql('SELECT state, count(*) AS n FROM slices WHERE slide_id = ? GROUP BY state')
        .all(checkId(slideId, 'slide id')) as Array<{ state: 'pending' | 'done' | 'failed'; n: number }>;
      const progress: SliceProgress = { total: 0, pending: 0, done: 0, failed: 0 };
      for (const r of rows) {
        progress[r.state] = r.n;
        progress.total += r.n;
      }
      return progress;
    },
    commitSliceCells(sliceId, cells, options = {}) {
      checkId(sliceId, 'slice id');
      if (!Array.isArray(cells)) throw invalid('cells must be an array');
      const rows = cells.map((c, i) => checkNewCell(c, `cell ${i + 1} of ${cells.length} for slice ${sliceId}`));
      const threshold = checkOptionalFinite(options.keptOverlapIou, 'keptOverlapIou', 0) ?? DEFAULT_KEPT_OVERLAP_IOU;
      const needsAnnotator = rows.some((r) => (r.label ?? null) !== null || r.flagged === true);
      if (needsAnnotator && options.annotatorId === undefined) {
        throw invalid('cells carry labels or flags, so commitSliceCells needs options.annotatorId to record them');
      }
      return ctx.write(() => {
        const slice = get(sliceId);
        if (needsAnnotator && !ctx.sql('SELECT 1 FROM annotators WHERE id = ?').get(checkId(options.annotatorId, 'annotator id'))) {
          throw notFound('annotator', options.annotatorId as number);
        }
        const deleted = ctx.sql(`DELETE FROM cells WHERE slice_id = ? AND ${REPLACEABLE}`).all(sliceId) as Array<{ crop_path: string | null }>;
        const kept = ctx.sql(`SELECT number, box_x AS x, box_y AS y, box_w AS width, box_h AS height FROM cells WHERE slice_id = ?`)
          .all(sliceId) as Array<Box & { number: number }>;
        const used = new Set<number>(kept.map((k) => k.number));
        for (const r of rows) if (r.number !== null) used.add(r.number);
        let nextNumber = 1;
        for (const n of used) nextNumber = Math.max(nextNumber, n + 1);
        const insert = ctx.sql(`INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h,
            centre_x, centre_y, area, perimeter, roundness, solidity, eccentricity, crop_path, source, model, created_at,
            kind, nucleus_x, nucleus_y, nucleus_area, nuclei, uid)
          VALUES (@slideId, @sliceId, @sliceX, @sliceY, @number, @box_x, @box_y, @box_w, @box_h, @centre_x, @centre_y,
            @area, @perimeter, @roundness, @solidity, @eccentricity, @crop_path, @source, @model, @createdAt,
            @kind, @nucleus_x, @nucleus_y, @nucleus_area, @nuclei, @uid)`);
        const slideUid = ctx.value('SELECT uid FROM slides WHERE id = ?', slice.slideId) as string;
        const uidTaken = ctx.sql('SELECT 1 FROM cells WHERE uid = ?');
        const now = ctx.now();
        const out: CommitSliceResult['cells'] = [];
        for (const r of rows) {
          const box = { x: r.box_x, y: r.box_y, width: r.box_w, height: r.box_h };
          if (kept.some((k) => iou(k, box) >= threshold)) {
            out.push(null);
            continue;
          }
          const number = r.number ?? nextNumber++;
          const { label, flagged, ...columns } = r;
          // The pipeline's cells are named by what found them and where, so a second ingest of the scan finds the same ids.
          const derived = r.source === 'auto' ? autoCellUidOf(slideUid, r.model, box, r.kind) : null;
          const uid = derived !== null && !uidTaken.get(derived) ? derived : randomUid();
          const id = Number(insert.run({
            ...columns, number, slideId: slice.slideId, sliceId, sliceX: slice.x, sliceY: slice.y, createdAt: now, uid,
          }).lastInsertRowid);
          const annotatorId = options.annotatorId as number;
          if (label !== undefined && label !== null) appendLabelEvent(ctx, { cellId: id, kind: 'label', value: label, annotatorId, action: 'import' });
          // A new cell is unflagged already: only a raised flag is worth an event.
          if (flagged === true) appendLabelEvent(ctx, { cellId: id, kind: 'flag', value: '1', annotatorId, action: 'import' });
          out.push({ id, number });
        }
        const updated = ctx.sql(`UPDATE slices SET state = 'done', error = NULL, updated_at = ?,
            cell_count = ${LIVE_CELL_COUNT}
          WHERE id = ? RETURNING ${SLICE_COLUMNS}`).get(now, sliceId) as SliceRecord;
        return { slice: updated, cells: out, deleted: deleted.length, kept: kept.length, deletedCropPaths: cropPaths(deleted) };
      });
    },
    failSlice(sliceId, error) {
      const message = (typeof error === 'string' && error.trim() ? error.trim() : 'unknown error').slice(0, ERROR_TEXT_MAX);
      return ctx.write(() => {
        get(sliceId);
        return ctx.sql(`UPDATE slices SET state = 'failed', error = ?, updated_at = ? WHERE id = ? RETURNING ${SLICE_COLUMNS}`)
          .get(message, ctx.now(), sliceId) as SliceRecord;
      });
    },
    resetSlideForReingest(slideId) {
      return ctx.write(() => {
        requireSlide(slideId);
        const running = ctx.value("SELECT id FROM jobs WHERE slide_id = ? AND state = 'running'", slideId) as number | undefined;
        if (running !== undefined) throw new StoreError('conflict', `slide ${slideId} has a running job (${running}); stop it before reingesting`);
        const deleted = ctx.sql(`DELETE FROM cells WHERE slide_id = ? AND ${REPLACEABLE}`).all(slideId) as Array<{ crop_path: string | null }>;
        const deletedSlices = ctx.sql(`DELETE FROM slices WHERE slide_id = ?
          AND NOT EXISTS (SELECT 1 FROM cells c WHERE c.slice_id = slices.id)`).run(slideId).changes;
        const slicesReset = ctx.sql(`UPDATE slices SET state = 'pending', cell_count = NULL, error = NULL, updated_at = ?
          WHERE slide_id = ?`).run(ctx.now(), slideId).changes;
        const keptCells = ctx.value('SELECT count(*) FROM cells WHERE slide_id = ?', slideId) as number;
        return { deletedCells: deleted.length, keptCells, deletedSlices, slicesReset, deletedCropPaths: cropPaths(deleted) };
      });
    },
  };
}

function cropPaths(rows: Array<{ crop_path: string | null }>): string[] {
  return rows.flatMap((r) => (r.crop_path === null ? [] : [r.crop_path]));
}

function iou(a: Box, b: Box): number {
  const overlap = intersectBoxes(a, b);
  if (!overlap) return 0;
  const inter = overlap.width * overlap.height;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

function checkPlannedSlice(s: PlannedSlice, index: number) {
  const what = `slice ${index + 1}`;
  if (typeof s !== 'object' || s === null) throw invalid(`${what} must be an object`);
  const tissueFraction = checkOptionalFinite(s.tissueFraction, `${what} tissueFraction`, 0);
  if (tissueFraction !== null && tissueFraction > 1) throw invalid(`${what} tissueFraction must be within 0..1, got ${tissueFraction}`);
  return {
    x: checkInt(s.x, `${what} x`, 0),
    y: checkInt(s.y, `${what} y`, 0),
    width: checkInt(s.width, `${what} width`, 1),
    height: checkInt(s.height, `${what} height`, 1),
    tissueFraction,
  };
}

export function checkNewCell(c: NewCell, what: string): CellRow {
  if (typeof c !== 'object' || c === null) throw invalid(`${what} must be an object`);
  if (typeof c.box !== 'object' || c.box === null) throw invalid(`${what}: box is missing`);
  if (typeof c.centre !== 'object' || c.centre === null) throw invalid(`${what}: centre is missing`);
  const row: CellRow = {
    number: c.number === undefined ? null : checkInt(c.number, `${what}: number`, 1),
    box_x: checkInt(c.box.x, `${what}: box.x`),
    box_y: checkInt(c.box.y, `${what}: box.y`),
    box_w: checkInt(c.box.width, `${what}: box.width`, 1),
    box_h: checkInt(c.box.height, `${what}: box.height`, 1),
    centre_x: checkFinite(c.centre.x, `${what}: centre.x`),
    centre_y: checkFinite(c.centre.y, `${what}: centre.y`),
    area: checkOptionalFinite(c.area, `${what}: area`, 0),
    perimeter: checkOptionalFinite(c.perimeter, `${what}: perimeter`, 0),
    roundness: checkOptionalFinite(c.roundness, `${what}: roundness`, 0),
    solidity: checkOptionalFinite(c.solidity, `${what}: solidity`),
    eccentricity: checkOptionalFinite(c.eccentricity, `${what}: eccentricity`),
    crop_path: checkOptionalText(c.cropPath, `${what}: cropPath`),
    source: checkOneOf(c.source ?? 'auto', CELL_SOURCES, `${what}: source`),
    model: checkOptionalText(c.model, `${what}: model`, 256),
    kind: checkOneOf(c.kind ?? 'cell', CELL_KINDS, `${what}: kind`),
    nucleus_x: c.nucleus == null ? null : checkFinite(c.nucleus.x, `${what}: nucleus.x`),
    nucleus_y: c.nucleus == null ? null : checkFinite(c.nucleus.y, `${what}: nucleus.y`),
    nucleus_area: checkOptionalFinite(c.nucleusArea, `${what}: nucleusArea`, 0),
    nuclei: c.nuclei == null ? null : checkInt(c.nuclei, `${what}: nuclei`, 0),
    label: c.label === undefined ? undefined : checkLabel(c.label, `${what}: label`),
    flagged: c.flagged === undefined ? undefined : checkBoolean(c.flagged, `${what}: flagged`),
  };
  if (row.centre_x < row.box_x || row.centre_x > row.box_x + row.box_w || row.centre_y < row.box_y || row.centre_y > row.box_y + row.box_h) {
    throw invalid(`${what}: centre (${row.centre_x}, ${row.centre_y}) lies outside its box`);
  }
  return row;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${what} must be true or false`);
  return value;
}
