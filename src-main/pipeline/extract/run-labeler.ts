// Connected-component labelling on horizontal runs with 8-connectivity.
// Working on runs instead of pixels keeps the union-find small and lets every
// later step (area, moments, hull, rasterising one component) read a
// component as a short list of runs; no full-size label image is needed.
// Runs are fed row by row in raster order; endRow() must be called once per
// row, empty rows included. Components are numbered in the order of their
// first pixel in raster order, the order scipy.ndimage.label (and so
// skimage.measure.label / regionprops) gives them.

export class RunLabeler {
  count = 0;
  rows: Int32Array;
  starts: Int32Array;
  /** Exclusive end column of each run. */
  ends: Int32Array;
  private parent: Int32Array;
  private prevBegin = 0;
  private prevEnd = 0;
  private curBegin = 0;
  private scan = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.rows = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.parent = new Int32Array(n);
  }

  /** Forgets all runs, keeping the buffers, so one labeler can serve many masks. */
  reset(): this {
    this.count = 0;
    this.prevBegin = 0;
    this.prevEnd = 0;
    this.curBegin = 0;
    this.scan = 0;
    return this;
  }

  private grow(): void {
    const n = this.rows.length * 2;
    const more = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.rows = more(this.rows);
    this.starts = more(this.starts);
    this.ends = more(this.ends);
    this.parent = more(this.parent);
  }

  private find(i: number): number {
    const p = this.parent;
    while (p[i]! !== i) {
      const g = p[p[i]!]!;
      p[i] = g;
      i = g;
    }
    return i;
  }

  /** Adds run [start, end) of row y; runs of a row must come left to right. */
  addRun(y: number, start: number, end: number): void {
    if (this.count === this.rows.length) this.grow();
    const id = this.count++;
    this.rows[id] = y;
    this.starts[id] = start;
    this.ends[id] = end;
    const parent = this.parent;
    parent[id] = id;
    // 8-connectivity: a run of the previous row touches [start - 1, end] inclusive.
    const ends = this.ends;
    const starts = this.starts;
    let j = this.scan;
    while (j < this.prevEnd && ends[j]! < start) j++;
    this.scan = j;
    let root = id;
    for (; j < this.prevEnd && starts[j]! <= end; j++) {
      const r = this.find(j);
      // The smaller id wins, so a component's root is its first run in raster order.
      if (r < root) {
        parent[root] = r;
        root = r;
      } else if (r > root) {
        parent[r] = root;
      }
    }
  }

  endRow(): void {
    this.prevBegin = this.curBegin;
    this.prevEnd = this.count;
    this.curBegin = this.count;
    this.scan = this.prevBegin;
  }

  /**
   * Component index (0-based, raster order of first pixel) of every run, and the number of
   * components. Call once, after the last row.
   */
  resolve(): { componentOfRun: Int32Array; componentCount: number } {
    const n = this.count;
    const componentOfRun = new Int32Array(n);
    let componentCount = 0;
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      // Roots are the smallest id of their set, so a root is always met before its members.
      componentOfRun[i] = r === i ? componentCount++ : componentOfRun[r]!;
    }
    return { componentOfRun, componentCount };
  }
}

/** Runs of each component, in raster order, grouped by component (a counting sort). */
export function groupRunsByComponent(
  componentOfRun: Int32Array,
  componentCount: number,
): { first: Int32Array; runs: Int32Array } {
  const first = new Int32Array(componentCount + 1);
  for (let i = 0; i < componentOfRun.length; i++) first[componentOfRun[i]! + 1]!++;
  for (let c = 0; c < componentCount; c++) first[c + 1]! += first[c]!;
  const fill = first.slice(0, componentCount);
  const runs = new Int32Array(componentOfRun.length);
  for (let i = 0; i < componentOfRun.length; i++) runs[fill[componentOfRun[i]!]!++] = i;
  return { first, runs };
}
