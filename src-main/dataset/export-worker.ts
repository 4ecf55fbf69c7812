// Worker-thread side of an export job: the store reads, checksums and the
// JavaScript side of every image run here, never on the thread that serves
// the UI. Talks to export-job.ts through typed messages.
import { parentPort, workerData } from 'node:worker_threads';
import type { ExportOptions } from './export-options.ts';
import type { ExportControlMessage, ExportWorkerMessage } from './export-messages.ts';
import { runExport } from './run-export.ts';

const port = parentPort;
if (!port) throw new Error('export-worker.ts must run in a worker thread');
const cancel = { cancelled: false };
const post = (message: ExportWorkerMessage) => port.postMessage(message);

port.on('message', (message: ExportControlMessage) => {
  if (message.type === 'cancel') cancel.cancelled = true;
});

const { options } = workerData as { options: ExportOptions };
runExport(options, {
  cancel,
  onJobCreated: (jobId) => post({ type: 'started', jobId }),
  onProgress: (progress) => post({ type: 'progress', progress }),
  onLog: (message) => post({ type: 'log', message }),
}).then(
  (result) => post({ type: 'result', result }),
  (err: unknown) => {
    const e = err as Error & { code?: unknown; path?: unknown };
    post({
      type: 'error', message: e.message ?? String(err), code: typeof e.code === 'string' ? e.code : null,
      path: typeof e.path === 'string' ? e.path : null, name: e.name ?? 'Error',
    });
  },
).finally(() => port.close());
