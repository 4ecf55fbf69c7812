// Messages between a job's worker thread and the thread that started it, the
// same for every kind of job (ingest, export, and those to come).

/** An error as it crosses the thread boundary (classes do not survive structured clone). */
export interface SerializedJobError {
  name: string;
  message: string;
  code: string | null;
  path: string | null;
}

export type JobWorkerMessage<Progress, Result> =
  /** The job's row in the store exists (jobs that create one report it). */
  | { type: 'started'; jobId: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'log'; message: string }
  | { type: 'result'; result: Result }
  | { type: 'error'; error: SerializedJobError };

export type JobControlMessage = { type: 'cancel' };

export function serializeJobError(err: unknown): SerializedJobError {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown; path?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(err),
    code: typeof e.code === 'string' ? e.code : null,
    path: typeof e.path === 'string' ? e.path : null,
  };
}
