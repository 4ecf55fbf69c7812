// How cells are read: the SELECT list, the joins that add the derived label,
// the row -> CellView mapping and the filter -> WHERE translation, shared by
// every query that returns cells so they all agree.

import type { CellClassName } from '../domain/cell-class.ts';
import { CELL_SOURCES, type CellFilter, type CellKind, type CellSource, type CellView } from '../domain/cell.ts';
import { checkLabel, checkOneOf } from './validate.ts';
import { invalid } from './store-error.ts';

export const CELL_VIEW_FROM = `cells c
  LEFT JOIN cell_state st ON st.cell_id = c.id
  LEFT JOIN label_events le ON le.id = st.label_event_id AND st.label IS NOT NULL`;

// Read as raw arrays (positions below), which is about twice as fast as
// letting the driver build a 25-property object per row.
export const CELL_VIEW_COLUMNS = `c.id, c.slide_id, c.slice_id, c.slice_x, c.slice_y, c.number,
  c.box_x, c.box_y, c.box_w, c.box_h, c.centre_x, c.centre_y,
  c.area, c.perimeter, c.roundness, c.solidity, c.eccentricity, c.crop_path, c.source, c.model, c.created_at,
  st.label, coalesce(st.flagged, 0), le.annotator_id, le.created_at,
  c.kind, c.nucleus_x, c.nucleus_y, c.nucleus_area, c.nuclei, coalesce(st.retired, 0)`;

/** The term that keeps live cells only (an edit retired the others; they stay for the record). */
export const LIVE_CELL = 'coalesce(st.retired, 0) = 0';

/** Live cells of the slice in an UPDATE of slices (its cell_count). */
export const LIVE_CELL_COUNT = `(SELECT count(*) FROM cells lc LEFT JOIN cell_state ls ON ls.cell_id = lc.id
  WHERE lc.slice_id = slices.id AND coalesce(ls.retired, 0) = 0)`;

/** ORDER BY for reading order within one slide (prefix c.slide_id for several slides). */
export const READING_ORDER = 'c.slice_y, c.slice_x, c.centre_y, c.centre_x, c.id';
export const READING_ORDER_DESC = 'c.slice_y DESC, c.slice_x DESC, c.centre_y DESC, c.centre_x DESC, c.id DESC';

/** A raw row of CELL_VIEW_COLUMNS -> CellView. */
export function toCellView(r: unknown[]): CellView {
  return {
    id: r[0] as number, slideId: r[1] as number, sliceId: r[2] as number, sliceX: r[3] as number, sliceY: r[4] as number,
    number: r[5] as number,
    box: { x: r[6] as number, y: r[7] as number, width: r[8] as number, height: r[9] as number },
    centre: { x: r[10] as number, y: r[11] as number },
    area: r[12] as number | null, perimeter: r[13] as number | null, roundness: r[14] as number | null,
    solidity: r[15] as number | null, eccentricity: r[16] as number | null, cropPath: r[17] as string | null,
    source: r[18] as CellSource, model: r[19] as string | null, createdAt: r[20] as number,
    label: r[21] as CellClassName | null, flagged: r[22] === 1,
    labelAnnotatorId: r[23] as number | null, labelledAt: r[24] as number | null,
    kind: r[25] as CellKind,
    nucleus: r[26] === null ? null : { x: r[26] as number, y: r[27] as number },
    nucleusArea: r[28] as number | null, nuclei: r[29] as number | null,
    retired: r[30] === 1,
  };
}

export interface SqlFragment {
  /** ' AND ...' terms, or '' for no filter. */
  where: string;
  params: unknown[];
}

export function cellFilterSql(filter: CellFilter | undefined): SqlFragment {
  if (filter === undefined) return { where: '', params: [] };
  if (typeof filter !== 'object' || filter === null) throw invalid('cell filter must be an object');
  let where = '';
  const params: unknown[] = [];
  if (filter.label !== undefined) {
    if (filter.label === 'unlabelled') where += ' AND st.label IS NULL';
    else if (filter.label === 'labelled') where += ' AND st.label IS NOT NULL';
    else {
      where += ' AND st.label = ?';
      params.push(checkLabel(filter.label, 'filter label'));
    }
  }
  if (filter.flagged !== undefined) {
    if (typeof filter.flagged !== 'boolean') throw invalid('filter flagged must be true or false');
    where += filter.flagged ? ' AND st.flagged = 1' : ' AND coalesce(st.flagged, 0) = 0';
  }
  if (filter.source !== undefined) {
    where += ' AND c.source = ?';
    params.push(checkOneOf(filter.source, CELL_SOURCES, 'filter source'));
  }
  return { where, params };
}
