// Who is labelling and in which shell. The annotator is chosen once when the
// app starts; every label call still names it, so a label is never recorded
// under someone else because of stale session state.

import type { Handlers } from './handler.ts';

export const sessionHandlers: Pick<Handlers, 'getSession' | 'listAnnotators' | 'chooseAnnotator'> = {
  getSession(_input, ctx) {
    const id = ctx.session.annotatorId;
    return {
      mode: ctx.mode,
      canPickFiles: ctx.dialogs !== null,
      annotator: id === null ? null : ctx.store.getAnnotator(id),
      version: ctx.version,
    };
  },
  listAnnotators(_input, ctx) {
    return ctx.store.listAnnotators();
  },
  chooseAnnotator({ name, role }, ctx) {
    let annotator = ctx.store.ensureAnnotator(name);
    if (role !== undefined && role !== annotator.role) annotator = ctx.store.setAnnotatorRole(annotator.id, role);
    ctx.session.annotatorId = annotator.id;
    return annotator;
  },
};
