// Where a reader left off on a slide: the cell of the reader's latest label
// event there (a label, a cleared label, an undo or redo of one; imports are
// not the reader's work). Read from the append-only log, so it survives
// restarts with nothing else to keep in step. Per-reader labels will later
// derive more from the same log; this is the one question the viewer asks on open.

import type { StoreContext } from './store-context.ts';
import { checkId } from './validate.ts';

export interface ReaderPositionRepository {
  /** Id of the cell the annotator last labelled on the slide, or null when none. */
  lastLabelledCellOf(slideId: number, annotatorId: number): number | null;
}

export function createReaderPositionRepository(ctx: StoreContext): ReaderPositionRepository {
  return {
    lastLabelledCellOf(slideId, annotatorId) {
      // Walks the annotator's events newest first (label_events_undo_stack covers
      // annotator_id for non-import rows) until one falls on the slide.
      const cellId = ctx.value(`SELECT e.cell_id FROM label_events e INDEXED BY label_events_undo_stack
        JOIN cells c ON c.id = e.cell_id
        WHERE e.annotator_id = ? AND e.action <> 'import' AND e.kind = 'label' AND c.slide_id = ?
        ORDER BY e.id DESC LIMIT 1`, checkId(annotatorId, 'annotator id'), checkId(slideId, 'slide id'));
      return typeof cellId === 'number' ? cellId : null;
    },
  };
}
