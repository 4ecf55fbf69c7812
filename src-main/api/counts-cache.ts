// Per-slide counters kept up to date by the label changes themselves, so a
// label answers with fresh counters without recounting the slide (a full
// count is tens of milliseconds at 100,000 cells, most of a keypress's
// budget). A cached entry is recounted after maxAgeMs, and dropped whenever
// something other than a label changes the slide's cells (an ingest), so
// writers outside this process are caught up with within seconds. A label or
// edit that finds its entry stale applies its change to it and answers at
// once; the recount runs right after (the next macrotask), off the keypress.

import type { CellEditChange } from '../domain/cell-edit.ts';
import type { CellLabelState, ClassCounts } from '../domain/label.ts';

export const COUNTS_MAX_AGE_MS = 10_000;

export interface CountsCache {
  /** The slide's counters, from the cache while it is fresh. */
  get(slideId: number): ClassCounts;
  /** Updates a cached entry for one cell's change (no-op when not cached), and returns the counters. */
  applyChange(slideId: number, previous: CellLabelState, current: CellLabelState): ClassCounts;
  /** Updates a cached entry for a cell edit (cells left and joined the live set), and returns the counters. */
  applyEdit(change: CellEditChange): ClassCounts;
  invalidate(slideId?: number): void;
}

export function createCountsCache(
  count: (slideId: number) => ClassCounts, now: () => number = Date.now, maxAgeMs = COUNTS_MAX_AGE_MS,
): CountsCache {
  const entries = new Map<number, { counts: ClassCounts; countedAt: number }>();
  const fresh = (slideId: number) => {
    const entry = entries.get(slideId);
    return entry && now() - entry.countedAt < maxAgeMs ? entry : null;
  };
  const recount = (slideId: number) => {
    const entry = { counts: count(slideId), countedAt: now() };
    entries.set(slideId, entry);
    return entry;
  };
  const copy = (counts: ClassCounts): ClassCounts => ({ ...counts, byClass: { ...counts.byClass } });
  const pending = new Set<number>();
  /** The entry to apply a change to: fresh, else the stale one with a recount scheduled, else a recount now. */
  const forChange = (slideId: number) => {
    const entry = fresh(slideId);
    if (entry) return { entry, counted: false };
    const stale = entries.get(slideId);
    if (!stale) return { entry: recount(slideId), counted: true };
    if (!pending.has(slideId)) {
      pending.add(slideId);
      setTimeout(() => {
        pending.delete(slideId);
        if (entries.get(slideId) === stale) recount(slideId);
      }, 0);
    }
    return { entry: stale, counted: false };
  };
  return {
    get(slideId) {
      return copy((fresh(slideId) ?? recount(slideId)).counts);
    },
    applyChange(slideId, previous, current) {
      const { entry, counted } = forChange(slideId);
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
    applyEdit(change) {
      const { entry, counted } = forChange(change.slideId);
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
