// Several readers on one slide: where the reading stands, its settings, and
// every reader's label on a cell for the adjudicator (reading-policy.ts keeps
// them from a reader the slide is still blind to).

import { ApiFailure } from '../errors.ts';
import { isBlinded, requireUnblinded } from '../reading-policy.ts';
import type { Handlers } from './handler.ts';
import { computeAgreement } from '../../readers/agreement.ts';

export const readingHandlers: Pick<Handlers, 'slideReading' | 'setReadingSettings' | 'cellReadings' | 'agreement'> = {
  slideReading({ slideId }, ctx) {
    requireUnblinded(ctx, slideId, "the slide's reading");
    return ctx.store.slideReading(slideId);
  },
  setReadingSettings({ slideId, ...settings }, ctx) {
    // A reader the slide is blind to could otherwise lift the blinding for themselves.
    if (isBlinded(ctx, slideId)) {
      throw new ApiFailure('blinded', 'the reading settings of a slide read blind are changed by an adjudicator or a reader who has finished it');
    }
    ctx.store.setReadingSettings(slideId, settings);
    ctx.counts.invalidate(slideId);
    return ctx.store.slideReading(slideId);
  },
  cellReadings({ cellId }, ctx) {
    const cell = ctx.store.getCell(cellId);
    requireUnblinded(ctx, cell.slideId, "other readers' labels");
    return ctx.store.cellReadings(cellId);
  },
  agreement({ slideIds, rounds, seed }, ctx) {
    const ids = slideIds ?? ctx.store.listSlides().map((s) => s.id);
    for (const id of ids) requireUnblinded(ctx, id, 'agreement between readers');
    // Only the options given: the statistics module fills in its own defaults.
    return computeAgreement(ctx.store.readerRatings(ids), { ...(rounds === undefined ? {} : { rounds }), ...(seed === undefined ? {} : { seed }) });
  },
};
