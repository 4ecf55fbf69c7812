// Every cell of the open slide in columns (typed arrays), with reading order,
// the spatial grid and running counts. The overlay, the gallery, navigation
// and the counters all read this one object; label changes update it in
// place (no copies of 100,000 cells per keypress) and bump `version`. Cell
// edits retire cells (they stay, marked, and pass no filter) and append the
// cells they create (the columns grow; read them from this object each time).
// A reader's assist suggestions ride along in two more columns (the class the
// model suggests and its probability), replaced whole after each assist run.

import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import { passesFilter, UNLABELLED, type CellFilterMode } from './cell-filter.ts';
import { SpatialGrid } from './spatial-grid.ts';

export interface SliceRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the server sends for a slide's cells; arrays may be typed or plain (JSON). */
export interface CellColumnsInput {
  ids: ArrayLike<number>;
  /** x, y, width, height per cell, level-0. */
  boxes: ArrayLike<number>;
  /** APACC id, -1 unlabelled. */
  labels: ArrayLike<number>;
  flagged: ArrayLike<number>;
  /** 1 for a cluster candidate; all single cells when absent. */
  clusters?: ArrayLike<number>;
  /** cx, cy per cell; the box centre when absent. */
  centres?: ArrayLike<number>;
  /** Top-left of each cell's slice (x, y per cell); derived from `slices` when absent. */
  sliceOrigins?: ArrayLike<number>;
  /** The assistant's suggested class (APACC id, -1 none) for the session's reader; none when absent. */
  suggested?: ArrayLike<number>;
  /** Its probability. */
  suggestedP?: ArrayLike<number>;
}

/** Suggestions as cellMarkers sends them: by cell id. */
export interface SuggestionColumns {
  ids: ArrayLike<number>;
  suggested?: ArrayLike<number>;
  suggestedP?: ArrayLike<number>;
}

export interface CellCounts {
  total: number;
  labelled: number;
  flagged: number;
  /** Indexed by APACC id. */
  byClass: number[];
}

/** A cell an edit made live (new, or restored), as the 'cells-changed' event describes it. */
export interface LiveCell {
  id: number;
  box: { x: number; y: number; width: number; height: number };
  centre: { x: number; y: number };
  sliceX: number;
  sliceY: number;
  /** APACC id, -1 unlabelled. */
  label: number;
  flagged: boolean;
  cluster: boolean;
}

export class SlideCells {
  /** Cells held, retired ones included (indices stay valid for the session); the columns may be longer (room to add). */
  count: number;
  ids: Uint32Array;
  boxes: Int32Array;
  labels: Int8Array;
  flagged: Uint8Array;
  clusters: Uint8Array;
  centres: Float64Array;
  /** 1 where a cell edit retired the cell: it passes no filter. */
  retired: Uint8Array;
  /** The suggested class (APACC id, -1 none) and its probability; a reader's own label always outranks it. */
  suggested: Int8Array;
  suggestedP: Float32Array;
  /** Bumped when the suggestions are replaced (not on label changes). */
  suggestionsVersion = 0;
  /** order[rank] = index; rank[index] = position in reading order. */
  order: Int32Array;
  rank: Int32Array;
  #origins: Int32Array;
  readonly grid: SpatialGrid;
  /** Typical box side (level-0 px): decides when the overlay switches to its raster. */
  readonly medianSide: number;
  readonly counts: CellCounts;
  version = 0;
  readonly #indexOfId = new Map<number, number>();

  constructor(input: CellColumnsInput, slideWidth: number, slideHeight: number, slices: readonly SliceRect[] = []) {
    const n = input.ids.length;
    this.count = n;
    this.ids = Uint32Array.from(input.ids);
    this.boxes = Int32Array.from(input.boxes);
    this.labels = Int8Array.from(input.labels);
    this.flagged = Uint8Array.from(input.flagged);
    this.clusters = input.clusters ? Uint8Array.from(input.clusters) : new Uint8Array(n);
    if (this.boxes.length !== n * 4 || this.labels.length !== n || this.flagged.length !== n || this.clusters.length !== n) {
      throw new Error(`cell columns disagree: ${n} ids, ${this.boxes.length / 4} boxes, ${this.labels.length} labels, ${this.flagged.length} flags, `
        + `${this.clusters.length} cluster marks`);
    }
    this.centres = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      this.#indexOfId.set(this.ids[i]!, i);
      const b = i * 4;
      this.centres[i * 2] = input.centres ? Number(input.centres[i * 2]) : this.boxes[b]! + this.boxes[b + 2]! / 2;
      this.centres[i * 2 + 1] = input.centres ? Number(input.centres[i * 2 + 1]) : this.boxes[b + 1]! + this.boxes[b + 3]! / 2;
    }
    const origins = input.sliceOrigins ? Int32Array.from(input.sliceOrigins) : sliceOriginsOf(this.centres, slices);
    this.#origins = origins;
    this.retired = new Uint8Array(n);
    this.suggested = new Int8Array(n).fill(-1);
    this.suggestedP = new Float32Array(n);
    if (input.suggested && input.suggestedP && input.suggested.length === n && input.suggestedP.length === n) {
      this.suggested.set(Int8Array.from(input.suggested));
      this.suggestedP.set(Float32Array.from(input.suggestedP));
    }
    this.order = readingOrder(this.ids, this.centres, origins);
    this.rank = new Int32Array(n);
    for (let r = 0; r < n; r++) this.rank[this.order[r]!] = r;
    this.grid = new SpatialGrid(this.boxes, slideWidth, slideHeight);
    this.medianSide = medianBoxSide(this.boxes);
    this.counts = { total: n, labelled: 0, flagged: 0, byClass: CELL_CLASSES.map(() => 0) };
    for (let i = 0; i < n; i++) {
      const code = this.labels[i]!;
      if (code >= 0) {
        this.counts.labelled++;
        this.counts.byClass[code]!++;
      }
      if (this.flagged[i]) this.counts.flagged++;
    }
  }

  indexOf(cellId: number): number | undefined {
    return this.#indexOfId.get(cellId);
  }

  /**
   * Replaces every suggestion with these (cells they do not name, or all when
   * they carry none, have no suggestion). Returns how many cells have one.
   */
  applySuggestions(input: SuggestionColumns): number {
    this.suggested.fill(-1);
    this.suggestedP.fill(0);
    let n = 0;
    const { suggested, suggestedP } = input;
    if (suggested && suggestedP) {
      for (let k = 0; k < input.ids.length; k++) {
        const i = this.#indexOfId.get(Number(input.ids[k]));
        const code = Number(suggested[k]);
        if (i === undefined || code < 0) continue;
        this.suggested[i] = code;
        this.suggestedP[i] = Number(suggestedP[k]);
        n++;
      }
    }
    this.suggestionsVersion++;
    return n;
  }

  /** The suggestion shown for a cell: none where the reader's own label is (it wins) or where there is none. */
  shownSuggestion(index: number): number {
    return this.labels[index] === UNLABELLED ? this.suggested[index]! : UNLABELLED;
  }

  box(index: number): SliceRect {
    const b = index * 4;
    return { x: this.boxes[b]!, y: this.boxes[b + 1]!, width: this.boxes[b + 2]!, height: this.boxes[b + 3]! };
  }

  passes(index: number, filter: CellFilterMode): boolean {
    return this.retired[index] === 0 && passesFilter(filter, this.labels[index]!, this.flagged[index] === 1);
  }

  /**
   * A cell edit: the retired ids leave every view, the live cells join (new
   * ones appended, restored ones brought back). Returns the indices touched.
   */
  applyEdit(live: readonly LiveCell[], retiredIds: readonly number[]): number[] {
    const touched: number[] = [];
    for (const id of retiredIds) {
      const i = this.#indexOfId.get(id);
      if (i === undefined || this.retired[i] === 1) continue;
      this.#count(i, -1);
      this.retired[i] = 1;
      touched.push(i);
    }
    for (const cell of live) {
      let i = this.#indexOfId.get(cell.id);
      if (i === undefined) i = this.#append(cell);
      else if (this.retired[i] === 1) {
        this.retired[i] = 0;
        this.#count(i, 1);
      }
      this.setLabel(i, cell.label);
      this.setFlag(i, cell.flagged);
      touched.push(i);
    }
    if (touched.length > 0) this.version++;
    return touched;
  }

  #count(i: number, sign: 1 | -1): void {
    this.counts.total += sign;
    const code = this.labels[i]!;
    if (code >= 0) {
      this.counts.labelled += sign;
      this.counts.byClass[code]! += sign;
    }
    if (this.flagged[i]) this.counts.flagged += sign;
  }

  /** Adds a cell at the end of the columns (unlabelled, unflagged; the caller sets those) and into the reading order. */
  #append(cell: LiveCell): number {
    const i = this.count;
    const n = i + 1;
    // Columns grow by half again when full (a reader adds cells one at a time on 100,000); order and rank stay exact.
    if (n > this.ids.length) {
      const capacity = Math.max(16, Math.ceil(n * 1.5));
      const grow = <T extends Uint32Array | Int32Array | Int8Array | Uint8Array | Float32Array | Float64Array>(a: T, per: number): T => {
        const b = new (a.constructor as new (length: number) => T)(capacity * per);
        b.set(a.subarray(0, i * per));
        return b;
      };
      this.ids = grow(this.ids, 1);
      this.boxes = grow(this.boxes, 4);
      this.labels = grow(this.labels, 1);
      this.flagged = grow(this.flagged, 1);
      this.clusters = grow(this.clusters, 1);
      this.centres = grow(this.centres, 2);
      this.retired = grow(this.retired, 1);
      this.suggested = grow(this.suggested, 1);
      this.suggestedP = grow(this.suggestedP, 1);
      this.#origins = grow(this.#origins, 2);
    }
    this.ids[i] = cell.id;
    this.boxes.set([cell.box.x, cell.box.y, cell.box.width, cell.box.height], i * 4);
    this.labels[i] = -1;
    this.suggested[i] = -1;
    this.suggestedP[i] = 0;
    this.clusters[i] = cell.cluster ? 1 : 0;
    this.centres[i * 2] = cell.centre.x;
    this.centres[i * 2 + 1] = cell.centre.y;
    this.#origins[i * 2] = cell.sliceX;
    this.#origins[i * 2 + 1] = cell.sliceY;
    this.count = n;
    this.#indexOfId.set(cell.id, i);
    this.grid.add(i, cell.box);
    // Its place in reading order: after every cell that reads before it.
    const before = (a: number, b: number) => compareReading(a, b, this.ids, this.centres, this.#origins) < 0;
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.order[mid]!, i)) lo = mid + 1;
      else hi = mid;
    }
    const order = new Int32Array(n);
    order.set(this.order.subarray(0, lo));
    order[lo] = i;
    order.set(this.order.subarray(lo), lo + 1);
    this.order = order;
    this.rank = new Int32Array(n);
    for (let r = 0; r < n; r++) this.rank[order[r]!] = r;
    this.counts.total++;
    return i;
  }

  /** Sets a cell's label code (-1 = none); returns true when it changed. */
  setLabel(index: number, code: number): boolean {
    const old = this.labels[index]!;
    if (old === code) return false;
    if (old >= 0) {
      this.counts.byClass[old]!--;
      this.counts.labelled--;
    }
    if (code >= 0) {
      this.counts.byClass[code]!++;
      this.counts.labelled++;
    }
    this.labels[index] = code;
    this.version++;
    return true;
  }

  setFlag(index: number, flagged: boolean): boolean {
    const old = this.flagged[index] === 1;
    if (old === flagged) return false;
    this.flagged[index] = flagged ? 1 : 0;
    this.counts.flagged += flagged ? 1 : -1;
    this.version++;
    return true;
  }

  /**
   * The next cell after `from` in reading order (from the start when from is
   * null) that passes filter and accept; wraps to the start when `wrap`.
   */
  next(from: number | null, filter: CellFilterMode, accept: (i: number) => boolean = () => true, wrap = false): number | null {
    const start = from === null ? 0 : this.rank[from]! + 1;
    for (let r = start; r < this.count; r++) {
      const i = this.order[r]!;
      if (this.passes(i, filter) && accept(i)) return i;
    }
    if (!wrap || from === null) return null;
    for (let r = 0; r < start - 1; r++) {
      const i = this.order[r]!;
      if (this.passes(i, filter) && accept(i)) return i;
    }
    return null;
  }

  previous(from: number | null, filter: CellFilterMode): number | null {
    const start = from === null ? this.count - 1 : this.rank[from]! - 1;
    for (let r = start; r >= 0; r--) {
      const i = this.order[r]!;
      if (this.passes(i, filter)) return i;
    }
    return null;
  }

  /**
   * The cell nearest to `from` in a direction (unit steps dx, dy): its centre
   * must lie in the 90-degree cone around that direction; distance along the
   * direction counts once, sideways drift twice, so the pick feels "straight".
   */
  nearestInDirection(from: number, dx: number, dy: number, filter: CellFilterMode): number | null {
    const fx = this.centres[from * 2]!;
    const fy = this.centres[from * 2 + 1]!;
    let best: number | null = null;
    let bestScore = Infinity;
    for (let i = 0; i < this.count; i++) {
      if (i === from) continue;
      const vx = this.centres[i * 2]! - fx;
      const vy = this.centres[i * 2 + 1]! - fy;
      const along = vx * dx + vy * dy;
      const side = Math.abs(vx * dy - vy * dx);
      if (along <= 0 || side > along) continue;
      const score = along + 2 * side;
      if (score < bestScore && this.passes(i, filter)) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /** Indices passing filter, in reading order; unlabelled ones first when asked. */
  filteredOrder(filter: CellFilterMode, unlabelledFirst: boolean): Int32Array {
    const out = new Int32Array(this.count);
    let n = 0;
    const pass = (i: number) => this.passes(i, filter);
    if (unlabelledFirst) {
      for (let r = 0; r < this.count; r++) {
        const i = this.order[r]!;
        if (this.labels[i] === UNLABELLED && pass(i)) out[n++] = i;
      }
      for (let r = 0; r < this.count; r++) {
        const i = this.order[r]!;
        if (this.labels[i] !== UNLABELLED && pass(i)) out[n++] = i;
      }
    } else {
      for (let r = 0; r < this.count; r++) {
        const i = this.order[r]!;
        if (pass(i)) out[n++] = i;
      }
    }
    return out.subarray(0, n);
  }
}

/** Each cell's slice: the listed slice holding its centre, else the 2,000 px grid square. */
function sliceOriginsOf(centres: Float64Array, slices: readonly SliceRect[]): Int32Array {
  const n = centres.length / 2;
  const out = new Int32Array(n * 2);
  const byKey = new Map<string, SliceRect>();
  const size = slices[0]?.width ?? 2000;
  for (const s of slices) byKey.set(`${Math.floor(s.x / size)},${Math.floor(s.y / size)}`, s);
  for (let i = 0; i < n; i++) {
    const cx = centres[i * 2]!;
    const cy = centres[i * 2 + 1]!;
    const s = byKey.get(`${Math.floor(cx / size)},${Math.floor(cy / size)}`);
    out[i * 2] = s ? s.x : Math.floor(cx / size) * size;
    out[i * 2 + 1] = s ? s.y : Math.floor(cy / size) * size;
  }
  return out;
}

/** Slices top to bottom then left to right; inside one, centre y, centre x, id (the store's order). */
function compareReading(a: number, b: number, ids: Uint32Array, centres: Float64Array, origins: Int32Array): number {
  return origins[a * 2 + 1]! - origins[b * 2 + 1]! ||
    origins[a * 2]! - origins[b * 2]! ||
    centres[a * 2 + 1]! - centres[b * 2 + 1]! ||
    centres[a * 2]! - centres[b * 2]! ||
    ids[a]! - ids[b]!;
}

function readingOrder(ids: Uint32Array, centres: Float64Array, origins: Int32Array): Int32Array {
  const order = Int32Array.from({ length: ids.length }, (_, i) => i);
  order.sort((a, b) => compareReading(a, b, ids, centres, origins));
  return order;
}

function medianBoxSide(boxes: Int32Array): number {
  const n = boxes.length >> 2;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / 2000));
  const sides: number[] = [];
  for (let i = 0; i < n; i += step) sides.push(Math.min(boxes[i * 4 + 2]!, boxes[i * 4 + 3]!));
  sides.sort((a, b) => a - b);
  return sides[sides.length >> 1]!;
}
