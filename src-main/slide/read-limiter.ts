// Caps how many tile reads (native OpenSlide read + sharp encode, both on the
// libuv pool) run at once. A viewer flood of 100 tile requests then queues in
// JS, first come first served, instead of filling the pool, starving file I/O
// and holding 100 raw RGBA buffers at the same time.

import { availableParallelism } from 'node:os';

/** One read per core, but never more than the libuv pool minus one thread kept free for fs / dns work. */
export function defaultReadConcurrency(): number {
  const pool = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10);
  const poolSize = Number.isInteger(pool) && pool > 0 ? pool : 4;
  return Math.max(1, Math.min(availableParallelism(), poolSize - 1));
}

export class ReadLimiter {
  readonly limit: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number = defaultReadConcurrency()) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`read concurrency must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter: #running stays the same.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
