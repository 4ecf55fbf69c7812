// Ingest jobs started from the UI: one worker thread per job (startIngestJob),
// live progress kept in memory for the views, every change pushed as a
// 'job-progress' event, and the library told when a slide appears or a job
// ends. One job per scan at a time; the database serialises the rest.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiFailure, toApiError } from '../api/errors.ts';
import type { EventSink, IngestRequest, JobControl } from '../api/context.ts';
import type { IngestStarted, JobLiveProgress, JobView } from '../api/views.ts';
import { startIngestJob } from '../pipeline/ingest/ingest-job.ts';
import type { IngestJob } from '../pipeline/ingest/ingest-job.ts';
import { parseIngestOptions } from '../pipeline/ingest/ingest-options.ts';
import type { IngestOptions, IngestOptionsInput, IngestProgress, IngestResult } from '../pipeline/ingest/ingest-options.ts';
import { assertScanFile } from '../slide/scan-file.ts';
import type { Store } from '../store/index.ts';
import { JobOutcomes, jobViewOf } from './job-outcomes.ts';

/** Options every ingest from this shell gets unless the request says otherwise (segmenter, model, providers, data folder). */
export type IngestDefaults = Omit<Partial<IngestOptionsInput>, 'slidePath' | 'dbPath'>;

export interface IngestJobsOptions {
  store: Store;
  events: EventSink;
  defaults?: IngestDefaults;
  /** Injected in tests; defaults to the worker-thread job. */
  start?: (options: IngestOptions) => IngestJob;
  onLog?: (message: string) => void;
}

interface RunningIngest {
  path: string;
  job: IngestJob;
  jobId: number | null;
  live: JobLiveProgress | null;
  cancelRequested: boolean;
  done: Promise<unknown>;
}


function liveOf(progress: IngestProgress, cancelling: boolean): JobLiveProgress {
  const { slicesDone, slicesTotal, slicesFailed, cells, rate, etaSeconds } = progress;
  return { slicesDone, slicesTotal, slicesFailed, cells, cellsTotal: null, rate, bytesWritten: null, bytesPerSecond: null, etaSeconds, cancelling };
}

export class IngestJobs implements JobControl {
  readonly #store: Store;
  readonly #events: EventSink;
  readonly #defaults: IngestDefaults;
  readonly #start: (options: IngestOptions) => IngestJob;
  readonly #log: (message: string) => void;
  readonly #running = new Set<RunningIngest>();
  readonly #outcomes = new JobOutcomes<IngestResult>();

  constructor(options: IngestJobsOptions) {
    this.#store = options.store;
    this.#events = options.events;
    this.#defaults = options.defaults ?? {};
    this.#start = options.start ?? startIngestJob;
    this.#log = options.onLog ?? (() => undefined);
  }

  async startIngest(request: IngestRequest): Promise<IngestStarted> {
    const path = resolve(request.path);
    if ([...this.#running].some((run) => run.path === path)) {
      throw new ApiFailure('conflict', `${path} is being ingested already`);
    }
    // Cheap checks here rather than a worker start-up later.
    const found = await stat(path).catch(() => null);
    if (!found) throw new ApiFailure('slide-unavailable', `There is no file at ${path}`);
    // A folder, pipe or device is refused by name (a FIFO would block OpenSlide for ever).
    await assertScanFile(path);
    if ([...this.#running].some((run) => run.path === path)) {
      throw new ApiFailure('conflict', `${path} is being ingested already`);
    }
    const { path: _path, ...asked } = request;
    let options: IngestOptions;
    try {
      options = parseIngestOptions({
        ...this.#defaults,
        ...Object.fromEntries(Object.entries(asked).filter(([, v]) => v !== undefined)),
        slidePath: path,
        dbPath: this.#store.path,
      });
    } catch (error) {
      throw new ApiFailure('bad-input', (error as Error).message);
    }
    const job = this.#start(options);
    const run: RunningIngest = { path, job, jobId: null, live: null, cancelRequested: false, done: job.result.catch(() => undefined) };
    this.#running.add(run);

    return new Promise<IngestStarted>((resolveStarted, rejectStarted) => {
      let answered = false;
      job.events.on('log', (message) => this.#log(message));
      job.events.on('progress', (progress) => {
        const first = run.jobId === null;
        run.jobId = progress.jobId;
        if (first) this.#outcomes.keep(progress.jobId, job.result);
        run.live = liveOf(progress, run.cancelRequested);
        const view = this.#view(progress.jobId);
        if (view) this.#events.emit('job-progress', view);
        if (first) {
          this.#events.emit('slides-changed', { slideId: progress.slideId });
          if (!answered) {
            answered = true;
            resolveStarted({ job: view, slideId: progress.slideId, skipped: false, message: `ingest of ${path} started` });
          }
        }
      });
      job.result.then(
        (result) => {
          this.#running.delete(run);
          this.#finished(result);
          if (!answered) {
            answered = true;
            resolveStarted({
              job: result.jobId === null ? null : this.#view(result.jobId),
              slideId: result.slideId,
              skipped: result.state === 'skipped',
              message: result.message,
            });
          }
        },
        (error: unknown) => {
          this.#running.delete(run);
          const apiError = toApiError(error);
          const message = `Ingest of ${path} failed: ${(error as Error).message ?? String(error)}`;
          this.#log(message);
          if (run.jobId !== null) {
            const view = this.#view(run.jobId);
            if (view) this.#events.emit('job-progress', view);
            this.#events.emit('slides-changed', { slideId: view?.slideId ?? null });
          }
          if (!answered) {
            answered = true;
            const code = apiError.code === 'internal' ? 'job-failed' : apiError.code;
            rejectStarted(new ApiFailure(code, message, apiError.detail));
          }
        },
      );
    });
  }

  outcome(jobId: number): Promise<IngestResult | null> | null {
    return this.#outcomes.get(jobId);
  }


  cancel(jobId: number): void {
    const run = [...this.#running].find((r) => r.jobId === jobId);
    if (!run) throw new ApiFailure('conflict', `Job ${jobId} is not running in this Smearlab (it may belong to another process)`);
    run.cancelRequested = true;
    if (run.live) run.live = { ...run.live, cancelling: true };
    run.job.cancel();
    const view = this.#view(jobId);
    if (view) this.#events.emit('job-progress', view);
  }

  live(jobId: number): JobLiveProgress | null {
    return [...this.#running].find((r) => r.jobId === jobId)?.live ?? null;
  }

  /** Cancels every running job and waits for the workers to stop. */
  async close(): Promise<void> {
    const runs = [...this.#running];
    for (const run of runs) run.job.cancel();
    await Promise.all(runs.map((run) => run.done));
  }

  #view(jobId: number): JobView | null {
    return jobViewOf(this.#store, jobId, (id) => this.live(id));
  }

  #finished(result: IngestResult): void {
    if (result.jobId !== null) {
      const view = this.#view(result.jobId);
      if (view) this.#events.emit('job-progress', view);
    }
    this.#events.emit('slides-changed', { slideId: result.slideId });
  }
}
