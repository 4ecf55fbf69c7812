// Reports of the jobs a runtime ran, kept for waitForJob: the newest few (a
// caller that comes back later finds the job row in the store instead); and
// a job's view as both job registries answer it.
import type { JobLiveProgress, JobView } from '../api/views.ts';
import type { Store } from '../store/index.ts';

const KEPT = 64;

export class JobOutcomes<Result> {
  readonly #outcomes = new Map<number, Promise<Result | null>>();

  /** Remembers a job's report; a job that fails reports null (its row says why). */
  keep(jobId: number, result: Promise<Result>): void {
    this.#outcomes.set(jobId, result.then((value) => value, () => null));
    for (const old of this.#outcomes.keys()) {
      if (this.#outcomes.size <= KEPT) break;
      this.#outcomes.delete(old);
    }
  }

  get(jobId: number): Promise<Result | null> | null {
    return this.#outcomes.get(jobId) ?? null;
  }
}

/** A job's row with its live figures while it runs here; null when the row is gone. */
export function jobViewOf(store: Pick<Store, 'getJob'>, jobId: number, live: (jobId: number) => JobLiveProgress | null): JobView | null {
  try {
    const job = store.getJob(jobId);
    return { ...job, live: job.state === 'running' ? live(jobId) : null };
  } catch {
    return null;
  }
}
