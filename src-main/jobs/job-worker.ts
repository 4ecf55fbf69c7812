// The worker-thread side of any job: reads its options from workerData, runs
// the job with cancel/progress/log hooks wired to the parent, posts the
// result or the error, and closes. Each job kind's worker file is one call.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeJobError } from './worker-messages.ts';
import type { JobControlMessage, JobWorkerMessage } from './worker-messages.ts';

export interface JobHooks<Progress> {
  /** Set when the parent cancels; the job stops after the work in hand. */
  readonly cancel: { cancelled: boolean };
  onProgress(progress: Progress): void;
  onLog(message: string): void;
  /** Reports the job's store row as soon as it exists. */
  onJobCreated(jobId: number): void;
}

export function runJobInWorker<Options, Progress, Result>(
  run: (options: Options, hooks: JobHooks<Progress>) => Promise<Result>,
): void {
  const port = parentPort;
  if (!port) throw new Error('a job worker must run in a worker thread');
  const post = (message: JobWorkerMessage<Progress, Result>) => port.postMessage(message);
  const cancel = { cancelled: false };
  port.on('message', (message: JobControlMessage) => {
    if (message.type === 'cancel') cancel.cancelled = true;
  });
  const { options } = workerData as { options: Options };
  run(options, {
    cancel,
    onProgress: (progress) => post({ type: 'progress', progress }),
    onLog: (message) => post({ type: 'log', message }),
    onJobCreated: (jobId) => post({ type: 'started', jobId }),
  }).then(
    (result) => post({ type: 'result', result }),
    (err: unknown) => post({ type: 'error', error: serializeJobError(err) }),
  ).finally(() => port.close());
}
