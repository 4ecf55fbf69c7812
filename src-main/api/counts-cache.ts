// Per-slide counters kept up to date by the label changes themselves, so a
// label answers with fresh counters without recounting the slide (a full
// count is tens of milliseconds at 100,000 cells, most of a keypress's
// budget). A cached entry is recounted after maxAgeMs, and dropped whenever
// something other than a label changes the slide's cells (an ingest), so
// writers outside this process are caught up with within seconds. A label or
// edit that finds its entry stale applies its change to it and answers at
// once; the recount runs right after (the next macrotask), off the keypress.
// Entries are per view (a reader's own labels, or the decision): a change
// updates the actor's view and drops the slide's other views, which it may
// have changed too (a reading moves the decision), so they recount when asked.

import type { CellEditChange } from '../domain/cell-edit.ts';
import type { CellLabelState, ClassCounts } from '../domain/label.ts';
import { DECISION_VIEW, type LabelView } from '../domain/reading.ts';

export const COUNTS_MAX_AGE_MS = 10_000;

export interface CountsCache {
  /** The slide's counters in the view (default: the decision), from the cache while it is fresh. */
  get(slideId: number, view?: LabelView): ClassCounts;
  /** Updates a cached entry for one cell's change in the actor's view (no-op when not cached), and returns the counters. */
  applyChange(slideId: number, previous: CellLabelState, current: CellLabelState, view?: LabelView): ClassCounts;
  /** Updates a cached entry for a cell edit (cells left and joined the live set), and returns the counters. */
  applyEdit(change: CellEditChange, view?: LabelView): ClassCounts;
  invalidate(slideId?: number): void;
}

const viewKey = (view: LabelView) => (view.kind === 'reader' ? `reader ${view.readerId}` : view.kind);

export function createCountsCache(
  count: (slideId: number, view: LabelView) => ClassCounts, now: () => number = Date.now, maxAgeMs = COUNTS_MAX_AGE_MS,
): CountsCache {
  // slide -> view key -> entry
  const entries = new Map<number, Map<string, { counts: ClassCounts; countedAt: number }>>();
  const entryOf = (slideId: number, view: LabelView) => entries.get(slideId)?.get(viewKey(view));
  const fresh = (slideId: number, view: LabelView) => {
    const entry = entryOf(slideId, view);
    return entry && now() - entry.countedAt < maxAgeMs ? entry : null;
  };
  const recount = (slideId: number, view: LabelView) => {
    const entry = { counts: count(slideId, view), countedAt: now() };
    let views = entries.get(slideId);
    if (!views) entries.set(slideId, views = new Map());
    views.set(viewKey(view), entry);
    return entry;
  };
  /** The slide's other views may have changed with this one: they recount when next asked. */
  const dropOthers = (slideId: number, view: LabelView) => {
    const views = entries.get(slideId);
    if (views) for (const key of [...views.keys()]) if (key !== viewKey(view)) views.delete(key);
  };
  const copy = (counts: ClassCounts): ClassCounts => ({ ...counts, byClass: { ...counts.byClass } });
  const pending = new Set<string>();
  /** The entry to apply a change to: fresh, else the stale one with a recount scheduled, else a recount now. */
  const forChange = (slideId: number, view: LabelView) => {
    dropOthers(slideId, view);
    const entry = fresh(slideId, view);
    if (entry) return { entry, counted: false };
    const stale = entryOf(slideId, view);
    if (!stale) return { entry: recount(slideId, view), counted: true };
    const key = `${slideId} ${viewKey(view)}`;
    if (!pending.has(key)) {
      pending.add(key);
      setTimeout(() => {
        pending.delete(key);
        if (entryOf(slideId, view) === stale) recount(slideId, view);
      }, 0);
    }
    return { entry: stale, counted: false };
  };
  return {
    get(slideId, view = DECISION_VIEW) {
      return copy((fresh(slideId, view) ?? recount(slideId, view)).counts);
    },
    applyChange(slideId, previous, current, view = DECISION_VIEW) {
      const { entry, counted } = forChange(slideId, view);
      if (counted) return copy(entry.counts);
      const c = entry.counts;
      if (previous.label !== current.label) {
        if (previous.label === null) c.unlabelled--;
        else c.byClass[previous.label]--;
        if (current.label === null) c.unlabelled++;
        else c.byClass[current.label]++;
        c.labelled = c.total - c.unlabelled;
      }
      if (previous.flagged !== current.flagged) c.flagged += current.flagged ? 1 : -1;
      return copy(c);
    },
    applyEdit(change, view = DECISION_VIEW) {
      const { entry, counted } = forChange(change.slideId, view);
      if (counted) return copy(entry.counts);
      const c = entry.counts;
      const count = (cell: CellLabelState, sign: 1 | -1) => {
        c.total += sign;
        if (cell.label === null) c.unlabelled += sign;
        else c.byClass[cell.label] += sign;
        if (cell.flagged) c.flagged += sign;
      };
      for (const cell of change.retired) count(cell, -1);
      for (const cell of change.live) count(cell, 1);
      c.labelled = c.total - c.unlabelled;
      return copy(c);
    },
    invalidate(slideId) {
      if (slideId === undefined) entries.clear();
      else entries.delete(slideId);
    },
  };
}
