// Reading cells for the viewer, the cell panel and the gallery, plus the few
// writes the UI makes on cells themselves (manual cells, crop paths).
//
// Reading order, used by next/previous and the gallery: slices top to bottom,
// then left to right (slice y, then x); inside a slice, cells by centre y,
// then centre x, then id. It never crosses to another slide.

import type { Box } from '../domain/geometry.ts';
import {
  LIVE_CELL, LIVE_CELL_COUNT, READING_ORDER, READING_ORDER_DESC, cellFilterSql, cellViewColumns, cellViewFrom, labelSource, toCellView,
} from './cell-rows.ts';
import type { LabelView } from '../domain/reading.ts';
import { checkNewCell } from './slice-repository.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import { CELL_CLASSES } from '../domain/cell-class.ts';
import type { GalleryPage, GalleryQuery, ManualCellInput } from './types.ts';
import type { CellFilter, CellMarkers, CellView } from '../domain/cell.ts';
import { checkFinite, checkId, checkInt, checkLabel, checkOptionalText } from './validate.ts';

export const GALLERY_LIMIT_MAX = 1000;
const GALLERY_LIMIT_DEFAULT = 100;

export interface CellRepository {
  // Every read takes the view whose labels it shows (default: the decision); see domain/reading.ts.
  getCell(id: number, view?: LabelView): CellView;
  /** Every cell of the slide in reading order, optionally filtered. */
  listCells(slideId: number, filter?: CellFilter, view?: LabelView): CellView[];
  /** Cells whose box intersects the level-0 box (any order). */
  cellsInViewport(slideId: number, viewport: Box, filter?: CellFilter, view?: LabelView): CellView[];
  /** Id, box, label and flag of every cell of the slide (or of those intersecting viewport), in columns; with a reader's suggestions when suggestionsOf names them. */
  cellMarkers(slideId: number, viewport?: Box, view?: LabelView, suggestionsOf?: number): CellMarkers;
  cellsOfSlice(sliceId: number, view?: LabelView): CellView[];
  firstCell(slideId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  lastCell(slideId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  /** The next cell after cellId in reading order that passes the filter, or null at the end of the slide. */
  nextCell(cellId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  previousCell(cellId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  galleryPage(query?: GalleryQuery): GalleryPage;
  /** A cell drawn by the user; it joins the slice that contains its centre. */
  addManualCell(input: ManualCellInput): CellView;
  /** Removes a cell that has no label events (a mistaken manual cell); labelled cells stay for the record. */
  deleteCell(cellId: number): void;
  setCellCropPaths(entries: ReadonlyArray<{ cellId: number; cropPath: string | null }>): void;
}

const selectView = (view?: LabelView) => `SELECT ${cellViewColumns(view)} FROM ${cellViewFrom(view)}`;
/** The suggested class (APACC id, -1 none) and its probability, from the suggestions joined as sg. */
const SUGGESTED_ID = `CASE WHEN sg.cell_id IS NULL THEN -1
  WHEN sg.p_healthy >= max(sg.p_rubbish, sg.p_unhealthy, sg.p_bothcells) THEN 0
  WHEN sg.p_rubbish >= max(sg.p_unhealthy, sg.p_bothcells) THEN 1 WHEN sg.p_unhealthy >= sg.p_bothcells THEN 2 ELSE 3 END`;
const SUGGESTED_P = 'coalesce(max(sg.p_healthy, sg.p_rubbish, sg.p_unhealthy, sg.p_bothcells), 0)';
/** Gini impurity of the suggestion: 0 when certain, 0.75 when all four classes are equally likely. */
const UNCERTAINTY = '(1 - (sg.p_healthy * sg.p_healthy + sg.p_rubbish * sg.p_rubbish + sg.p_unhealthy * sg.p_unhealthy + sg.p_bothcells * sg.p_bothcells))';
const suggestionsJoin = (annotatorId: number | undefined) => (annotatorId === undefined ? ''
  : ` LEFT JOIN suggestions sg ON sg.cell_id = c.id AND sg.annotator_id = ${checkId(annotatorId, 'annotator id')}`);

function selectMarkers(view?: LabelView, suggestionsOf?: number): string {
  const s = labelSource(view);
  const labelId = `CASE ${s.label} ${CELL_CLASSES.map((c) => `WHEN '${c.name}' THEN ${c.apaccId}`).join(' ')} ELSE -1 END`;
  const suggested = suggestionsOf === undefined ? '' : `, ${SUGGESTED_ID}, ${SUGGESTED_P}`;
  return `SELECT c.id, c.box_x, c.box_y, c.box_w, c.box_h, ${labelId}, coalesce(${s.flagged}, 0), c.centre_x, c.centre_y, c.kind = 'cluster'${suggested}
  FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id${s.join}${suggestionsJoin(suggestionsOf)}`;
}
// Every list below holds live cells only; getCell reads any cell (retired ones keep their history).
// Boxes that can reach the viewport: their centre is within the largest box size of it.
const VIEWPORT_TERMS = `c.centre_y > ? AND c.centre_y < ? AND c.centre_x > ? AND c.centre_x < ?
  AND c.box_x < ? AND c.box_x + c.box_w > ? AND c.box_y < ? AND c.box_y + c.box_h > ?`;

export function createCellRepository(ctx: StoreContext): CellRepository {
  const one = (sql: string, ...params: unknown[]): CellView | null => {
    const row = ctx.sqlRaw(sql).get(...params) as unknown[] | undefined;
    return row ? toCellView(row) : null;
  };
  const many = (sql: string, ...params: unknown[]): CellView[] =>
    (ctx.sqlRaw(sql).all(...params) as unknown[][]).map(toCellView);
  const getCell = (id: number, view?: LabelView): CellView => {
    const cell = one(`${selectView(view)} WHERE c.id = ?`, checkId(id, 'cell id'));
    if (!cell) throw notFound('cell', id);
    return cell;
  };
  const requireSlide = (slideId: number) => {
    const row = ctx.sql('SELECT max_cell_w AS w, max_cell_h AS h FROM slides WHERE id = ?').get(checkId(slideId, 'slide id')) as
      { w: number; h: number } | undefined;
    if (!row) throw notFound('slide', slideId);
    return row;
  };
  const step = (cellId: number, filter: CellFilter | undefined, forward: boolean, view: LabelView | undefined) => {
    const cell = getCell(cellId);
    const f = cellFilterSql(filter, view);
    return one(`${selectView(view)} WHERE c.slide_id = ? AND ${LIVE_CELL}
        AND (c.slice_y, c.slice_x, c.centre_y, c.centre_x, c.id) ${forward ? '>' : '<'} (?, ?, ?, ?, ?)${f.where}
        ORDER BY ${forward ? READING_ORDER : READING_ORDER_DESC} LIMIT 1`,
    cell.slideId, cell.sliceY, cell.sliceX, cell.centre.y, cell.centre.x, cell.id, ...f.params);
  };
  const end = (slideId: number, filter: CellFilter | undefined, first: boolean, view: LabelView | undefined) => {
    requireSlide(slideId);
    const f = cellFilterSql(filter, view);
    return one(`${selectView(view)} WHERE c.slide_id = ? AND ${LIVE_CELL}${f.where} ORDER BY ${first ? READING_ORDER : READING_ORDER_DESC} LIMIT 1`,
      slideId, ...f.params);
  };

  return {
    getCell,
    listCells(slideId, filter, view) {
      requireSlide(slideId);
      const f = cellFilterSql(filter, view);
      return many(`${selectView(view)} WHERE c.slide_id = ? AND ${LIVE_CELL}${f.where} ORDER BY ${READING_ORDER}`, slideId, ...f.params);
    },
    cellsInViewport(slideId, viewport, filter, view) {
      const f = cellFilterSql(filter, view);
      return many(`${selectView(view)} WHERE c.slide_id = ? AND ${VIEWPORT_TERMS} AND ${LIVE_CELL}${f.where}`,
        slideId, ...viewportParams(requireSlide(slideId), viewport), ...f.params);
    },
    cellMarkers(slideId, viewport, view, suggestionsOf) {
      const margin = requireSlide(slideId);
      const markersSql = selectMarkers(view, suggestionsOf);
      const rows = (viewport === undefined
        ? ctx.sqlRaw(`${markersSql} WHERE c.slide_id = ? AND ${LIVE_CELL}`).all(slideId)
        : ctx.sqlRaw(`${markersSql} WHERE c.slide_id = ? AND ${VIEWPORT_TERMS} AND ${LIVE_CELL}`).all(slideId, ...viewportParams(margin, viewport))
      ) as number[][];
      const markers: CellMarkers = {
        count: rows.length,
        ids: new Uint32Array(rows.length),
        boxes: new Int32Array(rows.length * 4),
        labels: new Int8Array(rows.length),
        flagged: new Uint8Array(rows.length),
        centres: new Float64Array(rows.length * 2),
        clusters: new Uint8Array(rows.length),
        ...(suggestionsOf === undefined ? {} : { suggested: new Int8Array(rows.length), suggestedP: new Float32Array(rows.length) }),
      };
      rows.forEach((r, i) => {
        markers.ids[i] = r[0] as number;
        markers.boxes.set(r.slice(1, 5), i * 4);
        markers.labels[i] = r[5] as number;
        markers.flagged[i] = r[6] as number;
        markers.centres[i * 2] = r[7] as number;
        markers.centres[i * 2 + 1] = r[8] as number;
        markers.clusters[i] = r[9] as number;
        if (markers.suggested && markers.suggestedP) {
          markers.suggested[i] = r[10] as number;
          markers.suggestedP[i] = r[11] as number;
        }
      });
      return markers;
    },
    cellsOfSlice(sliceId, view) {
      return many(`${selectView(view)} WHERE c.slice_id = ? AND ${LIVE_CELL} ORDER BY ${READING_ORDER}`, checkId(sliceId, 'slice id'));
    },
    firstCell: (slideId, filter, view) => end(slideId, filter, true, view),
    lastCell: (slideId, filter, view) => end(slideId, filter, false, view),
    nextCell: (cellId, filter, view) => step(cellId, filter, true, view),
    previousCell: (cellId, filter, view) => step(cellId, filter, false, view),
    galleryPage(query = {}) {
      const offset = checkInt(query.offset ?? 0, 'gallery offset', 0);
      const limit = checkInt(query.limit ?? GALLERY_LIMIT_DEFAULT, 'gallery limit', 1);
      if (limit > GALLERY_LIMIT_MAX) throw invalid(`gallery limit must be at most ${GALLERY_LIMIT_MAX}, got ${limit}`);
      const f = cellFilterSql(query.filter, query.view);
      const order = query.order ?? 'reading';
      if (order !== 'reading' || query.suggested !== undefined) {
        if (query.suggestionsOf === undefined) throw invalid(`gallery order ${order} and the suggested filter need the reader whose suggestions they use`);
      }
      const sg = suggestionsJoin(query.suggestionsOf);
      let where = f.where;
      if (query.suggested !== undefined) where += ` AND sg.cell_id IS NOT NULL AND ${SUGGESTED_ID} = ${CELL_CLASSES.find((c) => c.name === checkLabel(query.suggested, 'suggested'))!.apaccId}`;
      const orderBy = order === 'suspicious' ? `sg.p_unhealthy IS NULL, sg.p_unhealthy DESC, c.slide_id, ${READING_ORDER}`
        : order === 'uncertain' ? `sg.p_unhealthy IS NULL, ${UNCERTAINTY} DESC, c.slide_id, ${READING_ORDER}`
          : `c.slide_id, ${READING_ORDER}`;
      const slideTerm = query.slideId === undefined ? LIVE_CELL : `c.slide_id = ? AND ${LIVE_CELL}`;
      const slideParams = query.slideId === undefined ? [] : [checkId(query.slideId, 'slide id')];
      const total = ctx.value(`SELECT count(*) FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id${labelSource(query.view).join}${sg}
        WHERE ${slideTerm}${where}`, ...slideParams, ...f.params) as number;
      const cells = many(`${selectView(query.view)}${sg} WHERE ${slideTerm}${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
        ...slideParams, ...f.params, limit, offset);
      return { cells, total, offset, limit };
    },
    addManualCell(input) {
      if (typeof input !== 'object' || input === null) throw invalid('manual cell must be an object');
      const box = checkBox(input.box, 'manual cell box');
      const centre = input.centre ?? { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const row = checkNewCell({ box, centre, source: 'manual' }, 'manual cell');
      return ctx.write(() => {
        requireSlide(input.slideId);
        return getCell(insertManualCell(ctx, input.slideId, row));
      });
    },
    deleteCell(cellId) {
      ctx.write(() => {
        const cell = getCell(cellId);
        if (ctx.sql('SELECT 1 FROM label_events WHERE cell_id = ? LIMIT 1').get(cell.id)) {
          throw new StoreError('conflict', `cell ${cell.id} has label events, so it stays in the record; label it rubbish instead`);
        }
        if (ctx.sql('SELECT 1 FROM edit_cells WHERE cell_id = ? LIMIT 1').get(cell.id)) {
          throw new StoreError('conflict', `cell ${cell.id} is part of a cell edit, so it stays in the record; reject it instead`);
        }
        ctx.sql('DELETE FROM cells WHERE id = ?').run(cell.id);
        refreshCellCount(ctx, cell.sliceId);
      });
    },
    setCellCropPaths(entries) {
      if (!Array.isArray(entries)) throw invalid('crop path entries must be an array');
      const rows = entries.map((e, i) => ({
        id: checkId(e?.cellId, `entry ${i + 1} cellId`),
        cropPath: checkOptionalText(e.cropPath, `entry ${i + 1} cropPath`),
      }));
      ctx.write(() => {
        const update = ctx.sql('UPDATE cells SET crop_path = ? WHERE id = ?');
        for (const r of rows) if (update.run(r.cropPath, r.id).changes === 0) throw notFound('cell', r.id);
      });
    },
  };
}

/** A slice's cell_count after cells of it were added or retired (live cells only). */
export function refreshCellCount(ctx: StoreContext, sliceId: number): void {
  ctx.sql(`UPDATE slices SET cell_count = ${LIVE_CELL_COUNT}, updated_at = ?
    WHERE id = ? AND state = 'done'`).run(ctx.now(), sliceId);
}

/** The columns of a cell a reader made, as checkNewCell gives them. */
export type ManualCellRow = ReturnType<typeof checkNewCell>;

/**
 * Inserts a reader's cell (source 'manual') into the slice of its slide that
 * holds its centre, numbered after the slice's last cell; returns its id.
 * Runs inside the caller's transaction.
 */
export function insertManualCell(ctx: StoreContext, slideId: number, row: ManualCellRow): number {
  const slice = ctx.sql(`SELECT id, x, y FROM slices WHERE slide_id = ? AND x <= ? AND ? < x + width AND y <= ? AND ? < y + height
    ORDER BY y, x LIMIT 1`).get(slideId, row.centre_x, row.centre_x, row.centre_y, row.centre_y) as { id: number; x: number; y: number } | undefined;
  if (!slice) {
    throw new StoreError('conflict', `no slice of slide ${slideId} contains the point (${row.centre_x}, ${row.centre_y}); a cell must lie in a planned slice`);
  }
  const number = ctx.value('SELECT coalesce(max(number), 0) + 1 FROM cells WHERE slice_id = ?', slice.id) as number;
  const id = Number(ctx.sql(`INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h,
      centre_x, centre_y, area, perimeter, kind, nucleus_x, nucleus_y, nucleus_area, nuclei, source, created_at, uid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?)`)
    .run(slideId, slice.id, slice.x, slice.y, number, row.box_x, row.box_y, row.box_w, row.box_h, row.centre_x, row.centre_y,
      row.area, row.perimeter, row.kind, row.nucleus_x, row.nucleus_y, row.nucleus_area, row.nuclei, ctx.now(), ctx.newUid()).lastInsertRowid);
  refreshCellCount(ctx, slice.id);
  return id;
}

function checkBox(box: Box, what: string): Box {
  if (typeof box !== 'object' || box === null) throw invalid(`${what} is missing`);
  return {
    x: checkInt(box.x, `${what} x`),
    y: checkInt(box.y, `${what} y`),
    width: checkInt(box.width, `${what} width`, 1),
    height: checkInt(box.height, `${what} height`, 1),
  };
}

/** The centre window (the index range) widened by the largest box, then the exact intersection. */
function viewportParams(margin: { w: number; h: number }, viewport: Box): number[] {
  const v = checkViewport(viewport);
  return [v.y - margin.h, v.y + v.height + margin.h, v.x - margin.w, v.x + v.width + margin.w,
    v.x + v.width, v.x, v.y + v.height, v.y];
}

function checkViewport(box: Box): Box {
  if (typeof box !== 'object' || box === null) throw invalid('viewport is missing');
  const v = {
    x: checkFinite(box.x, 'viewport x'),
    y: checkFinite(box.y, 'viewport y'),
    width: checkFinite(box.width, 'viewport width'),
    height: checkFinite(box.height, 'viewport height'),
  };
  if (v.width <= 0 || v.height <= 0) throw invalid(`viewport must have a positive size, got ${v.width} x ${v.height}`);
  return v;
}
