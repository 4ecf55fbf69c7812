// Jobs: one row per run of a long task (ingest, export, import), with its
// progress, the execution provider and model that actually ran, timings and
// error. A running job writes a heartbeat with its progress; a job whose
// heartbeat stops (or whose process is gone) is marked 'interrupted' by
// markStaleJobs, and its work resumes from the slices' states.
//
// States: queued -> running -> done | failed | cancelled; running -> interrupted
// (stale) -> running again on resume.

import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import type { NewJob, StaleJobOptions } from './types.ts';
import { JOB_KINDS, JOB_OUTCOMES, JOB_STATES, type JobKind, type JobOutcome, type JobRecord, type JobState } from '../domain/job.ts';
import { checkFinite, checkId, checkInt, checkOneOf, checkOptionalText } from './validate.ts';

export const DEFAULT_STALE_AFTER_MS = 60_000;
const ERROR_TEXT_MAX = 4000;

export interface JobRepository {
  createJob(input: NewJob): JobRecord;
  /** queued or interrupted -> running; records the worker's pid (default: this process). */
  startJob(id: number, options?: { pid?: number }): JobRecord;
  /** Progress is also the heartbeat. Throws 'conflict' if the job is no longer running (e.g. marked stale). */
  updateJobProgress(id: number, done: number, total: number | null, message?: string | null): void;
  heartbeatJob(id: number): void;
  setJobProvider(id: number, provider: string, model: string | null): void;
  finishJob(id: number, state: JobOutcome, details?: { timings?: Record<string, number>; error?: string | null }): JobRecord;
  getJob(id: number): JobRecord;
  listJobs(options?: { slideId?: number; state?: JobState; kind?: JobKind; limit?: number }): JobRecord[];
  latestJob(slideId: number, kind?: JobKind): JobRecord | null;
  /** Marks running jobs with an old heartbeat or a dead process 'interrupted'; returns them. */
  markStaleJobs(options?: StaleJobOptions): JobRecord[];
}

export const JOB_COLUMNS = `id, kind, slide_id AS slideId, state, options, progress_done AS progressDone,
  progress_total AS progressTotal, progress_message AS progressMessage, provider, model, timings, error, pid,
  created_at AS createdAt, started_at AS startedAt, finished_at AS finishedAt, heartbeat_at AS heartbeatAt`;

export type JobRow = Omit<JobRecord, 'options' | 'timings'> & { options: string; timings: string | null };

export function toJobRecord(row: JobRow): JobRecord {
  return {
    ...row,
    options: JSON.parse(row.options) as Record<string, unknown>,
    timings: row.timings === null ? null : (JSON.parse(row.timings) as Record<string, number>),
  };
}

export function createJobRepository(ctx: StoreContext): JobRepository {
  const get = (id: number): JobRecord => {
    const row = ctx.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(checkId(id, 'job id')) as JobRow | undefined;
    if (!row) throw notFound('job', id);
    return toJobRecord(row);
  };
  const requireRunning = (id: number) => {
    const job = get(id);
    if (job.state !== 'running') throw new StoreError('conflict', `job ${id} is ${job.state}, not running`);
    return job;
  };

  return {
    createJob(input) {
      if (typeof input !== 'object' || input === null) throw invalid('job must be an object');
      const kind = checkOneOf(input.kind, JOB_KINDS, 'job kind');
      const slideId = input.slideId === undefined || input.slideId === null ? null : checkId(input.slideId, 'slide id');
      const options = JSON.stringify(input.options ?? {});
      return ctx.write(() => {
        if (slideId !== null && !ctx.sql('SELECT 1 FROM slides WHERE id = ?').get(slideId)) throw notFound('slide', slideId);
        return toJobRecord(ctx.sql(`INSERT INTO jobs (kind, slide_id, state, options, created_at) VALUES (?, ?, 'queued', ?, ?)
          RETURNING ${JOB_COLUMNS}`).get(kind, slideId, options, ctx.now()) as JobRow);
      });
    },
    startJob(id, options = {}) {
      const pid = checkInt(options.pid ?? process.pid, 'pid', 1);
      return ctx.write(() => {
        const job = get(id);
        if (job.state !== 'queued' && job.state !== 'interrupted') {
          throw new StoreError('conflict', `job ${id} is ${job.state}; only a queued or interrupted job can start`);
        }
        const now = ctx.now();
        return toJobRecord(ctx.sql(`UPDATE jobs SET state = 'running', pid = ?, error = NULL, heartbeat_at = ?,
            started_at = coalesce(started_at, ?) WHERE id = ? RETURNING ${JOB_COLUMNS}`).get(pid, now, now, id) as JobRow);
      });
    },
    updateJobProgress(id, done, total, message = null) {
      const d = checkInt(done, 'progress done', 0);
      const t = total === null ? null : checkInt(total, 'progress total', 0);
      const m = checkOptionalText(message, 'progress message', 1000);
      ctx.write(() => {
        requireRunning(id);
        ctx.sql(`UPDATE jobs SET progress_done = ?, progress_total = ?, progress_message = ?, heartbeat_at = ? WHERE id = ?`)
          .run(d, t, m, ctx.now(), id);
      });
    },
    heartbeatJob(id) {
      ctx.write(() => {
        requireRunning(id);
        ctx.sql('UPDATE jobs SET heartbeat_at = ? WHERE id = ?').run(ctx.now(), id);
      });
    },
    setJobProvider(id, provider, model) {
      const p = checkOptionalText(provider, 'provider', 64);
      const m = checkOptionalText(model, 'model', 256);
      ctx.write(() => {
        get(id);
        ctx.sql('UPDATE jobs SET provider = ?, model = ? WHERE id = ?').run(p, m, id);
      });
    },
    finishJob(id, state, details = {}) {
      const outcome = checkOneOf(state, JOB_OUTCOMES, 'job outcome');
      const timings = details.timings === undefined ? null : checkTimings(details.timings);
      const error = checkOptionalText(details.error, 'job error', Infinity)?.slice(0, ERROR_TEXT_MAX) ?? null;
      if (outcome === 'failed' && error === null) throw invalid('a failed job needs an error message');
      return ctx.write(() => {
        const job = get(id);
        if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') {
          throw new StoreError('conflict', `job ${id} already finished (${job.state})`);
        }
        const now = ctx.now();
        return toJobRecord(ctx.sql(`UPDATE jobs SET state = ?, timings = coalesce(?, timings), error = ?, finished_at = ?, heartbeat_at = ?
          WHERE id = ? RETURNING ${JOB_COLUMNS}`).get(outcome, timings, error, now, now, id) as JobRow);
      });
    },
    getJob: get,
    listJobs(options = {}) {
      const terms: string[] = [];
      const params: unknown[] = [];
      if (options.slideId !== undefined) { terms.push('slide_id = ?'); params.push(checkId(options.slideId, 'slide id')); }
      if (options.state !== undefined) { terms.push('state = ?'); params.push(checkOneOf(options.state, JOB_STATES, 'job state')); }
      if (options.kind !== undefined) { terms.push('kind = ?'); params.push(checkOneOf(options.kind, JOB_KINDS, 'job kind')); }
      const limit = checkInt(options.limit ?? 100, 'limit', 1);
      const where = terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '';
      return (ctx.sql(`SELECT ${JOB_COLUMNS} FROM jobs ${where} ORDER BY id DESC LIMIT ?`).all(...params, limit) as JobRow[])
        .map(toJobRecord);
    },
    latestJob(slideId, kind) {
      const params: unknown[] = [checkId(slideId, 'slide id')];
      if (kind !== undefined) params.push(checkOneOf(kind, JOB_KINDS, 'job kind'));
      const row = ctx.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE slide_id = ?${kind === undefined ? '' : ' AND kind = ?'}
        ORDER BY id DESC LIMIT 1`).get(...params) as JobRow | undefined;
      return row ? toJobRecord(row) : null;
    },
    markStaleJobs(options = {}) {
      const staleAfterMs = checkFinite(options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS, 'staleAfterMs');
      const alive = options.isProcessAlive ?? isProcessAlive;
      return ctx.write(() => {
        const now = ctx.now();
        const running = (ctx.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state = 'running'`).all() as JobRow[]).map(toJobRecord);
        const stale = running.filter((j) => (j.heartbeatAt ?? 0) < now - staleAfterMs || (j.pid !== null && !alive(j.pid)));
        const mark = ctx.sql(`UPDATE jobs SET state = 'interrupted', error = ? WHERE id = ? RETURNING ${JOB_COLUMNS}`);
        return stale.map((j) => toJobRecord(mark.get(
          `interrupted: no heartbeat since ${new Date(j.heartbeatAt ?? j.createdAt).toISOString()} (process ${j.pid ?? 'unknown'})`,
          j.id) as JobRow));
      });
    },
  };
}

function checkTimings(timings: Record<string, number>): string {
  if (typeof timings !== 'object' || timings === null) throw invalid('timings must be an object of milliseconds');
  for (const [name, ms] of Object.entries(timings)) checkFinite(ms, `timing ${name}`);
  return JSON.stringify(timings);
}

/** Signal 0 probes a pid without touching it; EPERM means it exists but is not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
