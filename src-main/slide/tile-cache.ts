// Encoded-tile cache: least-recently-used, bounded by total bytes (tiles vary
// from 1 KB of blank glass to 40 KB of dense cells, so counting entries would
// bound nothing). Also coalesces identical in-flight loads, so a viewer that
// asks twice for the same tile while it is being made costs one read.

export class TileCache {
  readonly maxBytes: number;
  #bytes = 0;
  // Map iteration order is insertion order: re-inserting on every hit keeps the
  // least recently used entry first.
  readonly #entries = new Map<string, Buffer>();
  readonly #inFlight = new Map<string, Promise<Buffer>>();

  constructor(maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError(`cache size must be >= 0 bytes, got ${maxBytes}`);
    this.maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keys from least to most recently used. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  get(key: string): Buffer | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` unless it alone exceeds the bound; evicts the oldest entries to fit. */
  set(key: string, value: Buffer): void {
    this.delete(key);
    if (value.length > this.maxBytes) return;
    this.#entries.set(key, value);
    this.#bytes += value.length;
    for (const [oldKey, oldValue] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= oldValue.length;
    }
  }

  delete(key: string): boolean {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= value.length;
    return true;
  }

  /** Drops every entry whose key starts with `prefix` (e.g. a closed slide's tiles). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) this.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /**
   * The cached value, or the result of `load()`, which is then cached. While a
   * load for `key` is running, further calls share it instead of loading
   * again. A failed load is not cached: the next call retries.
   */
  getOrLoad(key: string, load: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    let loading: Promise<Buffer>;
    try {
      loading = load();
    } catch (error) {
      loading = Promise.reject(error);
    }
    // One promise per load: its callbacks run on a later microtask, so the
    // entry below is in #inFlight before either removes it, even when the
    // load failed at once.
    const started = loading.then((value) => {
      this.#inFlight.delete(key);
      this.set(key, value);
      return value;
    }, (error: unknown) => {
      this.#inFlight.delete(key);
      throw error;
    });
    this.#inFlight.set(key, started);
    return started;
  }
}
