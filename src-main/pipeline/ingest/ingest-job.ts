// Main-thread handle on an ingest job running in a worker thread: progress
// events, cancellation, and the result. The calling thread only passes
// messages, so a UI served from it stays responsive during a long ingest.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { parseIngestOptions } from './ingest-options.ts';
import type { IngestOptionsInput, IngestProgress, IngestResult } from './ingest-options.ts';
import type { IngestControlMessage, IngestWorkerMessage } from './ingest-messages.ts';

export class IngestJobError extends Error {
  readonly code: string | null;
  constructor(message: string, code: string | null, name: string) {
    super(message);
    this.name = name === 'Error' ? 'IngestJobError' : name;
    this.code = code;
  }
}

export interface IngestJobEvents {
  progress: [IngestProgress];
  log: [string];
}

export interface IngestJob {
  readonly events: EventEmitter<IngestJobEvents>;
  /** Stops after the slices in hand; the job ends 'cancelled' and resumes on the next run. */
  cancel(): void;
  readonly result: Promise<IngestResult>;
}

export function startIngestJob(input: IngestOptionsInput): IngestJob {
  const options = parseIngestOptions(input);
  const events = new EventEmitter<IngestJobEvents>();
  const worker = new Worker(new URL('./ingest-worker-boot.mjs', import.meta.url), { workerData: { options } });
  let settled = false;
  const result = new Promise<IngestResult>((resolvePromise, reject) => {
    worker.on('message', (message: IngestWorkerMessage) => {
      switch (message.type) {
        case 'progress': events.emit('progress', message.progress); break;
        case 'log': events.emit('log', message.message); break;
        case 'result': settled = true; resolvePromise(message.result); break;
        case 'error': settled = true; reject(new IngestJobError(message.message, message.code, message.name)); break;
      }
    });
    worker.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    worker.on('exit', (code) => {
      if (!settled) { settled = true; reject(new IngestJobError(`ingest worker stopped unexpectedly (exit ${code})`, null, 'Error')); }
    });
  });
  return {
    events,
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies IngestControlMessage),
    result,
  };
}
