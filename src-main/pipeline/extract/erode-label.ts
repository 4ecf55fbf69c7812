// The pixel passes of cell extraction, on horizontal runs: label the raw mask
// and drop large components (remove_large_conn_comp), then erode k times with a
// 3x3 square and label again (perform_erosion + label), all with 8-connectivity.
// Cost follows the number of runs; the only per-pixel work is finding the runs
// of the raw mask, done four bytes at a time where it can.

import type { Mask } from '../mask.ts';
import { RunLabeler } from './run-labeler.ts';

/** The part of the mask to process, in mask pixels, and its level-0 origin. */
export interface MaskRegion {
  x0: number;
  y0: number;
  width: number;
  height: number;
  originX: number;
  originY: number;
}

// Labelers shared by every call: extraction is synchronous, so calls never interleave, and
// each worker thread has its own module instance. Results never point into them.
const rawLabeler = new RunLabeler(1 << 14);
const erodedLabeler = new RunLabeler(1 << 14);

// Next set / clear byte of data in [i, end), four bytes at a time where the buffer allows.
function nextSet(data: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  for (; i < end && (i & 3) !== 0; i++) if (data[i] !== 0) return i;
  if (words) while (i + 4 <= end && words[i >> 2] === 0) i += 4;
  while (i < end && data[i] === 0) i++;
  return i;
}

const ALL_ONE = 0x01010101;

function nextClear(data: Uint8Array, words: Uint32Array | null, i: number, end: number): number {
  for (; i < end && (i & 3) !== 0; i++) if (data[i] === 0) return i;
  if (words) while (i + 4 <= end && words[i >> 2] === ALL_ONE) i += 4;
  while (i < end && data[i] !== 0) i++;
  return i;
}

/** Labels the raw mask and returns, per run, whether it survives the large-component filter. */
export function dropLargeComponents(mask: Mask, region: MaskRegion, maxComponentArea: number) {
  const { width, height } = region;
  const data = mask.data;
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  const labeler = rawLabeler.reset();
  const rowStart = new Int32Array(height + 1);
  for (let y = 0; y < height; y++) {
    rowStart[y] = labeler.count;
    const off = (region.y0 + y) * mask.width + region.x0;
    const end = off + width;
    let i = off;
    for (;;) {
      i = nextSet(data, words, i, end);
      if (i === end) break;
      const s = i;
      i = nextClear(data, words, i, end);
      labeler.addRun(y, s - off, i - off);
    }
    labeler.endRow();
  }
  rowStart[height] = labeler.count;
  const { componentOfRun, componentCount } = labeler.resolve();
  const area = new Float64Array(componentCount);
  for (let i = 0; i < labeler.count; i++) area[componentOfRun[i]!]! += labeler.ends[i]! - labeler.starts[i]!;
  const ds2 = mask.downsample * mask.downsample;
  const dropped = new Uint8Array(componentCount);
  let droppedCount = 0;
  for (let c = 0; c < componentCount; c++) {
    if (area[c]! * ds2 > maxComponentArea) {
      dropped[c] = 1;
      droppedCount++;
    }
  }
  return { labeler, rowStart, componentOfRun, dropped, componentCount, droppedCount };
}

/**
 * Erodes the kept runs k times by a 3x3 square (= once by a (2k+1) square; outside the
 * region counts as set, like skimage's binary_erosion) and labels the result. Works on run
 * lists only: horizontal erosion shrinks each run by k, vertical erosion intersects the
 * run lists of rows o-k .. o+k, so the cost follows the number of runs, not of pixels.
 */
export function erodeAndLabel(region: MaskRegion, k: number, first: ReturnType<typeof dropLargeComponents>): RunLabeler {
  const { width, height } = region;
  const { labeler: raw, rowStart, componentOfRun, dropped } = first;
  // Horizontally eroded runs, grouped by row.
  const hStarts = new Int32Array(raw.count);
  const hEnds = new Int32Array(raw.count);
  const hRow = new Int32Array(height + 1);
  let n = 0;
  for (let y = 0; y < height; y++) {
    hRow[y] = n;
    for (let i = rowStart[y]!; i < rowStart[y + 1]!; i++) {
      if (dropped[componentOfRun[i]!] === 1) continue;
      const s = raw.starts[i]!;
      const e = raw.ends[i]!;
      const a = s === 0 ? 0 : s + k;
      const b = e === width ? width : e - k;
      if (a < b) {
        hStarts[n] = a;
        hEnds[n] = b;
        n++;
      }
    }
  }
  hRow[height] = n;
  // Two scratch run lists; an intersection of disjoint run lists in one row has at most (width+1)/2 runs.
  const cap = (width >> 1) + 2;
  let curS = new Int32Array(cap);
  let curE = new Int32Array(cap);
  let nextS = new Int32Array(cap);
  let nextE = new Int32Array(cap);
  const out = erodedLabeler.reset();
  for (let o = 0; o < height; o++) {
    const top = Math.max(0, o - k);
    const bottom = Math.min(height - 1, o + k);
    // Start from the row with the fewest runs; rows outside the region are all set and add nothing.
    let seed = top;
    for (let y = top; y <= bottom; y++) if (hRow[y + 1]! - hRow[y]! < hRow[seed + 1]! - hRow[seed]!) seed = y;
    let count = 0;
    for (let i = hRow[seed]!; i < hRow[seed + 1]!; i++) {
      curS[count] = hStarts[i]!;
      curE[count] = hEnds[i]!;
      count++;
    }
    for (let y = top; y <= bottom && count > 0; y++) {
      if (y === seed) continue;
      let i = 0;
      let j = hRow[y]!;
      const jEnd = hRow[y + 1]!;
      let m = 0;
      while (i < count && j < jEnd) {
        const s = Math.max(curS[i]!, hStarts[j]!);
        const e = Math.min(curE[i]!, hEnds[j]!);
        if (s < e) {
          nextS[m] = s;
          nextE[m] = e;
          m++;
        }
        if (curE[i]! < hEnds[j]!) i++;
        else j++;
      }
      [curS, nextS] = [nextS, curS];
      [curE, nextE] = [nextE, curE];
      count = m;
    }
    for (let i = 0; i < count; i++) out.addRun(o, curS[i]!, curE[i]!);
    out.endRow();
  }
  return out;
}
