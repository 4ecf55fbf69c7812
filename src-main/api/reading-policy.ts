// Whose labels each call sees, and blind reading. The session's annotator
// decides it: a reader sees and counts their own labels; an adjudicator (or a
// caller with no annotator, such as the CLI) sees the decision. On a blind
// slide a reader is shown no other reader's label (nor the decision, which is
// made of them) until they have labelled every live cell, or an adjudicator
// has decided a cell there. The view is chosen here, never by the caller's
// input, so no request can ask for someone else's labels.

import type { AnnotatorRecord } from '../domain/annotator.ts';
import { DECISION_VIEW, type LabelView } from '../domain/reading.ts';
import type { ApiContext } from './context.ts';
import { ApiFailure } from './errors.ts';

export function sessionAnnotator(ctx: ApiContext): AnnotatorRecord | null {
  const id = ctx.session.annotatorId;
  return id === null ? null : ctx.store.getAnnotator(id);
}

/** The view of an annotator's own actions: a reader's own labels, an adjudicator's the decision. */
export function viewOfAnnotator(annotator: AnnotatorRecord | null): LabelView {
  return annotator?.role === 'reader' ? { kind: 'reader', readerId: annotator.id } : DECISION_VIEW;
}

/** The view reads of this session show. */
export function sessionView(ctx: ApiContext): LabelView {
  return viewOfAnnotator(sessionAnnotator(ctx));
}

/** The view an action by annotatorId is answered in (labels, undo, edits). */
export function actorView(ctx: ApiContext, annotatorId: number): LabelView {
  return viewOfAnnotator(ctx.store.getAnnotator(annotatorId));
}

/** True when the session's reader may not yet see other readers' labels on the slide. */
export function isBlinded(ctx: ApiContext, slideId: number, annotator = sessionAnnotator(ctx)): boolean {
  if (annotator === null || annotator.role !== 'reader') return false;
  if (!ctx.store.readingSettings(slideId).blind) return false;
  return !ctx.store.readerFinished(slideId, annotator.id) && !ctx.store.adjudicationStarted(slideId);
}

/** Refuses what would show a blinded reader other readers' labels. */
export function requireUnblinded(ctx: ApiContext, slideId: number, what: string): void {
  if (isBlinded(ctx, slideId)) {
    const slide = ctx.store.getSlide(slideId);
    throw new ApiFailure('blinded',
      `${what} is hidden: ${slide.smearId} is read blind, so other readers' labels stay hidden until you have labelled every cell ` +
      'or an adjudicator has started deciding');
  }
}

/**
 * Whether an event about someone's change may go out to this session's
 * windows: not when it carries another reader's labels to a reader the slide
 * is still blind to (the event stream is one more way to leak them).
 */
export function mayBroadcast(ctx: ApiContext, slideId: number, actorId: number): boolean {
  const me = sessionAnnotator(ctx);
  return me === null || me.id === actorId || !isBlinded(ctx, slideId, me);
}

/** The reader whose suggestions this session sees (assist is per reader), or undefined. */
export function suggestionsReader(ctx: ApiContext): number | undefined {
  const me = sessionAnnotator(ctx);
  return me?.role === 'reader' ? me.id : undefined;
}
