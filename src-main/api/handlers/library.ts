// The library and the viewer's slide: summaries, the DZI URL and origin
// (opening the scan for tiles), the slice grid and the field-of-view mask.

import { apiError, toApiError } from '../errors.ts';
import type { Handlers } from './handler.ts';
import { slideEntry, summaryOf } from './views.ts';
import { sessionView } from '../reading-policy.ts';

export const libraryHandlers: Pick<Handlers, 'listSlides' | 'getSlide' | 'counts'> = {
  listSlides(_input, ctx) {
    return ctx.store.slideSummaries(sessionView(ctx)).map((summary) => slideEntry(ctx, summary));
  },

  async getSlide({ slideId }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    const entry = slideEntry(ctx, summaryOf(ctx, slide));
    let dziUrl: string | null = null;
    let dziOrigin = { x: 0, y: 0 };
    let tileError = null;
    if (slide.kind !== 'scan') {
      tileError = apiError('slide-unavailable', `${entry.name} was imported without its scan: there are no tiles to show`);
    } else {
      try {
        ({ url: dziUrl, origin: dziOrigin } = await ctx.tiles.dzi(slide));
      } catch (error) {
        tileError = toApiError(error);
      }
    }
    return {
      ...entry,
      dziUrl,
      tileError,
      dziOrigin,
      sliceGrid: ctx.store.listSlices(slideId).map(({ id, x, y, width, height, tissueFraction, state, cellCount }) => ({
        id, x, y, width, height, tissueFraction, state, cellCount,
      })),
      fovMaskUrl: slide.fovMaskPath === null ? null : ctx.urls.fovMask(slide.id),
      damagedRegions: ctx.store.listDamagedRegions(slideId).map(({ box, level, reason, recoveredFrom }) => ({ box, level, reason, recoveredFrom })),
    };
  },

  counts({ slideId }, ctx) {
    if (slideId === undefined) return ctx.store.classCounts(undefined, sessionView(ctx));
    ctx.store.getSlide(slideId); // a missing slide is not-found, not zero counts
    return ctx.counts.get(slideId, sessionView(ctx));
  },
};
