// How cells are read: the SELECT list, the joins that add the derived label,
// the row -> CellView mapping and the filter -> WHERE translation, shared by
// every query that returns cells so they all agree.

import type { CellClassName } from '../domain/cell-class.ts';
import { CELL_QUEUES, CELL_SOURCES, type CellFilter, type CellQueue, type CellKind, type CellSource, type CellView } from '../domain/cell.ts';
import { DECISION_VIEW, type LabelView } from '../domain/reading.ts';
import { checkId, checkLabel, checkOneOf } from './validate.ts';
import { invalid } from './store-error.ts';

/** Where a query's label and flag columns come from: the decision (cell_state) or one reader's own (reader_state). */
export interface LabelSource {
  /** Joins added after `cells c LEFT JOIN cell_state st` ('' for the decision). */
  join: string;
  label: string;
  flagged: string;
  eventId: string;
}

const DECISION_SOURCE: LabelSource = { join: '', label: 'st.label', flagged: 'st.flagged', eventId: 'st.label_event_id' };

/** The majority: the adjudicator's label, else more than half of the readers' (an export choice). */
const MAJORITY_SOURCE: LabelSource = {
  join: '',
  label: "(CASE WHEN st.adjudicated_label IS NOT NULL THEN st.adjudicated_label WHEN st.top_count * 2 > st.readers THEN st.top_label END)",
  flagged: 'st.flagged',
  eventId: `(CASE WHEN st.adjudicated_label IS NOT NULL THEN st.adjudicated_event_id WHEN st.top_count * 2 > st.readers THEN
    (SELECT max(r.label_event_id) FROM reader_state r WHERE r.cell_id = c.id AND r.label = st.top_label) END)`,
};

/**
 * The label source of a view. The reader id goes into the SQL text, checked as
 * an integer, so the statements stay cached per reader and the callers' parameter order is unchanged.
 */
export function labelSource(view: LabelView = DECISION_VIEW): LabelSource {
  if (view.kind === 'decision') return DECISION_SOURCE;
  if (view.kind === 'majority') return MAJORITY_SOURCE;
  const id = checkId(view.readerId, 'reader id');
  return {
    join: ` LEFT JOIN reader_state rs ON rs.cell_id = c.id AND rs.annotator_id = ${id}`,
    label: 'rs.label', flagged: 'rs.flagged', eventId: 'rs.label_event_id',
  };
}

export function cellViewFrom(view?: LabelView): string {
  const s = labelSource(view);
  return `cells c
  LEFT JOIN cell_state st ON st.cell_id = c.id${s.join}
  LEFT JOIN label_events le ON le.id = ${s.eventId} AND ${s.label} IS NOT NULL`;
}

// Read as raw arrays (positions below), which is about twice as fast as
// letting the driver build a 25-property object per row.
export function cellViewColumns(view?: LabelView): string {
  const s = labelSource(view);
  return `c.id, c.slide_id, c.slice_id, c.slice_x, c.slice_y, c.number,
  c.box_x, c.box_y, c.box_w, c.box_h, c.centre_x, c.centre_y,
  c.area, c.perimeter, c.roundness, c.solidity, c.eccentricity, c.crop_path, c.source, c.model, c.created_at,
  ${s.label}, coalesce(${s.flagged}, 0), le.annotator_id, le.created_at,
  c.kind, c.nucleus_x, c.nucleus_y, c.nucleus_area, c.nuclei, coalesce(st.retired, 0)`;
}

/** The decision's view (labels as the exports and the adjudicator see them). */
export const CELL_VIEW_FROM = cellViewFrom();
export const CELL_VIEW_COLUMNS = cellViewColumns();

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

export function cellFilterSql(filter: CellFilter | undefined, view?: LabelView): SqlFragment {
  if (filter === undefined) return { where: '', params: [] };
  if (typeof filter !== 'object' || filter === null) throw invalid('cell filter must be an object');
  const s = labelSource(view);
  let where = '';
  const params: unknown[] = [];
  if (filter.label !== undefined) {
    if (filter.label === 'unlabelled') where += ` AND ${s.label} IS NULL`;
    else if (filter.label === 'labelled') where += ` AND ${s.label} IS NOT NULL`;
    else {
      where += ` AND ${s.label} = ?`;
      params.push(checkLabel(filter.label, 'filter label'));
    }
  }
  if (filter.flagged !== undefined) {
    if (typeof filter.flagged !== 'boolean') throw invalid('filter flagged must be true or false');
    where += filter.flagged ? ` AND ${s.flagged} = 1` : ` AND coalesce(${s.flagged}, 0) = 0`;
  }
  if (filter.source !== undefined) {
    where += ' AND c.source = ?';
    params.push(checkOneOf(filter.source, CELL_SOURCES, 'filter source'));
  }
  if (filter.queue !== undefined) where += QUEUE_TERMS[checkOneOf(filter.queue, CELL_QUEUES, 'filter queue')];
  return { where, params };
}

/**
 * The adjudicator's queues, over every reader (cell_state): cells the readers
 * label differently or someone flags, and flagged cells alone (APACC's second
 * assessment); both only until an adjudicator decides the cell.
 */
const QUEUE_TERMS: Record<CellQueue, string> = {
  disagreements: ' AND st.adjudicated_label IS NULL AND (st.distinct_labels > 1 OR st.flagged = 1)',
  'second-assessment': ' AND st.adjudicated_label IS NULL AND st.flagged = 1',
};
