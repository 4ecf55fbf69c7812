// Working arrays reused from one slice group to the next. The instance step
// asks for a few dozen typed arrays per group, 1-25 MB each at 0.5 um/px;
// fresh ones cost the allocator's zeroing and, through V8's external-memory
// accounting, a full garbage collection every few groups. Inside
// withScratchArrays(pool, fn) the arrays that fn's code takes with
// scratchArray come from `pool`, and all of them go back to it when fn
// returns, so none may outlive fn (the instance step returns plain objects).
// Outside such a call scratchArray is plain `new`: tests and one-off callers
// get arrays of their own. Arrays under 1 MB are always new (blob-sized ones
// are many and cheap), so a pool holds a few dozen buffers: the largest
// group's working set (~120 MB at 2,000 px slices, 0.25 um/px) until its lane
// ends. Each lane keeps its own pool.

/** The typed arrays the pipeline works in. */
export type ScratchArray = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array;

interface ScratchArrayType<T extends ScratchArray> {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export class ScratchArrays {
  private free: ArrayBuffer[] = [];
  private lent: ArrayBuffer[] = [];

  /** `bytes` zeroed bytes at the start of the smallest free buffer that holds them, else of a new one. */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    let buffer: ArrayBuffer;
    if (best < 0) {
      buffer = new ArrayBuffer(bytes);
    } else {
      buffer = this.free[best]!;
      this.free[best] = this.free[this.free.length - 1]!;
      this.free.pop();
      new Uint8Array(buffer, 0, bytes).fill(0);
    }
    this.lent.push(buffer);
    return buffer;
  }

  /** Every lent buffer is free again. */
  reclaim(): void {
    for (const buffer of this.lent) this.free.push(buffer);
    this.lent = [];
  }

  /** Bytes the pool holds, free and lent. */
  get heldBytes(): number {
    let sum = 0;
    for (const buffer of this.free) sum += buffer.byteLength;
    for (const buffer of this.lent) sum += buffer.byteLength;
    return sum;
  }
}

/** Smaller arrays are always new. */
export const SCRATCH_MIN_BYTES = 1 << 20;

let active: ScratchArrays | null = null;

/**
 * Runs fn (synchronous) with scratchArray taking from `pool`, then gives every array taken back
 * to the pool. A call inside another's fn keeps the outer pool and leaves reclaiming to it.
 */
export function withScratchArrays<R>(pool: ScratchArrays, fn: () => R): R {
  if (active !== null) return fn();
  active = pool;
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('withScratchArrays: fn must be synchronous (its arrays are reclaimed when it returns)');
    return result;
  } finally {
    active = null;
    pool.reclaim();
  }
}

/** A zeroed typed array of `length` elements: from the active pool inside withScratchArrays (1 MB and up), else new. */
export function scratchArray<T extends ScratchArray>(type: ScratchArrayType<T>, length: number): T {
  const bytes = length * type.BYTES_PER_ELEMENT;
  if (active === null || bytes < SCRATCH_MIN_BYTES) return new type(length);
  return new type(active.take(bytes), 0, length);
}
