// A job: one run of a long task (ingest, export, import) with its progress,
// the execution provider and model that actually ran, timings and error.
// States: queued -> running -> done | failed | cancelled; running ->
// interrupted (stale) -> running again on resume. Times are milliseconds
// since the epoch.

export const JOB_KINDS = ['ingest', 'export', 'import'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How a job can end. */
export const JOB_OUTCOMES = ['done', 'failed', 'cancelled'] as const satisfies readonly JobState[];
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export interface JobRecord {
  id: number;
  kind: JobKind;
  slideId: number | null;
  state: JobState;
  options: Record<string, unknown>;
  progressDone: number;
  progressTotal: number | null;
  progressMessage: string | null;
  provider: string | null;
  model: string | null;
  /** Named durations in milliseconds, e.g. { fov: 812, segment: 51200 }. */
  timings: Record<string, number> | null;
  error: string | null;
  pid: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
}
