// AI assist for a reader: start a run (features, a classifier trained on
// their own labels, suggestions for every cell) in a worker, read where it
// stands, and confirm a page of suggestions with one key. Suggestions never
// label: labelCells records each cell as the reader's own label, with what
// was suggested kept on the event (store/label-repository.ts).

import type { ApiContext } from '../context.ts';
import { ApiFailure } from '../errors.ts';
import { isBlinded, sessionAnnotator } from '../reading-policy.ts';
import type { Handlers } from './handler.ts';
import { changeView } from './views.ts';

function readerOf(ctx: ApiContext) {
  const me = sessionAnnotator(ctx);
  if (me === null || me.role !== 'reader') throw new ApiFailure('conflict', 'assist learns from a reader\'s own labels: choose a reader first');
  return me;
}

export const assistHandlers: Pick<Handlers, 'trainAssist' | 'assistSummary' | 'labelCells' | 'runClassifier'> = {
  trainAssist({ slideId }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    const me = readerOf(ctx);
    if (!ctx.assist) throw new ApiFailure('unsupported', 'assist runs need a database file (this one is in memory)');
    const started = ctx.assist.start(slide.id, me.id);
    return { started, message: started ? `learning from ${me.name}'s labels on ${slide.smearId}` : 'a run for this slide is going; it will be followed by suggestions' };
  },
  async runClassifier({ slideId, model }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    const me = readerOf(ctx);
    if (!ctx.assist) throw new ApiFailure('unsupported', 'assist runs need a database file (this one is in memory)');
    if (slide.kind !== 'scan') throw new ApiFailure('conflict', `${slide.smearId} was imported without its scan: a classifier has nothing to look at`);
    const path = await ctx.assist.classifierPath(model);
    const started = ctx.assist.start(slide.id, me.id, path);
    return { started, message: started ? `running ${model} on ${slide.smearId}` : 'an assist run for this slide is going; try again when it ends' };
  },
  assistSummary({ slideId }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    const me = readerOf(ctx);
    return {
      ...ctx.store.assistSummary(slide.id, me.id),
      running: ctx.assist?.running(slide.id, me.id) ?? false,
      lastRun: ctx.assist?.lastRun(slide.id, me.id) ?? null,
    };
  },
  labelCells({ cellIds, label, annotatorId }, ctx) {
    const slideId = ctx.store.getCell(cellIds[0]!).slideId;
    for (const id of cellIds) {
      if (ctx.store.getCell(id).slideId !== slideId) throw new ApiFailure('bad-input', `cellIds: cell ${id} is on another slide than cell ${cellIds[0]}`);
    }
    const changes = ctx.store.transaction(() => cellIds.map((cellId) => ctx.store.applyLabel(cellId, label, annotatorId)));
    const views = changes.map((change) => changeView(slideId, change));
    if (!isBlinded(ctx, slideId) || sessionAnnotator(ctx)?.id === annotatorId) for (const view of views) ctx.events.emit('label-changed', view);
    ctx.counts.invalidate(slideId);
    const annotator = ctx.store.getAnnotator(annotatorId);
    const view = annotator.role === 'reader' ? { kind: 'reader' as const, readerId: annotator.id } : { kind: 'decision' as const };
    return { changes: views, counts: ctx.counts.get(slideId, view), undo: ctx.store.undoRedoState(annotatorId) };
  },
};
