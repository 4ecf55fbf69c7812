// Reading cells for the overlay, the cell panel and the gallery, and moving
// the focus: next / previous in reading order, or the nearest cell in an
// arrow direction.

import type { CellView } from '../../domain/cell.ts';
import type { ApiContext } from '../context.ts';
import { contextBoxOf, nearestInDirection, matchesFilter, searchWindow } from '../cell-geometry.ts';
import type { ArrowDirection } from '../cell-geometry.ts';
import { ApiFailure } from '../errors.ts';
import type { CellFilter } from '../../domain/cell.ts';
import type { Handlers } from './handler.ts';
import { galleryCell } from './views.ts';

const FIRST_REACH = 512;

function cellOfSlide(ctx: ApiContext, cellId: number, slideId: number): CellView {
  const cell = ctx.store.getCell(cellId);
  if (cell.slideId !== slideId) throw new ApiFailure('bad-input', `cellId: cell ${cellId} belongs to slide ${cell.slideId}, not ${slideId}`);
  return cell;
}

/** Widens the search window until the best score is provably inside it, or the window covers the slide. */
function nearestCell(ctx: ApiContext, origin: CellView, direction: ArrowDirection, filter: CellFilter | undefined): CellView | null {
  const slide = ctx.store.getSlide(origin.slideId);
  const limit = Math.max(slide.width, slide.height);
  for (let reach = FIRST_REACH; ; reach *= 4) {
    const candidates = ctx.store.cellsInViewport(origin.slideId, searchWindow(origin.centre, direction, reach), filter);
    const best = nearestInDirection(origin, candidates, direction);
    if (best && best.score <= reach) return best.cell;
    if (reach >= limit) return best?.cell ?? null;
  }
}

export const cellHandlers: Pick<Handlers, 'cellMarkers' | 'getCell' | 'neighbourCell' | 'gallery'> = {
  cellMarkers({ slideId, viewport }, ctx) {
    return ctx.store.cellMarkers(slideId, viewport);
  },

  getCell({ cellId }, ctx) {
    const cell = ctx.store.getCell(cellId);
    return {
      cell,
      history: ctx.store.labelHistory(cellId),
      cropUrl: ctx.urls.cellCrop(cellId, 'jpeg'),
      contextUrl: ctx.urls.cellContext(cellId),
      contextBox: contextBoxOf(cell.box),
    };
  },

  neighbourCell({ slideId, cellId, direction, filter }, ctx) {
    ctx.store.getSlide(slideId);
    if (cellId === undefined) {
      if (direction === 'next') return ctx.store.firstCell(slideId, filter);
      if (direction === 'previous') return ctx.store.lastCell(slideId, filter);
      throw new ApiFailure('bad-input', `cellId: an arrow move (${direction}) needs the cell it starts from`);
    }
    const origin = cellOfSlide(ctx, cellId, slideId);
    if (direction === 'next') return ctx.store.nextCell(cellId, filter);
    if (direction === 'previous') return ctx.store.previousCell(cellId, filter);
    return nearestCell(ctx, origin, direction, filter);
  },

  gallery({ slideId, sliceId, filter, offset = 0, limit = 100 }, ctx) {
    if (sliceId === undefined) {
      const page = ctx.store.galleryPage({ slideId, filter, offset, limit });
      return { ...page, cells: page.cells.map((cell) => galleryCell(ctx, cell)) };
    }
    const slice = ctx.store.getSlice(sliceId);
    if (slice.slideId !== slideId) throw new ApiFailure('bad-input', `sliceId: slice ${sliceId} belongs to slide ${slice.slideId}, not ${slideId}`);
    const matching = ctx.store.cellsOfSlice(sliceId).filter((cell) => matchesFilter(cell, filter));
    return { cells: matching.slice(offset, offset + limit).map((cell) => galleryCell(ctx, cell)), total: matching.length, offset, limit };
  },
};
