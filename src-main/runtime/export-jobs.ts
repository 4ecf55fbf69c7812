// Dataset exports started from the UI: one worker per export
// (startExportJob), every progress step pushed as a 'job-progress' event with
// the job row (files done / total), and failures turned into API errors whose
// message names the file or folder (a full stick, a pulled stick, ...).

import { resolve } from 'node:path';
import type { DatasetControl, EventSink, ExportRequest } from '../api/context.ts';
import { ApiFailure } from '../api/errors.ts';
import type { ExportStarted, JobView, VerifyResult } from '../api/views.ts';
import { DatasetError, startExportJob, verifyExport } from '../dataset/index.ts';
import type { ExportJob } from '../dataset/index.ts';
import type { Store } from '../store/index.ts';

function failure(error: unknown): ApiFailure {
  if (error instanceof DatasetError) {
    if (error.code === 'bad-options') return new ApiFailure('bad-input', error.message);
    if (error.code === 'nothing-to-export' || error.code === 'target-busy') return new ApiFailure('conflict', error.message);
    return new ApiFailure('job-failed', error.message);
  }
  return new ApiFailure('job-failed', (error as Error).message ?? String(error));
}

export class ExportJobs implements DatasetControl {
  readonly #store: Store;
  readonly #events: EventSink;
  readonly #running = new Map<number, ExportJob>();
  readonly #starting = new Set<ExportJob>();

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
    job.events.on('progress', (progress) => {
      if (progress.jobId !== null) this.#emit(progress.jobId);
    });
    const finished = job.result.then(
      (result) => result,
      (error: unknown) => { throw failure(error); },
    );
    finished.catch(() => undefined).finally(() => {
      this.#starting.delete(job);
      for (const [id, running] of this.#running) {
        if (running === job) { this.#running.delete(id); this.#emit(id); }
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
    return { job: this.#view(jobId), targetDir, message: `export to ${targetDir} started` };
  }

  async verify(folder: string): Promise<VerifyResult> {
    try {
      const report = await verifyExport(resolve(folder));
      return {
        folder: report.folder, ok: report.ok, files: report.files, missing: report.missing,
        damaged: report.damaged.map((d) => d.path), extra: report.extra, message: report.message,
      };
    } catch (error) {
      throw failure(error);
    }
  }

  cancel(jobId: number): boolean {
    const job = this.#running.get(jobId);
    if (!job) return false;
    job.cancel();
    return true;
  }

  /** Cancels running exports and waits for their workers (a re-run resumes them). */
  async close(): Promise<void> {
    const jobs = [...this.#running.values(), ...this.#starting];
    for (const job of jobs) job.cancel();
    await Promise.all(jobs.map((job) => job.result.catch(() => undefined)));
  }

  #view(jobId: number): JobView | null {
    try {
      return { ...this.#store.getJob(jobId), live: null };
    } catch {
      return null;
    }
  }

  #emit(jobId: number): void {
    const view = this.#view(jobId);
    if (view) this.#events.emit('job-progress', view);
  }
}
