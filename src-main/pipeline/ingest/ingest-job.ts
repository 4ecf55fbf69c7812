// Main-thread handle on an ingest job running in a worker thread: progress
// events, cancellation, and the result. The calling thread only passes
// messages, so a UI served from it stays responsive during a long ingest.
import { SmearlabError } from '../../domain/errors.ts';
import { startWorkerJob } from '../../jobs/worker-job.ts';
import type { WorkerJob } from '../../jobs/worker-job.ts';
import type { SerializedJobError } from '../../jobs/worker-messages.ts';
import { SlideError } from '../../slide/slide-error.ts';
import type { SlideErrorCode } from '../../slide/slide-error.ts';
import { StoreError } from '../../store/store-error.ts';
import type { StoreErrorCode } from '../../store/store-error.ts';
import { parseIngestOptions } from './ingest-options.ts';
import type { IngestOptions, IngestOptionsInput, IngestProgress, IngestResult } from './ingest-options.ts';

/** A worker failure with no class of its own on this side; code 'failed' when the worker gave none. */
export class IngestJobError extends SmearlabError {
  constructor(message: string, code: string | null, name: string) {
    super(code ?? 'failed', message);
    this.name = name === 'Error' ? 'IngestJobError' : name;
  }
}

/**
 * Slide and store errors are rebuilt as their own classes, so the API maps
 * them to their own codes (a damaged scan: 'slide-unavailable'); the message
 * is the worker's, word for word.
 */
function reviveIngestError(error: SerializedJobError): Error {
  let revived: Error;
  if (error.name === 'SlideError' && error.code) revived = new SlideError(error.code as SlideErrorCode, error.path ?? '', '');
  else if (error.name === 'StoreError' && error.code) revived = new StoreError(error.code as StoreErrorCode, '', error.path);
  else return new IngestJobError(error.message, error.code, error.name);
  revived.message = error.message;
  return revived;
}

/** Cancel stops after the slices in hand; the job ends 'cancelled' and resumes on the next run. */
export type IngestJob = Omit<WorkerJob<IngestProgress, IngestResult>, 'jobId'>;

export function startIngestJob(input: IngestOptionsInput): IngestJob {
  return startWorkerJob<IngestOptions, IngestProgress, IngestResult>({
    bundle: 'ingest-worker',
    source: new URL('./ingest-worker.ts', import.meta.url),
    options: parseIngestOptions(input),
    reviveError: reviveIngestError,
    exitError: (code) => new IngestJobError(`ingest worker stopped unexpectedly (exit ${code})`, null, 'Error'),
  });
}
