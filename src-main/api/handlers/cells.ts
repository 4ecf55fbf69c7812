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
import { isBlinded, requireUnblinded, sessionAnnotator, sessionView, suggestionsReader } from '../reading-policy.ts';

const FIRST_REACH = 512;

function cellOfSlide(ctx: ApiContext, cellId: number, slideId: number): CellView {
  const cell = ctx.store.getCell(cellId, sessionView(ctx));
  if (cell.slideId !== slideId) throw new ApiFailure('bad-input', `cellId: cell ${cellId} belongs to slide ${cell.slideId}, not ${slideId}`);
  return cell;
}

/** Widens the search window until the best score is provably inside it, or the window covers the slide. */
function nearestCell(ctx: ApiContext, origin: CellView, direction: ArrowDirection, filter: CellFilter | undefined): CellView | null {
  const slide = ctx.store.getSlide(origin.slideId);
  const limit = Math.max(slide.width, slide.height);
  const view = sessionView(ctx);
  for (let reach = FIRST_REACH; ; reach *= 4) {
    const candidates = ctx.store.cellsInViewport(origin.slideId, searchWindow(origin.centre, direction, reach), filter, view);
    const best = nearestInDirection(origin, candidates, direction);
    if (best && best.score <= reach) return best.cell;
    if (reach >= limit) return best?.cell ?? null;
  }
}

export const cellHandlers: Pick<Handlers, 'cellMarkers' | 'getCell' | 'neighbourCell' | 'gallery'> = {
  cellMarkers({ slideId, viewport }, ctx) {
    return ctx.store.cellMarkers(slideId, viewport, sessionView(ctx), suggestionsReader(ctx));
  },

  getCell({ cellId }, ctx) {
    const cell = ctx.store.getCell(cellId, sessionView(ctx));
    const history = ctx.store.labelHistory(cellId);
    const me = sessionAnnotator(ctx);
    const reader = suggestionsReader(ctx);
    return {
      cell,
      suggestion: reader === undefined ? null : ctx.store.suggestionFor(cellId, reader),
      // A blinded reader's history holds their own events and the cell edits, nobody else's labels.
      history: isBlinded(ctx, cell.slideId, me) ? history.filter((h) => h.kind === 'edit' || h.annotatorId === me?.id) : history,
      cropUrl: ctx.urls.cellCrop(cellId, 'jpeg'),
      contextUrl: ctx.urls.cellContext(cellId),
      contextBox: contextBoxOf(cell.box),
    };
  },

  neighbourCell({ slideId, cellId, direction, filter }, ctx) {
    ctx.store.getSlide(slideId);
    if (filter?.queue !== undefined) requireUnblinded(ctx, slideId, 'the disagreement queue');
    const view = sessionView(ctx);
    if (cellId === undefined) {
      if (direction === 'next') return ctx.store.firstCell(slideId, filter, view);
      if (direction === 'previous') return ctx.store.lastCell(slideId, filter, view);
      throw new ApiFailure('bad-input', `cellId: an arrow move (${direction}) needs the cell it starts from`);
    }
    const origin = cellOfSlide(ctx, cellId, slideId);
    if (direction === 'next') return ctx.store.nextCell(cellId, filter, view);
    if (direction === 'previous') return ctx.store.previousCell(cellId, filter, view);
    return nearestCell(ctx, origin, direction, filter);
  },

  gallery({ slideId, sliceId, filter, offset = 0, limit = 100, order = 'reading', suggested }, ctx) {
    if (filter?.queue !== undefined) requireUnblinded(ctx, slideId, 'the disagreement queue');
    const view = sessionView(ctx);
    const suggestionsOf = suggestionsReader(ctx);
    if ((order !== 'reading' || suggested !== undefined) && suggestionsOf === undefined) {
      throw new ApiFailure('conflict', 'galleries ordered or filtered by suggestions are a reader\'s: choose a reader (suggestions learn from their own labels)');
    }
    if (sliceId === undefined) {
      const page = ctx.store.galleryPage({ slideId, filter, offset, limit, view, order, suggested, suggestionsOf });
      return { ...page, cells: page.cells.map((cell) => galleryCell(ctx, cell)) };
    }
    const slice = ctx.store.getSlice(sliceId);
    if (slice.slideId !== slideId) throw new ApiFailure('bad-input', `sliceId: slice ${sliceId} belongs to slide ${slice.slideId}, not ${slideId}`);
    if (filter?.queue !== undefined) throw new ApiFailure('bad-input', 'filter.queue: the queues walk a whole slide, not one slice');
    if (order !== 'reading' || suggested !== undefined) throw new ApiFailure('bad-input', 'order: a slice\'s gallery is in reading order');
    const matching = ctx.store.cellsOfSlice(sliceId, view).filter((cell) => matchesFilter(cell, filter));
    return { cells: matching.slice(offset, offset + limit).map((cell) => galleryCell(ctx, cell)), total: matching.length, offset, limit };
  },
};
