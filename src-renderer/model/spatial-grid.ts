// Uniform grid over level-0 cell boxes, so the overlay asks "which cells touch
// this viewport" in time proportional to what is visible, not to the slide's
// 100,000 cells. Built once per slide in compressed rows (two typed arrays);
// labels change colours, never boxes, so it never needs rebuilding. Cells a
// reader adds later (a few) are kept beside it in a plain list (add).

export interface GridQueryRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class SpatialGrid {
  readonly cellSize: number;
  readonly columns: number;
  readonly rows: number;
  readonly #starts: Int32Array;
  readonly #items: Int32Array;
  readonly #boxes: Int32Array;
  // Stamps dedupe boxes that span several grid cells without a Set per query.
  readonly #stamps: Uint32Array;
  #stamp = 0;
  /** Items added after construction: index, then x, y, width, height. */
  readonly #extra: number[] = [];

  /** boxes: x, y, width, height per item (level-0 px); width/height of the area they live in. */
  constructor(boxes: Int32Array, areaWidth: number, areaHeight: number, cellSize = chooseCellSize(boxes, areaWidth, areaHeight)) {
    const count = boxes.length >> 2;
    this.cellSize = cellSize;
    this.columns = Math.max(1, Math.ceil(Math.max(areaWidth, 1) / cellSize));
    this.rows = Math.max(1, Math.ceil(Math.max(areaHeight, 1) / cellSize));
    this.#boxes = boxes;
    this.#stamps = new Uint32Array(count);
    const cellCount = this.columns * this.rows;
    const counts = new Int32Array(cellCount + 1);
    this.#forEachSpan(count, (_i, c) => { counts[c + 1]! += 1; });
    for (let c = 0; c < cellCount; c++) counts[c + 1]! += counts[c]!;
    this.#starts = counts;
    this.#items = new Int32Array(counts[cellCount]!);
    const fill = counts.slice(0, cellCount);
    this.#forEachSpan(count, (i, c) => { this.#items[fill[c]!++] = i; });
  }

  #forEachSpan(count: number, visit: (item: number, gridCell: number) => void): void {
    const b = this.#boxes;
    for (let i = 0; i < count; i++) {
      const c0 = this.#col(b[i * 4]!);
      const r0 = this.#row(b[i * 4 + 1]!);
      const c1 = this.#col(b[i * 4]! + b[i * 4 + 2]! - 1);
      const r1 = this.#row(b[i * 4 + 1]! + b[i * 4 + 3]! - 1);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(i, r * this.columns + c);
    }
  }

  #col(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor(x / this.cellSize)));
  }

  #row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cellSize)));
  }

  /** An item added after construction (its index beyond the boxes the grid was built on). */
  add(item: number, box: GridQueryRect): void {
    this.#extra.push(item, box.x, box.y, box.width, box.height);
  }

  /** Calls visit(item) once for every box intersecting rect; returns how many. */
  query(rect: GridQueryRect, visit: (item: number) => void): number {
    let n = this.#queryBuilt(rect, visit);
    const e = this.#extra;
    for (let k = 0; k < e.length; k += 5) {
      if (e[k + 1]! < rect.x + rect.width && e[k + 1]! + e[k + 3]! > rect.x && e[k + 2]! < rect.y + rect.height && e[k + 2]! + e[k + 4]! > rect.y) {
        visit(e[k]!);
        n++;
      }
    }
    return n;
  }

  #queryBuilt(rect: GridQueryRect, visit: (item: number) => void): number {
    const stamp = this.#nextStamp();
    const b = this.#boxes;
    const right = rect.x + rect.width;
    const bottom = rect.y + rect.height;
    const c0 = this.#col(rect.x);
    const c1 = this.#col(right);
    const r0 = this.#row(rect.y);
    const r1 = this.#row(bottom);
    let n = 0;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const g = r * this.columns + c;
        for (let k = this.#starts[g]!, end = this.#starts[g + 1]!; k < end; k++) {
          const i = this.#items[k]!;
          if (this.#stamps[i] === stamp) continue;
          this.#stamps[i] = stamp;
          const x = b[i * 4]!;
          const y = b[i * 4 + 1]!;
          if (x < right && x + b[i * 4 + 2]! > rect.x && y < bottom && y + b[i * 4 + 3]! > rect.y) {
            visit(i);
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Items whose box contains the point, smallest box first (the one a click means). */
  at(x: number, y: number): number[] {
    const hits: number[] = [];
    const areas = new Map<number, number>();
    this.query({ x, y, width: 1, height: 1 }, (i) => hits.push(i));
    const b = this.#boxes;
    const e = this.#extra;
    for (let k = 0; k < e.length; k += 5) areas.set(e[k]!, e[k + 3]! * e[k + 4]!);
    const area = (i: number) => areas.get(i) ?? b[i * 4 + 2]! * b[i * 4 + 3]!;
    return hits.sort((p, q) => area(p) - area(q));
  }

  #nextStamp(): number {
    this.#stamp = (this.#stamp + 1) >>> 0;
    if (this.#stamp === 0) {
      this.#stamps.fill(0);
      this.#stamp = 1;
    }
    return this.#stamp;
  }
}

/** About four boxes per grid cell on average, never finer than the median box (so a box spans few cells). */
export function chooseCellSize(boxes: Int32Array, areaWidth: number, areaHeight: number): number {
  const count = boxes.length >> 2;
  if (count === 0) return 1024;
  const perCell = Math.sqrt((Math.max(areaWidth, 1) * Math.max(areaHeight, 1) * 4) / count);
  return Math.max(64, Math.ceil(Math.max(perCell, medianSide(boxes))));
}

function medianSide(boxes: Int32Array): number {
  const count = boxes.length >> 2;
  const step = Math.max(1, Math.floor(count / 1000));
  const sides: number[] = [];
  for (let i = 0; i < count; i += step) sides.push(Math.max(boxes[i * 4 + 2]!, boxes[i * 4 + 3]!));
  sides.sort((a, b) => a - b);
  return sides[sides.length >> 1] ?? 64;
}
