// Cell edits from the viewer and the gallery: add (a drawn box, or the
// instance step's box around a clicked nucleus), reshape, split, merge,
// reject. Boxes are checked against the slide, measures come from the scan's
// pixels (ctx.cellPixels) before the store commits the edit in one
// transaction; every edit is broadcast as 'cells-changed' for the overlay and
// other windows, and answers with the slide's counters and the undo state.

import type { CellEditChange, CellMeasures, NewEditCell } from '../../domain/cell-edit.ts';
import { pointInBox, splitBoxByNuclei, unionBox } from '../../domain/edit-geometry.ts';
import type { Box, Point } from '../../domain/geometry.ts';
import type { SlideRecord } from '../../domain/slide.ts';
import type { ApiContext } from '../context.ts';
import { ApiFailure } from '../errors.ts';
import type { CellsChangedView, EditResult } from '../views.ts';
import type { Handlers } from './handler.ts';
import { actorView, mayBroadcast } from '../reading-policy.ts';

export function cellsChangedView(change: CellEditChange): CellsChangedView {
  return { slideId: change.slideId, event: change.event, created: change.live, retired: change.retired.map((c) => c.id) };
}

/** Broadcasts an edit (or its undo / redo) and updates the cached counters; returns the view. */
export function publishEdit(ctx: ApiContext, change: CellEditChange): { view: CellsChangedView; counts: EditResult['counts'] } {
  const view = cellsChangedView(change);
  // The new cells carry the editor's labels: to a reader still blind to them they go out unlabelled.
  const shown = mayBroadcast(ctx, change.slideId, change.event.annotatorId)
    ? view : { ...view, created: view.created.map((c) => ({ ...c, label: null, flagged: false, labelAnnotatorId: null, labelledAt: null })) };
  ctx.events.emit('cells-changed', shown);
  return { view, counts: ctx.counts.applyEdit(change, actorView(ctx, change.event.annotatorId)) };
}

function edited(ctx: ApiContext, change: CellEditChange): EditResult {
  const { view, counts } = publishEdit(ctx, change);
  return { edit: view, counts, undo: ctx.store.undoRedoState(change.event.annotatorId) };
}

function checkOnSlide(slide: SlideRecord, box: Box, field: string): void {
  if (box.x + box.width > slide.width || box.y + box.height > slide.height) {
    throw new ApiFailure('bad-input', `${field}: reaches beyond the slide (${slide.width} x ${slide.height} px)`);
  }
}

/** Measures from the scan, or none where there is no scan to read (an imported slide, a moved file). */
async function measuresOf(ctx: ApiContext, slide: SlideRecord, boxes: readonly Box[], within?: Box): Promise<Array<CellMeasures | null>> {
  if (!ctx.cellPixels || slide.kind !== 'scan') return boxes.map(() => null);
  try {
    return await ctx.cellPixels.measure(slide, boxes, within);
  } catch {
    return boxes.map(() => null);
  }
}

async function splitParts(ctx: ApiContext, slide: SlideRecord, box: Box, nuclei: readonly Point[]): Promise<Box[]> {
  if (!ctx.cellPixels || slide.kind !== 'scan') return splitBoxByNuclei(box, nuclei);
  try {
    return await ctx.cellPixels.split(slide, box, nuclei);
  } catch {
    return splitBoxByNuclei(box, nuclei);
  }
}

function liveCell(ctx: ApiContext, cellId: number, field: string) {
  const cell = ctx.store.getCell(cellId);
  if (cell.retired) throw new ApiFailure('conflict', `${field}: cell ${cellId} was already replaced or rejected by an edit`);
  return cell;
}

export const editHandlers: Pick<Handlers, 'proposeCell' | 'addCell' | 'reshapeCell' | 'splitCell' | 'mergeCells' | 'rejectCell'> = {
  async proposeCell({ slideId, point }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    if (point.x >= slide.width || point.y >= slide.height) throw new ApiFailure('bad-input', `point: lies beyond the slide (${slide.width} x ${slide.height} px)`);
    if (!ctx.cellPixels) throw new ApiFailure('unsupported', 'this shell cannot read scans to find a cell');
    if (slide.kind !== 'scan') throw new ApiFailure('slide-unavailable', `slide ${slide.smearId} was imported without its scan: draw the box instead`);
    return ctx.cellPixels.propose(slide, point);
  },

  async addCell({ slideId, box, point, annotatorId }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    let created: NewEditCell;
    if (box) {
      checkOnSlide(slide, box, 'box');
      const [measures] = await measuresOf(ctx, slide, [box]);
      created = { box, measures, kind: (measures?.nuclei ?? 0) > 1 ? 'cluster' : 'cell' };
    } else {
      const proposal = await editHandlers.proposeCell({ slideId, point: point! }, ctx);
      if (!proposal) throw new ApiFailure('not-found', `no cell found around (${Math.round(point!.x)}, ${Math.round(point!.y)}): draw its box instead`);
      created = proposal;
    }
    return edited(ctx, ctx.store.editCells({ kind: 'add', slideId, annotatorId, retire: [], create: [created] }));
  },

  async reshapeCell({ cellId, box, annotatorId }, ctx) {
    const cell = liveCell(ctx, cellId, 'cellId');
    const slide = ctx.store.getSlide(cell.slideId);
    checkOnSlide(slide, box, 'box');
    const [measures] = await measuresOf(ctx, slide, [box]);
    return edited(ctx, ctx.store.editCells({
      kind: 'reshape', slideId: slide.id, annotatorId, retire: [cellId], create: [{ box, measures, kind: cell.kind }],
    }));
  },

  async splitCell({ cellId, nuclei, annotatorId }, ctx) {
    const cell = liveCell(ctx, cellId, 'cellId');
    nuclei.forEach((p, i) => {
      if (!pointInBox(p, cell.box)) throw new ApiFailure('bad-input', `nuclei.${i}: (${p.x}, ${p.y}) lies outside cell ${cellId}'s box`);
    });
    const slide = ctx.store.getSlide(cell.slideId);
    const parts = await splitParts(ctx, slide, cell.box, nuclei);
    // The same region the split read (runtime/cell-pixels.ts keeps that read a moment).
    const measures = await measuresOf(ctx, slide, parts, cell.box);
    return edited(ctx, ctx.store.editCells({
      kind: 'split', slideId: slide.id, annotatorId, retire: [cellId],
      create: parts.map((box, i) => ({ box, measures: measures[i], kind: 'cell' })),
    }));
  },

  async mergeCells({ cellIds, annotatorId }, ctx) {
    const cells = cellIds.map((id, i) => liveCell(ctx, id, `cellIds.${i}`));
    const slideId = cells[0]!.slideId;
    cells.forEach((c, i) => {
      if (c.slideId !== slideId) throw new ApiFailure('bad-input', `cellIds.${i}: cell ${c.id} belongs to slide ${c.slideId}, not ${slideId}`);
    });
    const slide = ctx.store.getSlide(slideId);
    const box = unionBox(cells.map((c) => c.box));
    const [measures] = await measuresOf(ctx, slide, [box]);
    const kind = (measures?.nuclei ?? cells.length) > 1 ? 'cluster' : 'cell';
    return edited(ctx, ctx.store.editCells({ kind: 'merge', slideId, annotatorId, retire: cellIds, create: [{ box, measures, kind }] }));
  },

  rejectCell({ cellId, annotatorId }, ctx) {
    const cell = liveCell(ctx, cellId, 'cellId');
    return edited(ctx, ctx.store.editCells({ kind: 'reject', slideId: cell.slideId, annotatorId, retire: [cellId], create: [] }));
  },
};
