// Ingest jobs from the UI: open a file (dialog or typed path), start, cancel,
// list. The work runs in the job runtime's worker threads; these handlers
// only validate and translate.

import { ApiFailure } from '../errors.ts';
import type { Handlers } from './handler.ts';
import { jobView, slideEntry, summaryOf } from './views.ts';

export const jobHandlers: Pick<Handlers, 'openSlideFile' | 'startIngest' | 'cancelJob' | 'listJobs'> = {
  async openSlideFile({ path }, ctx) {
    let chosen = path ?? null;
    if (chosen === null) {
      if (!ctx.dialogs) throw new ApiFailure('unsupported', 'Browser mode cannot show a file dialog: type the path of the scan');
      chosen = await ctx.dialogs.chooseSlideFile();
      if (chosen === null) return { path: null, slide: null, ingest: null };
    }
    const known = ctx.store.findSlideByPath(chosen);
    if (known && ctx.store.sliceProgress(known.id).total > 0) {
      return { path: chosen, slide: slideEntry(ctx, summaryOf(ctx, known)), ingest: null };
    }
    return { path: chosen, slide: null, ingest: await ctx.jobs.startIngest({ path: chosen }) };
  },

  startIngest(input, ctx) {
    return ctx.jobs.startIngest(input);
  },

  cancelJob({ jobId }, ctx) {
    const job = ctx.store.getJob(jobId);
    if (job.state !== 'running') throw new ApiFailure('conflict', `Job ${jobId} is not running (it is ${job.state})`);
    if (!(job.kind === 'export' && ctx.datasets.cancel(jobId))) ctx.jobs.cancel(jobId);
    return jobView(ctx, ctx.store.getJob(jobId));
  },

  listJobs(input, ctx) {
    return ctx.store.listJobs({ ...input, limit: input.limit ?? 50 }).map((job) => jobView(ctx, job));
  },
};
