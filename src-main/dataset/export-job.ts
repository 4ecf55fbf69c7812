// Main-thread handle on an export running in a worker thread: progress
// events (with rate and ETA), cancellation, and the result. Options are
// validated here, before the worker starts, so bad input fails at once.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DatasetError, type DatasetErrorCode } from './dataset-error.ts';
import type { ExportControlMessage, ExportWorkerMessage } from './export-messages.ts';
import { parseExportOptions, type ExportOptionsInput, type ExportProgress, type ExportResult } from './export-options.ts';

export interface ExportJobEvents {
  progress: [ExportProgress];
  log: [string];
}

export interface ExportJob {
  readonly events: EventEmitter<ExportJobEvents>;
  /** Stops after the slices in hand; the result is 'cancelled' and the same export run again resumes. */
  cancel(): void;
  /** The export's job row id, as soon as it exists; rejects like result when the export fails before. */
  readonly jobId: Promise<number>;
  /** Rejects with a DatasetError (code, path) for target and input failures. */
  readonly result: Promise<ExportResult>;
}

/** Throws DatasetError('bad-options') at once when the options are invalid. */
export function startExportJob(input: ExportOptionsInput): ExportJob {
  let options;
  try {
    options = parseExportOptions(input);
  } catch (err) {
    throw new DatasetError('bad-options', (err as Error).message);
  }
  const events = new EventEmitter<ExportJobEvents>();
  const worker = new Worker(new URL('./export-worker-boot.mjs', import.meta.url), { workerData: { options } });
  let settled = false;
  let resolveJobId: (id: number) => void = () => undefined;
  let rejectJobId: (err: unknown) => void = () => undefined;
  const jobId = new Promise<number>((res, rej) => { resolveJobId = res; rejectJobId = rej; });
  jobId.catch(() => undefined);
  const result = new Promise<ExportResult>((resolvePromise, reject) => {
    worker.on('message', (message: ExportWorkerMessage) => {
      switch (message.type) {
        case 'started': resolveJobId(message.jobId); break;
        case 'progress': events.emit('progress', message.progress); break;
        case 'log': events.emit('log', message.message); break;
        case 'result': settled = true; resolvePromise(message.result); break;
        case 'error': {
          settled = true;
          const error = message.name === 'DatasetError'
            ? new DatasetError(message.code as DatasetErrorCode, message.message, message.path)
            : Object.assign(new Error(message.message), { name: message.name, code: message.code });
          reject(error);
          break;
        }
      }
    });
    worker.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    worker.on('exit', (code) => {
      if (!settled) { settled = true; reject(new DatasetError('io', `export worker stopped unexpectedly (exit ${code})`)); }
    });
  });
  result.catch(rejectJobId);
  return {
    jobId,
    events,
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies ExportControlMessage),
    result,
  };
}
