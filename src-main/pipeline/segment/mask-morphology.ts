// Binary morphology for segmentation masks (0/1 bytes, row-major): square
// dilation/erosion in O(1) per pixel whatever the radius (separable running
// counts), hole filling, and small-component removal. Only pixels inside the
// image count, so cells cut by the slice edge are not eroded away.
import { scratchArray } from '../scratch-arrays.ts';

function runRows(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  const full = 2 * radius + 1;
  // Columns whose window is clipped on neither side: [radius, width - radius - 1).
  const midStart = Math.min(radius, width);
  const midEnd = Math.max(midStart, width - radius - 1);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    // Count of ones in the window [x - r, x + r], clamped to the row.
    let count = 0;
    const hi0 = Math.min(width - 1, radius);
    for (let j = 0; j <= hi0; j++) count += src[base + j]!;
    // Clipped windows at both ends (one loop, no closure: this runs for every row of small
    // blob images too, where a closure per row cost more than the pixels).
    for (let x = 0; x < width; x++) {
      if (x === midStart && x < midEnd) {
        // The hot middle: a full window that gains one pixel and loses one.
        if (erode) {
          for (; x < midEnd; x++) {
            dst[base + x] = count === full ? 1 : 0;
            count += src[base + x + radius + 1]! - src[base + x - radius]!;
          }
        } else {
          for (; x < midEnd; x++) {
            dst[base + x] = count > 0 ? 1 : 0;
            count += src[base + x + radius + 1]! - src[base + x - radius]!;
          }
        }
        if (x >= width) break;
      }
      const size = Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1;
      dst[base + x] = erode ? (count === size ? 1 : 0) : (count > 0 ? 1 : 0);
      const out = x - radius;
      if (out >= 0) count -= src[base + out]!;
      const inn = x + radius + 1;
      if (inn < width) count += src[base + inn]!;
    }
  }
}

// The vertical pass keeps one running count per column and walks rows in memory order:
// a column-by-column walk strides the whole image and is several times slower.
function runColumns(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  const count = new Int32Array(width);
  for (let y = 0; y <= Math.min(height - 1, radius); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) count[x]! += src[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const size = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    const row = y * width;
    if (erode) for (let x = 0; x < width; x++) dst[row + x] = count[x] === size ? 1 : 0;
    else for (let x = 0; x < width; x++) dst[row + x] = count[x]! > 0 ? 1 : 0;
    const out = y - radius;
    if (out >= 0) {
      const r = out * width;
      for (let x = 0; x < width; x++) count[x]! -= src[r + x]!;
    }
    const inn = y + radius + 1;
    if (inn < height) {
      const r = inn * width;
      for (let x = 0; x < width; x++) count[x]! += src[r + x]!;
    }
  }
}

// Radius 1 (the nucleus step's opening, on ~1.5 Mpx per slice) needs no running counts: each
// pixel is the AND (erode) or OR (dilate) of its three neighbours, rows first. The column pass
// combines whole rows, four bytes at a time when rows start on 4-byte boundaries. Pixels outside
// the image do not count, as in the general passes.
function rowsRadius1(src: Uint8Array, dst: Uint8Array, width: number, height: number, erode: boolean): void {
  if (width === 1) { dst.set(src); return; }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const end = row + width - 1;
    if (erode) {
      dst[row] = src[row]! & src[row + 1]!;
      for (let i = row + 1; i < end; i++) dst[i] = src[i - 1]! & src[i]! & src[i + 1]!;
      dst[end] = src[end - 1]! & src[end]!;
    } else {
      dst[row] = src[row]! | src[row + 1]!;
      for (let i = row + 1; i < end; i++) dst[i] = src[i - 1]! | src[i]! | src[i + 1]!;
      dst[end] = src[end - 1]! | src[end]!;
    }
  }
}

/**
 * rowsRadius1 four pixels at a time (rows of a multiple of four bytes, 4-byte aligned): a word's
 * left and right neighbours are the word shifted by one byte, filled from the words beside it
 * (little-endian: the lowest byte is the leftmost pixel). Outside the row, a byte that changes
 * nothing stands in: all ones for AND, zero for OR. Bytewise AND / OR, so the same bytes.
 */
function rowsRadius1Words(src: Int32Array, dst: Int32Array, words: number, height: number, erode: boolean): void {
  const outside = erode ? 0xff : 0;
  for (let y = 0; y < height; y++) {
    const row = y * words;
    let previous = outside << 24;
    let current = src[row]!;
    for (let x = 0; x < words; x++) {
      const next = x + 1 < words ? src[row + x + 1]! : outside;
      const left = (current << 8) | (previous >>> 24);
      const right = (current >>> 8) | (next << 24);
      dst[row + x] = erode ? current & left & right : current | left | right;
      previous = current;
      current = next;
    }
  }
}

/**
 * The vertical pass for a small radius: each pixel is the AND (erode) or OR (dilate) of the
 * pixels within `radius` rows of it (clipped to the image), four bytes at a time when rows are
 * whole 4-byte words. For radius <= SMALL_RADIUS this beats the running counts (2r + 1 word
 * reads per four pixels, combined in a register, against several operations per pixel).
 */
function columnsSmallRadius(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  if (width % 4 !== 0 || src.byteOffset % 4 !== 0 || dst.byteOffset % 4 !== 0) {
    columnsSmallRadiusBytes(src, dst, width, height, radius, erode);
    return;
  }
  const s = new Int32Array(src.buffer, src.byteOffset, src.length >> 2);
  const d = new Int32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  const w = width >> 2;
  for (let y = 0; y < height; y++) {
    const row = y * w;
    const first = Math.max(0, y - radius) * w;
    const last = Math.min(height - 1, y + radius) * w;
    if (erode) {
      for (let x = 0; x < w; x++) {
        let word = s[first + x]!;
        for (let v = first + w + x; v <= last + x; v += w) word &= s[v]!;
        d[row + x] = word;
      }
    } else {
      for (let x = 0; x < w; x++) {
        let word = s[first + x]!;
        for (let v = first + w + x; v <= last + x; v += w) word |= s[v]!;
        d[row + x] = word;
      }
    }
  }
}

/** columnsSmallRadius a byte at a time (rows that are not whole words). */
function columnsSmallRadiusBytes(src: Uint8Array, dst: Uint8Array, width: number, height: number, radius: number, erode: boolean): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const first = Math.max(0, y - radius) * width;
    const last = Math.min(height - 1, y + radius) * width;
    for (let x = 0; x < width; x++) {
      let byte = src[first + x]!;
      for (let v = first + width + x; v <= last + x; v += width) byte = erode ? byte & src[v]! : byte | src[v]!;
      dst[row + x] = byte;
    }
  }
}

/** Largest radius that columnsSmallRadius serves. */
const SMALL_RADIUS = 4;

function squareOp(mask: Uint8Array, width: number, height: number, radius: number, erode: boolean): Uint8Array {
  if (radius <= 0) return mask.slice();
  if (radius <= SMALL_RADIUS && width % 4 === 0 && mask.byteOffset % 4 === 0) {
    // Rows by `radius` word passes of radius 1 (a clipped window of radius r is r clipped windows
    // of radius 1 in a row: the same result on 0/1 masks as the running counts), then columns.
    const words = width >> 2;
    const first = new Int32Array(mask.length >> 2);
    const second = radius > 1 ? new Int32Array(first.length) : first;
    let from = new Int32Array(mask.buffer, mask.byteOffset, first.length);
    for (let pass = 0; pass < radius; pass++) {
      const to = pass % 2 === 0 ? first : second;
      rowsRadius1Words(from, to, words, height, erode);
      from = to;
    }
    const out = new Uint8Array(mask.length);
    columnsSmallRadius(new Uint8Array(from.buffer, 0, mask.length), out, width, height, radius, erode);
    return out;
  }
  if (radius === 1) {
    const tmp = new Uint8Array(mask.length);
    const out = new Uint8Array(mask.length);
    rowsRadius1(mask, tmp, width, height, erode);
    columnsSmallRadius(tmp, out, width, height, 1, erode);
    return out;
  }
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  runRows(mask, tmp, width, height, radius, erode);
  if (radius <= SMALL_RADIUS) columnsSmallRadius(tmp, out, width, height, radius, erode);
  else runColumns(tmp, out, width, height, radius, erode);
  return out;
}

/** Dilation by a (2r+1) square. */
export function dilateSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return squareOp(mask, width, height, radius, false);
}

/** Erosion by a (2r+1) square. */
export function erodeSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return squareOp(mask, width, height, radius, true);
}

export function openSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return dilateSquare(erodeSquare(mask, width, height, radius), width, height, radius);
}

export function closeSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  return erodeSquare(dilateSquare(mask, width, height, radius), width, height, radius);
}

/** 4-connected components as runs: each run's row, first and last column, and component label. */
export interface MaskRuns {
  count: number;
  start: Int32Array;
  end: Int32Array;
  row: Int32Array;
  /** Component label of each run (1-based, raster order of each component's first pixel). */
  label: Int32Array;
  /** Pixels per label (index = label). */
  areas: number[];
  touchesBorder: boolean[];
}

/** Whether some byte of a 32-bit word is zero (the classic bit trick, exact for every word). */
function hasZeroByte(word: number): boolean {
  return ((word - 0x01010101) & ~word & 0x80808080) !== 0;
}

/**
 * The first index from i (below `end`) whose byte is `byte`, or `end`: four bytes at a time
 * where the mask is word-aligned (`words`, a Uint32Array over the mask's own bytes, or null;
 * `word` is the byte four times).
 */
export function indexOfByte(mask: Uint8Array, words: Uint32Array | null, i: number, end: number, byte: number, word: number): number {
  if (words !== null) {
    while (i < end && (i & 3) !== 0) { if (mask[i] === byte) return i; i++; }
    while (i + 4 <= end && !hasZeroByte((words[i >> 2]! ^ word) >>> 0)) i += 4;
  }
  while (i < end && mask[i] !== byte) i++;
  return i;
}

/** The first index from i (below `end`) whose byte is not `byte`, or `end`; as indexOfByte. */
export function indexOfOtherByte(mask: Uint8Array, words: Uint32Array | null, i: number, end: number, byte: number, word: number): number {
  if (words !== null) {
    while (i < end && (i & 3) !== 0) { if (mask[i] !== byte) return i; i++; }
    while (i + 4 <= end && words[i >> 2] === word) i += 4;
  }
  while (i < end && mask[i] === byte) i++;
  return i;
}

/**
 * Each row's runs of `value` are joined (union-find) with the runs they overlap on the row above;
 * then every run gets its component's label. One scan of the bytes plus work per run.
 */
export function componentRuns(mask: Uint8Array, width: number, height: number, value: 0 | 1): MaskRuns {
  // Runs: row, first and last column; parent for the union-find.
  let capacity = 1024;
  let runStart = new Int32Array(capacity);
  let runEnd = new Int32Array(capacity);
  let runRow = new Int32Array(capacity);
  let parent = new Int32Array(capacity);
  let runs = 0;
  const find = (r: number): number => {
    let root = r;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[r] !== root) { const up = parent[r]!; parent[r] = root; r = up; }
    return root;
  };
  let prevFirst = 0;
  let prevCount = 0;
  // A mask is mostly long stretches of one value: they are crossed four bytes at a time.
  const words = mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
  const valueWord = value * 0x01010101;
  for (let y = 0; y < height; y++) {
    const base = y * width;
    const first = runs;
    let p = 0; // index into the previous row's runs
    let x = 0;
    while (x < width) {
      x = indexOfByte(mask, words, base + x, base + width, value, valueWord) - base;
      if (x >= width) break;
      const s = x;
      x = indexOfOtherByte(mask, words, base + x, base + width, value, valueWord) - base;
      const e = x - 1;
      if (runs === capacity) {
        capacity *= 2;
        const grow = (a: Int32Array) => { const b = new Int32Array(capacity); b.set(a); return b; };
        runStart = grow(runStart); runEnd = grow(runEnd); runRow = grow(runRow); parent = grow(parent);
      }
      const r = runs++;
      runStart[r] = s; runEnd[r] = e; runRow[r] = y; parent[r] = r;
      // Runs above that overlap [s, e]: skip those ending before s; join while they start <= e.
      while (p < prevCount && runEnd[prevFirst + p]! < s) p++;
      for (let q = p; q < prevCount && runStart[prevFirst + q]! <= e; q++) {
        const a = find(prevFirst + q);
        const b = find(r);
        // The older run stays root: its component's first pixel comes first in raster order.
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
    prevFirst = first;
    prevCount = runs - first;
  }
  const labelOfRoot = new Int32Array(runs);
  const label = new Int32Array(runs);
  const areas = [0];
  const touchesBorder = [false];
  let next = 1;
  for (let r = 0; r < runs; r++) {
    const root = find(r);
    let l = labelOfRoot[root]!;
    if (l === 0) {
      l = next++;
      labelOfRoot[root] = l;
      areas.push(0);
      touchesBorder.push(false);
    }
    label[r] = l;
    const s = runStart[r]!;
    const e = runEnd[r]!;
    const y = runRow[r]!;
    areas[l]! += e - s + 1;
    if (!touchesBorder[l] && (s === 0 || e === width - 1 || y === 0 || y === height - 1)) touchesBorder[l] = true;
  }
  return { count: runs, start: runStart, end: runEnd, row: runRow, label, areas, touchesBorder };
}

/**
 * Labels 4-connected components of pixels equal to `value`; returns the label
 * image (0 = other value) and each label's area (index = label). Labels are
 * numbered in raster order of each component's first pixel. The runs come too (for
 * per-component sums without another pass over the image).
 */
export function labelComponents(mask: Uint8Array, width: number, height: number, value: 0 | 1): { labels: Int32Array; areas: number[]; touchesBorder: boolean[]; runs: MaskRuns } {
  const runs = componentRuns(mask, width, height, value);
  const labels = scratchArray(Int32Array, mask.length);
  for (let r = 0; r < runs.count; r++) {
    const row = runs.row[r]! * width;
    labels.fill(runs.label[r]!, row + runs.start[r]!, row + runs.end[r]! + 1);
  }
  return { labels, areas: runs.areas, touchesBorder: runs.touchesBorder, runs };
}

/**
 * Fills background regions enclosed by foreground that are at most `maxArea` pixels. Works on
 * the background's runs, never a label image: the background is most of a nucleus mask.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxArea = Infinity): Uint8Array {
  const out = scratchArray(Uint8Array, mask.length);
  out.set(mask);
  const runs = componentRuns(mask, width, height, 0);
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    if (runs.touchesBorder[l] || runs.areas[l]! > maxArea) continue;
    const row = runs.row[r]! * width;
    out.fill(1, row + runs.start[r]!, row + runs.end[r]! + 1);
  }
  return out;
}

/** Drops foreground components smaller than `minArea` pixels. */
export function removeSmallComponents(mask: Uint8Array, width: number, height: number, minArea: number): Uint8Array {
  const out = mask.slice();
  if (minArea <= 1) return out;
  const runs = componentRuns(mask, width, height, 1);
  for (let r = 0; r < runs.count; r++) {
    if (runs.areas[runs.label[r]!]! >= minArea) continue;
    const row = runs.row[r]! * width;
    out.fill(0, row + runs.start[r]!, row + runs.end[r]! + 1);
  }
  return out;
}
