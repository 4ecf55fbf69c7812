// Main-thread handle on an assist run in a worker thread (see run-assist.ts).
import { startWorkerJob, type WorkerJob } from '../jobs/worker-job.ts';
import type { AssistOptions, AssistProgress, AssistResult } from './run-assist.ts';

export type AssistJob = WorkerJob<AssistProgress, AssistResult>;

export function startAssistJob(options: AssistOptions): AssistJob {
  return startWorkerJob<AssistOptions, AssistProgress, AssistResult>({
    bundle: 'assist-worker',
    source: new URL('./assist-worker.ts', import.meta.url),
    options,
    reviveError: (error) => Object.assign(new Error(error.message), { name: error.name, code: error.code }),
    exitError: (code) => new Error(`assist worker stopped unexpectedly (exit ${code})`),
  });
}
