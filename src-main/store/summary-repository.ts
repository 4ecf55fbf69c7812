// Counters: per-class counts for a slide (or the whole library) and the
// per-slide summary the library list shows, over live cells. Computed from cells + cell_state
// on each call, so they can never drift from the labels.

import { CELL_CLASSES, type CellClassName } from '../domain/cell-class.ts';
import { LIVE_CELL, labelSource } from './cell-rows.ts';
import type { LabelView } from '../domain/reading.ts';
import { JOB_COLUMNS, toJobRecord, type JobRow } from './job-repository.ts';
import { SLIDE_COLUMNS } from './slide-repository.ts';
import type { StoreContext } from './store-context.ts';
import { notFound } from './store-error.ts';
import type { SlideSummary } from './types.ts';
import type { ClassCounts } from '../domain/label.ts';
import type { SlideRecord, SliceProgress } from '../domain/slide.ts';
import { checkId } from './validate.ts';

export interface SummaryRepository {
  /** Counts for one slide, or for every slide when slideId is omitted, in the view's labels (default: the decision). */
  classCounts(slideId?: number, view?: LabelView): ClassCounts;
  /** One entry per slide, ordered like listSlides, counted in the view's labels. */
  slideSummaries(view?: LabelView): SlideSummary[];
}

interface CountRow { slideId: number; label: CellClassName | null; n: number; flagged: number }

export function emptyCounts(): ClassCounts {
  const byClass = Object.fromEntries(CELL_CLASSES.map((c) => [c.name, 0])) as Record<CellClassName, number>;
  return { total: 0, labelled: 0, unlabelled: 0, flagged: 0, byClass };
}

function addCount(counts: ClassCounts, row: CountRow): void {
  counts.total += row.n;
  counts.flagged += row.flagged;
  if (row.label === null) counts.unlabelled += row.n;
  else {
    counts.labelled += row.n;
    counts.byClass[row.label] += row.n;
  }
}

/** Grouped by column 1 (slide) and/or 2 (label) in the callers. */
function countSelect(view: LabelView | undefined): string {
  const s = labelSource(view);
  return `SELECT c.slide_id AS slideId, ${s.label} AS label, count(*) AS n, coalesce(sum(${s.flagged}), 0) AS flagged
  FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id${s.join} WHERE ${LIVE_CELL}`;
}

export function createSummaryRepository(ctx: StoreContext): SummaryRepository {
  return {
    classCounts(slideId, view) {
      const counts = emptyCounts();
      let rows: CountRow[];
      if (slideId === undefined) {
        rows = ctx.sql(`${countSelect(view)} GROUP BY 2`).all() as CountRow[];
      } else {
        if (!ctx.sql('SELECT 1 FROM slides WHERE id = ?').get(checkId(slideId, 'slide id'))) throw notFound('slide', slideId);
        rows = ctx.sql(`${countSelect(view)} AND c.slide_id = ? GROUP BY 2`).all(slideId) as CountRow[];
      }
      for (const row of rows) addCount(counts, row);
      return counts;
    },
    slideSummaries(view) {
      const slides = ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides ORDER BY smear_id, id`).all() as SlideRecord[];
      const summaries = new Map<number, SlideSummary>(slides.map((slide) => [slide.id, {
        slide, counts: emptyCounts(), slices: { total: 0, pending: 0, done: 0, failed: 0 }, latestJob: null,
      }]));
      for (const row of ctx.sql(`${countSelect(view)} GROUP BY 1, 2`).all() as CountRow[]) {
        const summary = summaries.get(row.slideId);
        if (summary) addCount(summary.counts, row);
      }
      const sliceRows = ctx.sql('SELECT slide_id AS slideId, state, count(*) AS n FROM slices GROUP BY slide_id, state').all() as
        Array<{ slideId: number; state: keyof Omit<SliceProgress, 'total'>; n: number }>;
      for (const row of sliceRows) {
        const summary = summaries.get(row.slideId);
        if (!summary) continue;
        summary.slices[row.state] += row.n;
        summary.slices.total += row.n;
      }
      const jobs = ctx.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id IN
        (SELECT max(id) FROM jobs WHERE slide_id IS NOT NULL GROUP BY slide_id)`).all() as JobRow[];
      for (const row of jobs) {
        const summary = row.slideId === null ? undefined : summaries.get(row.slideId);
        if (summary) summary.latestJob = toJobRecord(row);
      }
      return [...summaries.values()];
    },
  };
}
