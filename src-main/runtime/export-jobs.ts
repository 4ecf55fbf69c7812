// Datasets for every shell: exports, one worker per export (startExportJob),
// every progress step pushed as a 'job-progress' event with the job row and
// live figures, and failures turned into API errors whose message names the
// file or folder (a full stick, a pulled stick, ...); verify; import.

import { resolve } from 'node:path';
import type { DatasetControl, EventSink, ExportRequest, ImportRequest } from '../api/context.ts';
import { ApiFailure, type ApiErrorCode } from '../api/errors.ts';
import type { ExportResult, ExportStarted, ImportReport, JobLiveProgress, JobView, VerifyResult } from '../api/views.ts';
import { DatasetError, startExportJob, verifyExport } from '../dataset/index.ts';
import type { DatasetErrorCode } from '../dataset/dataset-error.ts';
import type { ExportJob } from '../dataset/index.ts';
import type { ExportProgress } from '../dataset/export-options.ts';
import { importApaccFolder } from '../dataset/import-apacc.ts';
import { importGeoJsonFile } from '../dataset/import-geojson.ts';
import type { Store } from '../store/index.ts';
import { JobOutcomes, jobViewOf } from './job-outcomes.ts';

/** What the user named and can fix answers 4xx; a failure of the disk or the run answers 'job-failed'. */
const API_CODE_OF: Partial<Record<DatasetErrorCode, ApiErrorCode>> = {
  'bad-options': 'bad-input',
  'not-an-export': 'bad-input',
  'target-missing': 'bad-input',
  'name-too-long': 'bad-input',
  'name-refused': 'bad-input',
  'nothing-to-export': 'conflict',
  'target-busy': 'conflict',
  'target-not-empty': 'conflict',
};

function failure(error: unknown): ApiFailure {
  if (error instanceof DatasetError) return new ApiFailure(API_CODE_OF[error.code] ?? 'job-failed', error.message);
  return new ApiFailure('job-failed', (error as Error).message ?? String(error));
}

function liveOf(p: ExportProgress, startedAt: number, cancelling: boolean): JobLiveProgress {
  const seconds = (Date.now() - startedAt) / 1000;
  return {
    slicesDone: p.slicesDone, slicesTotal: p.slicesTotal, slicesFailed: 0, cells: p.cellsDone, cellsTotal: p.cellsTotal,
    rate: seconds > 0 ? p.slicesDone / seconds : 0, bytesWritten: p.bytesWritten, bytesPerSecond: p.bytesPerSecond,
    etaSeconds: p.etaSeconds, cancelling,
  };
}


export class ExportJobs implements DatasetControl {
  readonly #store: Store;
  readonly #events: EventSink;
  readonly #running = new Map<number, ExportJob>();
  readonly #starting = new Set<ExportJob>();
  readonly #live = new Map<number, JobLiveProgress>();
  readonly #cancelled = new Set<number>();
  readonly #outcomes = new JobOutcomes<ExportResult>();

  constructor(store: Store, events: EventSink) {
    this.#store = store;
    this.#events = events;
  }

  async startExport(request: ExportRequest): Promise<ExportStarted> {
    const targetDir = resolve(request.targetDir);
    let job: ExportJob;
    try {
      job = startExportJob({ ...request, targetDir, dbPath: this.#store.path });
    } catch (error) {
      throw failure(error);
    }
    this.#starting.add(job);
    const startedAt = Date.now();
    let cancelling = false;
    job.events.on('progress', (progress) => {
      if (progress.jobId === null) return;
      cancelling ||= this.#cancelled.has(progress.jobId);
      this.#live.set(progress.jobId, liveOf(progress, startedAt, cancelling));
      this.#emit(progress.jobId);
    });
    const finished = job.result.then(
      (result) => result,
      (error: unknown) => { throw failure(error); },
    );
    finished.catch(() => undefined).finally(() => {
      this.#starting.delete(job);
      for (const [id, running] of this.#running) {
        if (running === job) { this.#running.delete(id); this.#live.delete(id); this.#cancelled.delete(id); this.#emit(id); }
      }
    });
    let jobId: number;
    try {
      jobId = await job.jobId;
    } catch (error) {
      throw failure(error);
    }
    this.#running.set(jobId, job);
    this.#starting.delete(job);
    this.#outcomes.keep(jobId, job.result);
    return { job: this.#view(jobId), targetDir, message: `export to ${targetDir} started` };
  }

  async verify(folder: string): Promise<VerifyResult> {
    try {
      return await verifyExport(resolve(folder));
    } catch (error) {
      throw failure(error);
    }
  }

  /** Runs on this thread: an import reads files and writes rows, with no pixel work. */
  async import(request: ImportRequest): Promise<ImportReport> {
    const { source, annotator, sliceSize, smearId, slideId, dataDir } = request;
    const common = { dbPath: this.#store.path, ...(annotator ? { annotator } : {}) };
    try {
      if (/\.(geo)?json$/i.test(source)) {
        return await importGeoJsonFile({ file: source, ...common, ...(slideId !== undefined ? { slideId } : {}), ...(smearId ? { smearId } : {}) });
      }
      return await importApaccFolder({ folder: source, ...common, ...(dataDir ? { dataDir } : {}), ...(sliceSize !== undefined ? { sliceSize } : {}) });
    } catch (error) {
      throw failure(error);
    }
  }

  cancel(jobId: number): boolean {
    const job = this.#running.get(jobId);
    if (!job) return false;
    this.#cancelled.add(jobId);
    const live = this.#live.get(jobId);
    if (live) this.#live.set(jobId, { ...live, cancelling: true });
    job.cancel();
    return true;
  }

  live(jobId: number): JobLiveProgress | null {
    return this.#live.get(jobId) ?? null;
  }

  outcome(jobId: number): Promise<ExportResult | null> | null {
    return this.#outcomes.get(jobId);
  }


  /** Cancels running exports and waits for their workers (a re-run resumes them). */
  async close(): Promise<void> {
    const jobs = [...this.#running.values(), ...this.#starting];
    for (const job of jobs) job.cancel();
    await Promise.all(jobs.map((job) => job.result.catch(() => undefined)));
  }

  #view(jobId: number): JobView | null {
    return jobViewOf(this.#store, jobId, (id) => this.live(id));
  }

  #emit(jobId: number): void {
    const view = this.#view(jobId);
    if (view) this.#events.emit('job-progress', view);
  }
}
