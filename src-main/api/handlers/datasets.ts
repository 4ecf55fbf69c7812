// Dataset exports from the UI: start one into a folder, check one. The work
// runs in a worker of the shell (export-jobs.ts); these only translate.

import type { Handlers } from './handler.ts';

export const datasetHandlers: Pick<Handlers, 'startExport' | 'verifyExport'> = {
  startExport(input, ctx) {
    return ctx.datasets.startExport(input);
  },

  verifyExport({ folder }, ctx) {
    return ctx.datasets.verify(folder);
  },
};
