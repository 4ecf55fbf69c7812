// Main-thread handle on an export running in a worker thread: progress
// events (with rate and ETA), cancellation, and the result. Options are
// validated here, before the worker starts, so bad input fails at once.
import { startWorkerJob } from '../jobs/worker-job.ts';
import type { WorkerJob } from '../jobs/worker-job.ts';
import { DatasetError, type DatasetErrorCode } from './dataset-error.ts';
import { parseExportOptions, type ExportOptions, type ExportOptionsInput, type ExportProgress, type ExportResult } from './export-options.ts';

/**
 * Cancel stops after the slices in hand (the same export run again resumes);
 * jobId resolves once the export's job row exists; result rejects with a
 * DatasetError (code, path) for target and input failures.
 */
export type ExportJob = WorkerJob<ExportProgress, ExportResult>;

/** Throws DatasetError('bad-options') at once when the options are invalid. */
export function startExportJob(input: ExportOptionsInput): ExportJob {
  let options: ExportOptions;
  try {
    options = parseExportOptions(input);
  } catch (err) {
    throw new DatasetError('bad-options', (err as Error).message);
  }
  return startWorkerJob<ExportOptions, ExportProgress, ExportResult>({
    bundle: 'export-worker',
    source: new URL('./export-worker.ts', import.meta.url),
    options,
    reviveError: (error) => (error.name === 'DatasetError'
      ? new DatasetError(error.code as DatasetErrorCode, error.message, error.path)
      : Object.assign(new Error(error.message), { name: error.name, code: error.code })),
    exitError: (code) => new DatasetError('io', `export worker stopped unexpectedly (exit ${code})`),
  });
}
