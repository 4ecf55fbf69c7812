// Shape measures of one labelled component, computed from its runs and made to
// equal scikit-image 0.19's regionprops: perimeter (skimage.measure.perimeter,
// neighbourhood 4), convex area (convex_hull_image pixel count, for solidity)
// and the central second moments (for eccentricity). Scratch buffers are
// reused across components: nothing is allocated per pixel.

/** One component as runs: run i covers columns [starts[i], ends[i]) of row rows[i]. */
export interface ComponentRuns {
  rows: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Run ids of the component, in raster order, are runIds[from .. to). */
  runIds: Int32Array;
  from: number;
  to: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/*
 * skimage.measure.perimeter: border pixels are the region minus its erosion by a
 * cross (outside the region counts as background); each border pixel gets the code
 * 1 + 2 * (4-neighbours on the border) + 10 * (diagonal neighbours on the border) and
 * the codes are weighted by this table (from skimage/measure/_regionprops_utils.py).
 */
const PERIMETER_WEIGHTS = (() => {
  const w = new Float64Array(50);
  for (const i of [5, 7, 15, 17, 25, 27]) w[i] = 1;
  for (const i of [21, 33]) w[i] = Math.SQRT2;
  for (const i of [13, 23]) w[i] = (1 + Math.SQRT2) / 2;
  return w;
})();

export class RegionMeasurer {
  private grid = new Uint8Array(0);
  private border = new Uint8Array(0);
  private borderList = new Int32Array(0);
  private readonly histogram = new Float64Array(50);
  private leftX = new Float64Array(0);
  private rightX = new Float64Array(0);
  private hullY = new Float64Array(0);
  private hullX = new Float64Array(0);
  private lowBound = new Float64Array(0);
  private highBound = new Float64Array(0);

  private ensureGrid(size: number): void {
    if (this.grid.length < size) {
      const n = Math.max(size, this.grid.length * 2);
      this.grid = new Uint8Array(n);
      this.border = new Uint8Array(n);
      this.borderList = new Int32Array(n);
    }
  }

  private ensureRows(levels: number): void {
    if (this.leftX.length < levels) {
      const n = Math.max(levels, this.leftX.length * 2);
      this.leftX = new Float64Array(n);
      this.rightX = new Float64Array(n);
      this.hullY = new Float64Array(n);
      this.hullX = new Float64Array(n);
      this.lowBound = new Float64Array(n);
      this.highBound = new Float64Array(n);
    }
  }

  /** skimage regionprops(...).perimeter of the component, in mask pixels. */
  perimeter(c: ComponentRuns): number {
    const gw = c.maxX - c.minX + 3;
    const gh = c.maxY - c.minY + 3;
    const size = gw * gh;
    this.ensureGrid(size);
    const grid = this.grid;
    const border = this.border;
    grid.fill(0, 0, size);
    border.fill(0, 0, size);
    // One pixel of background all round, so neighbour reads never leave the grid.
    const rowBase = (y: number): number => (y - c.minY + 1) * gw - c.minX + 1;
    for (let k = c.from; k < c.to; k++) {
      const id = c.runIds[k]!;
      const base = rowBase(c.rows[id]!);
      grid.fill(1, base + c.starts[id]!, base + c.ends[id]!);
    }
    // Border pixels: a run's two ends (its left and right neighbours are background) and
    // inner pixels with background above or below.
    const list = this.borderList;
    let count = 0;
    for (let k = c.from; k < c.to; k++) {
      const id = c.runIds[k]!;
      const base = rowBase(c.rows[id]!);
      const first = base + c.starts[id]!;
      const last = base + c.ends[id]! - 1;
      border[first] = 1;
      list[count++] = first;
      for (let i = first + 1; i < last; i++) {
        if ((grid[i - gw]! & grid[i + gw]!) === 0) {
          border[i] = 1;
          list[count++] = i;
        }
      }
      if (last > first) {
        border[last] = 1;
        list[count++] = last;
      }
    }
    const hist = this.histogram;
    hist.fill(0);
    for (let j = 0; j < count; j++) {
      const i = list[j]!;
      const code = 1
        + 2 * (border[i - 1]! + border[i + 1]! + border[i - gw]! + border[i + gw]!)
        + 10 * (border[i - gw - 1]! + border[i - gw + 1]! + border[i + gw - 1]! + border[i + gw + 1]!);
      hist[code]!++;
    }
    let total = 0;
    for (let code = 0; code < 50; code++) total += hist[code]! * PERIMETER_WEIGHTS[code]!;
    return total;
  }

  /**
   * Pixel count of skimage's convex_hull_image: pixel centres inside or on the convex hull
   * of the pixels' edge midpoints (each pixel offset by +-0.5 along each axis). Computed
   * exactly in doubled integer coordinates: on each horizontal level the extreme points give
   * a left and a right chain, their convex envelopes bound the hull, and each pixel row
   * counts the centres between them.
   */
  convexArea(c: ComponentRuns): number {
    const rowCount = c.maxY - c.minY + 1;
    // Doubled y runs from 2*minY - 1 (level 0) to 2*maxY + 1; row r's centres are on level 2r + 1.
    const levels = 2 * rowCount + 1;
    this.ensureRows(levels);
    const left = this.leftX;
    const right = this.rightX;
    left.fill(Infinity, 0, levels);
    right.fill(Infinity, 0, levels); // holds -x, so both chains are lower envelopes
    for (let k = c.from; k < c.to; k++) {
      const id = c.runIds[k]!;
      const level = 2 * (c.rows[id]! - c.minY) + 1;
      const xl = 2 * c.starts[id]!;
      const xr = 2 * (c.ends[id]! - 1);
      // Edge midpoints: (x -+ 1) on the centre level, x on the levels just above and below.
      if (xl - 1 < left[level]!) left[level] = xl - 1;
      if (-(xr + 1) < right[level]!) right[level] = -(xr + 1);
      for (let l = level - 1; l <= level + 1; l += 2) {
        if (xl < left[l]!) left[l] = xl;
        if (-xr < right[l]!) right[l] = -xr;
      }
    }
    const lo = this.lowBound;
    const hi = this.highBound;
    this.ceilHalfOnEnvelope(left, levels, rowCount, lo);
    this.ceilHalfOnEnvelope(right, levels, rowCount, hi);
    let area = 0;
    // hi holds ceil(-x/2) = -floor(x/2) of the right chain.
    for (let r = 0; r < rowCount; r++) {
      const count = -hi[r]! - lo[r]! + 1;
      if (count > 0) area += count;
    }
    return area;
  }

  /**
   * Lower convex envelope of the points (level, x[level]); writes ceil(envelope / 2) at every
   * pixel-centre level (2r + 1) into out[r]. Exact: all inputs are integers and the one
   * division is rounded once, which cannot cross an integer for these magnitudes.
   */
  private ceilHalfOnEnvelope(x: Float64Array, levels: number, rowCount: number, out: Float64Array): void {
    const hy = this.hullY;
    const hx = this.hullX;
    let n = 0;
    for (let l = 0; l < levels; l++) {
      const px = x[l]!;
      if (px === Infinity) continue;
      while (n >= 2) {
        const ay = hy[n - 2]!;
        const ax = hx[n - 2]!;
        // Keep the last vertex only if it lies strictly below the chord to the new point.
        if ((hx[n - 1]! - ax) * (l - ay) < (px - ax) * (hy[n - 1]! - ay)) break;
        n--;
      }
      hy[n] = l;
      hx[n] = px;
      n++;
    }
    let seg = 0;
    for (let r = 0; r < rowCount; r++) {
      const level = 2 * r + 1;
      while (seg < n - 2 && hy[seg + 1]! < level) seg++;
      const y1 = hy[seg]!;
      const x1 = hx[seg]!;
      const den = hy[seg + 1]! - y1;
      out[r] = Math.ceil((x1 * den + (level - y1) * (hx[seg + 1]! - x1)) / (2 * den));
    }
  }

  /**
   * Central second moments about (cx, cy), in mask pixels: mu20 = sum (x - cx)^2,
   * mu02 = sum (y - cy)^2, mu11 = sum (x - cx)(y - cy). Closed forms per run.
   */
  secondMoments(c: ComponentRuns, cx: number, cy: number): { mu20: number; mu02: number; mu11: number } {
    let mu20 = 0;
    let mu02 = 0;
    let mu11 = 0;
    for (let k = c.from; k < c.to; k++) {
      const id = c.runIds[k]!;
      const n = c.ends[id]! - c.starts[id]!;
      const a = c.starts[id]! - cx;
      const dy = c.rows[id]! - cy;
      const sumDx = n * a + (n * (n - 1)) / 2;
      mu20 += n * a * a + a * n * (n - 1) + ((n - 1) * n * (2 * n - 1)) / 6;
      mu02 += n * dy * dy;
      mu11 += dy * sumDx;
    }
    return { mu20, mu02, mu11 };
  }
}

/** skimage regionprops eccentricity from central moments and area. */
export function eccentricityFromMoments(mu20: number, mu02: number, mu11: number, area: number): number {
  const a = mu20 / area;
  const c = mu02 / area;
  const b = mu11 / area;
  const mean = (a + c) / 2;
  const spread = Math.sqrt(((a - c) / 2) ** 2 + b * b);
  const l1 = Math.max(mean + spread, 0);
  const l2 = Math.max(mean - spread, 0);
  return l1 === 0 ? 0 : Math.sqrt(1 - l2 / l1);
}
