// Worker-thread side of an ingest job: all pixel work (OpenSlide reads,
// segmentation, extraction, encoding) happens here, never on the thread that
// serves the UI. Talks to ingest-job.ts through typed messages.
import { parentPort, workerData } from 'node:worker_threads';
import type { IngestOptions } from './ingest-options.ts';
import { runIngest } from './run-ingest.ts';
import type { IngestWorkerMessage, IngestControlMessage } from './ingest-messages.ts';

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts must run in a worker thread');
const cancel = { cancelled: false };
const post = (message: IngestWorkerMessage) => port.postMessage(message);

port.on('message', (message: IngestControlMessage) => {
  if (message.type === 'cancel') cancel.cancelled = true;
});

const { options } = workerData as { options: IngestOptions };
runIngest(options, {
  cancel,
  onProgress: (progress) => post({ type: 'progress', progress }),
  onLog: (message) => post({ type: 'log', message }),
}).then(
  (result) => post({ type: 'result', result }),
  (err: unknown) => {
    const e = err as Error & { code?: string };
    post({ type: 'error', message: e.message ?? String(err), code: typeof e.code === 'string' ? e.code : null, name: e.name ?? 'Error' });
  },
).finally(() => port.close());
