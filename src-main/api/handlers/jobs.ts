// Ingest jobs from the UI: open a file (dialog or typed path), start, cancel,
// list. The work runs in the job runtime's worker threads; these handlers
// only validate and translate.

import { ApiFailure } from '../errors.ts';
import type { Handlers } from './handler.ts';
import { jobView, slideEntry, summaryOf } from './views.ts';

const DEFAULT_WAIT_MS = 30_000;
const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT when ms pass first. */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => resolve(TIMED_OUT), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const jobHandlers: Pick<Handlers, 'openSlideFile' | 'slideInfo' | 'startIngest' | 'cancelJob' | 'listJobs' | 'waitForJob'> = {
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

  slideInfo({ path }, ctx) {
    return ctx.tiles.info(path);
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

  async waitForJob({ jobId, timeoutMs }, ctx) {
    const job = ctx.store.getJob(jobId);
    const wait = timeoutMs ?? DEFAULT_WAIT_MS;
    const exporting = job.kind === 'export' ? ctx.datasets.outcome(jobId) : null;
    const ingesting = job.kind === 'export' ? null : ctx.jobs.outcome(jobId);
    if (exporting === null && ingesting === null) {
      // Not run by this process: the row is all there is (another process may still be working on it).
      return { job: jobView(ctx, job), finished: job.state !== 'running', ingest: null, export: null };
    }
    const exported = exporting ? await withinMs(exporting, wait) : null;
    const ingested = ingesting ? await withinMs(ingesting, wait) : null;
    const finished = exported !== TIMED_OUT && ingested !== TIMED_OUT;
    return {
      job: jobView(ctx, ctx.store.getJob(jobId)),
      finished,
      ingest: ingested === TIMED_OUT ? null : ingested,
      export: exported === TIMED_OUT ? null : exported,
    };
  },

};
