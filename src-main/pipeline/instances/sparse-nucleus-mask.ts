// The nucleus threshold evaluated only where a nucleus can be. A pixel is
// nuclear when its smoothed density exceeds both a floor and its local mean
// plus a contrast. The smoothing is a clipped box mean applied twice, i.e. a
// weighted average of the (4r+1)^2 window around the pixel, so it can only
// pass the floor where some raw value in that window does: on a Pap smear
// that is 1-10 % of the pixels (measured on the huge synthetic slide and on
// real CRIC fields). Smoothing and the local mean are computed there and
// nowhere else, instead of three full-image box filters (a third of the
// nucleus step's time).
// The local mean is taken over the raw density in 2 x 2 blocks (a summed-area
// table of a quarter of the image), not over the smoothed density pixel by
// pixel: the two differ only in how the window's border (1-2 px of a ~50 px
// window) is weighted, far below the contrast that decides. On the 31
// held-out real fields (`npm run eval:cells`) every recall figure stayed the same.
// Pure: raw density in, 0/1 mask out.
import { indexOfByte, indexOfOtherByte } from '../segment/mask-morphology.ts';
import { scratchArray } from '../scratch-arrays.ts';

export interface NucleusThreshold {
  /** Box-mean radius (px) of the smoothing, applied twice. */
  smoothRadius: number;
  /** Radius (px) of the local mean a nucleus must stand out from. */
  backgroundRadius: number;
  /** Smoothed density a nucleus pixel exceeds... */
  minDensity: number;
  /** ...and by this much its local mean. */
  contrast: number;
}

/** A 0/1 mask and the indices of its 1-pixels (the first `count` of `pixels`). */
export interface SparseMask {
  mask: Uint8Array;
  pixels: Int32Array;
  count: number;
}

/**
 * Weights of a clipped box mean of radius r applied twice, per coordinate: row i holds the
 * weights of coordinates i - 2r .. i + 2r (zero outside 0..length-1). Near an edge the clipped
 * windows hold fewer pixels, exactly as boxMean does there.
 */
export function twiceBoxWeights(length: number, radius: number): Float64Array {
  const span = 4 * radius + 1;
  const weights = new Float64Array(length * span);
  const count = (p: number) => Math.min(length - 1, p + radius) - Math.max(0, p - radius) + 1;
  for (let i = 0; i < length; i++) {
    const outer = 1 / count(i);
    for (let p = Math.max(0, i - radius); p <= Math.min(length - 1, i + radius); p++) {
      const inner = outer / count(p);
      for (let q = Math.max(0, p - radius); q <= Math.min(length - 1, p + radius); q++) weights[i * span + (q - i + 2 * radius)]! += inner;
    }
  }
  return weights;
}

/**
 * Summed-area table of the 2 x 2 block sums of src (blocks cut by an odd right or bottom edge
 * hold fewer px): ((width + 1) >> 1) + 1 columns, ((height + 1) >> 1) + 1 rows, float64.
 */
export function blockSummedAreaTable(src: Float32Array, width: number, height: number): Float64Array {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const stride = cw + 1;
  const table = scratchArray(Float64Array, stride * (ch + 1));
  for (let cy = 0; cy < ch; cy++) {
    const top = 2 * cy * width;
    const bottom = 2 * cy + 1 < height ? top + width : -1;
    const above = cy * stride;
    const here = above + stride;
    let row = 0;
    for (let cx = 0; cx < cw; cx++) {
      const x = 2 * cx;
      const right = x + 1 < width;
      let block = src[top + x]! + (right ? src[top + x + 1]! : 0);
      if (bottom >= 0) block += src[bottom + x]! + (right ? src[bottom + x + 1]! : 0);
      row += block;
      table[here + cx + 1] = table[above + cx + 1]! + row;
    }
  }
  return table;
}

/** An index list that grows as needed: worst-case sizing (every pixel) would zero 6 MB per slice for nothing. */
class IndexList {
  items = new Int32Array(4096);
  count = 0;
  push(i: number): void {
    if (this.count === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.count++] = i;
  }
}

/** 1 where raw exceeds floor: the pixels a smoothed value above the floor needs nearby. */
export function aboveFloor(raw: Float32Array, floor: number): Uint8Array {
  const above = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) if (raw[i]! > floor) above[i] = 1;
  return above;
}

/**
 * 1 at every pixel within `radius` (chessboard) of a marked one: each run of marks in a row
 * fills its span widened by `radius` on the rows within `radius`. The runs are found four bytes
 * at a time across unmarked stretches: on a smear 1-10 % of the pixels are marked, and a
 * word-wise dilation of the whole image cost more.
 */
function markAround(marks: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = scratchArray(Uint8Array, marks.length);
  const words = marks.byteOffset % 4 === 0 ? new Uint32Array(marks.buffer, marks.byteOffset, marks.length >> 2) : null;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const end = row + width;
    const first = Math.max(0, y - radius) * width;
    const last = Math.min(height - 1, y + radius) * width;
    for (let i = indexOfByte(marks, words, row, end, 1, 0x01010101); i < end; i = indexOfByte(marks, words, i, end, 1, 0x01010101)) {
      const runEnd = indexOfOtherByte(marks, words, i, end, 1, 0x01010101);
      const x0 = Math.max(0, i - row - radius);
      const x1 = Math.min(width, runEnd - row + radius);
      for (let v = first; v <= last; v += width) out.fill(1, v + x0, v + x1);
      i = runEnd;
    }
  }
  return out;
}

/** The indices of the 1-bytes of a 0/1 mask in raster order, found four bytes at a time across 0s. */
function listOnes(marked: Uint8Array): IndexList {
  const list = new IndexList();
  const n = marked.length;
  const words = marked.byteOffset % 4 === 0 ? new Uint32Array(marked.buffer, marked.byteOffset, n >> 2) : null;
  for (let i = indexOfByte(marked, words, 0, n, 1, 0x01010101); i < n; i = indexOfByte(marked, words, i + 1, n, 1, 0x01010101)) list.push(i);
  return list;
}

/**
 * The interior smoothing when the window is 5 x 5 (radius 1, the nucleus scale's): the loop of
 * sparseNucleusMask with its inner five terms written out, the same products added in the same
 * order (so the same sums), without the inner loop's index arithmetic: about a third less time.
 */
function smooth5x5(raw: Float32Array, topLeft: number, width: number, kernel: Float64Array): number {
  let smooth = 0;
  for (let k = 0, row = topLeft; k < 25; k += 5, row += width) {
    smooth += kernel[k]! * raw[row]!;
    smooth += kernel[k + 1]! * raw[row + 1]!;
    smooth += kernel[k + 2]! * raw[row + 2]!;
    smooth += kernel[k + 3]! * raw[row + 3]!;
    smooth += kernel[k + 4]! * raw[row + 4]!;
  }
  return smooth;
}

/**
 * 0/1 nucleus mask. The local mean is over the 2 x 2 blocks within round(R / 2) blocks of the
 * pixel's block (a 2R + 2 px window, its edges on even columns and rows), so its table is a
 * quarter of the image. `above`, if given, must be aboveFloor(raw, t.minDensity): a caller that
 * makes raw can mark it in the same pass, for less than a second pass over raw costs.
 */
export function sparseNucleusMask(raw: Float32Array, width: number, height: number, t: NucleusThreshold, above?: Uint8Array): SparseMask {
  const found = new IndexList();
  const r = Math.max(0, t.smoothRadius);
  const span = 4 * r + 1;
  const wx = twiceBoxWeights(width, r);
  const wy = twiceBoxWeights(height, r);
  // Candidates: the pixels within 2r (chessboard) of one above the floor. The marks double as
  // the output mask: each candidate is reset below when it is decided.
  const mask = markAround(above ?? aboveFloor(raw, t.minDensity), width, height, 2 * r);
  const { items: list, count } = listOnes(mask);
  if (count === 0) return { mask, pixels: found.items, count: 0 };
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const table = blockSummedAreaTable(raw, width, height);
  const stride = cw + 1;
  const Rc = Math.round(Math.max(0, t.backgroundRadius) / 2);
  // Away from the edges every window has the same weights: one product table, no zero tests
  // (the same products in the same order, so the same sums).
  const interior = width > 4 * r && height > 4 * r;
  const kernel = new Float64Array(span * span);
  if (interior) for (let dy = 0; dy < span; dy++) for (let dx = 0; dx < span; dx++) kernel[dy * span + dx] = wy[2 * r * span + dy]! * wx[2 * r * span + dx]!;
  for (let k = 0; k < count; k++) {
    const i = list[k]!;
    mask[i] = 0;
    const x = i % width;
    const y = (i - x) / width;
    let smooth = 0;
    if (interior && span === 5 && x >= 2 && x < width - 2 && y >= 2 && y < height - 2) {
      smooth = smooth5x5(raw, i - 2 * width - 2, width, kernel);
    } else if (interior && x >= 2 * r && x < width - 2 * r && y >= 2 * r && y < height - 2 * r) {
      for (let dy = 0, row = i - 2 * r * width - 2 * r; dy < span; dy++, row += width) {
        for (let dx = 0; dx < span; dx++) smooth += kernel[dy * span + dx]! * raw[row + dx]!;
      }
    } else {
      for (let dy = 0; dy < span; dy++) {
        const wyv = wy[y * span + dy]!;
        if (wyv === 0) continue;
        const row = (y + dy - 2 * r) * width + x - 2 * r;
        for (let dx = 0; dx < span; dx++) {
          const wxv = wx[x * span + dx]!;
          if (wxv !== 0) smooth += wyv * wxv * raw[row + dx]!;
        }
      }
    }
    if (smooth <= t.minDensity) continue;
    const bx0 = Math.max(0, (x >> 1) - Rc);
    const bx1 = Math.min(cw, (x >> 1) + Rc + 1);
    const by0 = Math.max(0, (y >> 1) - Rc);
    const by1 = Math.min(ch, (y >> 1) + Rc + 1);
    const sum = table[by1 * stride + bx1]! - table[by0 * stride + bx1]! - table[by1 * stride + bx0]! + table[by0 * stride + bx0]!;
    const area = (Math.min(width, 2 * bx1) - 2 * bx0) * (Math.min(height, 2 * by1) - 2 * by0);
    if (smooth > sum / area + t.contrast) {
      mask[i] = 1;
      found.push(i);
    }
  }
  return { mask, pixels: found.items, count: found.count };
}

/**
 * Opening by a 3 x 3 square (erosion then dilation, pixels outside the image not counting, as
 * openSquare does) of a mask whose 1-pixels are listed: work in proportion to them.
 */
export function openSparse3x3(sparse: SparseMask, width: number, height: number): Uint8Array {
  const { mask, pixels, count } = sparse;
  const out = scratchArray(Uint8Array, mask.length);
  for (let k = 0; k < count; k++) {
    const i = pixels[k]!;
    const x = i % width;
    const y = (i - x) / width;
    const x0 = x > 0 ? x - 1 : x;
    const x1 = x < width - 1 ? x + 1 : x;
    const y0 = y > 0 ? y - 1 : y;
    const y1 = y < height - 1 ? y + 1 : y;
    let whole = true;
    for (let v = y0; v <= y1 && whole; v++) for (let u = x0; u <= x1; u++) if (mask[v * width + u] === 0) { whole = false; break; }
    if (!whole) continue;
    for (let v = y0; v <= y1; v++) for (let u = x0; u <= x1; u++) out[v * width + u] = 1;
  }
  return out;
}
