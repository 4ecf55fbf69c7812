// Datasets: start an export into a folder, check one, import one. The work
// runs in the shell's runtime (export-jobs.ts); these only translate.

import type { Handlers } from './handler.ts';

export const datasetHandlers: Pick<Handlers, 'startExport' | 'verifyExport' | 'importDataset'> = {
  startExport(input, ctx) {
    return ctx.datasets.startExport(input);
  },

  verifyExport({ folder }, ctx) {
    return ctx.datasets.verify(folder);
  },

  importDataset(input, ctx) {
    return ctx.datasets.import(input);
  },
};
