// Main-thread handle on an ingest job running in a worker thread: progress
// events, cancellation, and the result. The calling thread only passes
// messages, so a UI served from it stays responsive during a long ingest.
import { startWorkerJob } from '../../jobs/worker-job.ts';
import type { WorkerJob } from '../../jobs/worker-job.ts';
import { parseIngestOptions } from './ingest-options.ts';
import type { IngestOptions, IngestOptionsInput, IngestProgress, IngestResult } from './ingest-options.ts';

export class IngestJobError extends Error {
  readonly code: string | null;
  constructor(message: string, code: string | null, name: string) {
    super(message);
    this.name = name === 'Error' ? 'IngestJobError' : name;
    this.code = code;
  }
}

/** Cancel stops after the slices in hand; the job ends 'cancelled' and resumes on the next run. */
export type IngestJob = Omit<WorkerJob<IngestProgress, IngestResult>, 'jobId'>;

export function startIngestJob(input: IngestOptionsInput): IngestJob {
  return startWorkerJob<IngestOptions, IngestProgress, IngestResult>({
    bundle: 'ingest-worker',
    source: new URL('./ingest-worker.ts', import.meta.url),
    options: parseIngestOptions(input),
    reviveError: (error) => new IngestJobError(error.message, error.code, error.name),
    exitError: (code) => new IngestJobError(`ingest worker stopped unexpectedly (exit ${code})`, null, 'Error'),
  });
}
