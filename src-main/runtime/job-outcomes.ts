// Reports of the jobs a runtime ran, kept for waitForJob: the newest few (a
// caller that comes back later finds the job row in the store instead).
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
