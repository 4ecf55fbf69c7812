// The parent-thread side of any job that runs in a worker thread: starts the
// worker (bundled JavaScript in a build, the TypeScript source through tsx in
// development), relays progress and log events, cancels, and settles with the
// result or the worker's error rebuilt on this side.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { appPath } from '../files/app-layout.ts';
import type { JobControlMessage, JobWorkerMessage, SerializedJobError } from './worker-messages.ts';

/** Set to true by the bundler (src-main/app/build-app.mjs); absent when running the sources. */
declare const SMEARLAB_BUNDLED: boolean | undefined;

export function runningBundled(): boolean {
  return typeof SMEARLAB_BUNDLED !== 'undefined' && SMEARLAB_BUNDLED === true;
}

export interface WorkerJobEvents<Progress> {
  progress: [Progress];
  log: [string];
}

export interface WorkerJob<Progress, Result> {
  readonly events: EventEmitter<WorkerJobEvents<Progress>>;
  /** Asks the worker to stop after the work in hand. */
  cancel(): void;
  /** The job's store row, once the worker reports it; rejects like result when the job fails first. */
  readonly jobId: Promise<number>;
  readonly result: Promise<Result>;
}

export interface WorkerJobSpec<Options> {
  /** The bundled entry's name: dist/main/<bundle>.mjs (see build-app.mjs). */
  bundle: string;
  /** The TypeScript worker module, for development and tests. */
  source: URL;
  /** Already validated; passed to the worker by structured clone. */
  options: Options;
  /** Rebuilds the worker's error as this side's error class. */
  reviveError(error: SerializedJobError): Error;
  /** The error when the worker dies without a result. */
  exitError(exitCode: number): Error;
}

function workerEntry(spec: { bundle: string; source: URL }): { entry: string | URL; sourceEntry?: string } {
  // In a package this path is inside app.asar: Electron's worker threads read
  // it there, and its imports resolve against the archive's node_modules.
  if (runningBundled()) return { entry: appPath('dist', 'main', `${spec.bundle}.mjs`) };
  return { entry: new URL('./ts-worker-boot.mjs', import.meta.url), sourceEntry: spec.source.href };
}

/**
 * A worker thread on a bundled entry (dist/main/<bundle>.mjs) or, from the
 * sources, on its TypeScript module through tsx; `workerData.options` carries
 * `options`. For helpers a job starts itself (ingest's slice workers); whole
 * jobs use startWorkerJob.
 */
export function startWorkerThread(spec: { bundle: string; source: URL; options: unknown }): Worker {
  const { entry, sourceEntry } = workerEntry(spec);
  return new Worker(entry, { workerData: { options: spec.options, sourceEntry } });
}

export function startWorkerJob<Options, Progress, Result>(spec: WorkerJobSpec<Options>): WorkerJob<Progress, Result> {
  const worker = startWorkerThread(spec);
  const events = new EventEmitter<WorkerJobEvents<Progress>>();
  let resolveJobId: (id: number) => void = () => undefined;
  let rejectJobId: (err: unknown) => void = () => undefined;
  const jobId = new Promise<number>((res, rej) => { resolveJobId = res; rejectJobId = rej; });
  jobId.catch(() => undefined);
  let settled = false;
  const result = new Promise<Result>((resolvePromise, reject) => {
    const fail = (err: Error) => { if (!settled) { settled = true; reject(err); } };
    worker.on('message', (message: JobWorkerMessage<Progress, Result>) => {
      switch (message.type) {
        case 'started': resolveJobId(message.jobId); break;
        case 'progress': events.emit('progress', message.progress); break;
        case 'log': events.emit('log', message.message); break;
        case 'result': settled = true; resolvePromise(message.result); break;
        case 'error': fail(spec.reviveError(message.error)); break;
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(spec.exitError(code)));
  });
  result.catch(rejectJobId);
  return {
    events,
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies JobControlMessage),
    jobId,
    result,
  };
}
