// Pixel work around a model run: RGBA tiles -> normalised float tensors in
// the model's layout and colour order, and model outputs -> one cell
// probability per pixel. Plain typed-array loops with lookup tables, since
// this runs for every tile of every slice.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import type { ModelManifest } from './model-manifest.ts';
import type { TileGeometry } from './tiling.ts';

type InputSpec = ModelManifest['input'];
type OutputSpec = ModelManifest['output'];

/** Mirror index (reflect-101) so tiles past the image edge see plausible content. */
export function mirrorIndex(i: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * (length - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < length ? m : period - m;
}

function indexMap(start: number, count: number, length: number): Int32Array {
  const map = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = start + i;
    map[i] = v >= 0 && v < length ? v : mirrorIndex(v, length);
  }
  return map;
}

/** 256-entry table per model channel: byte value -> normalised float. */
export function normalisationTables(input: InputSpec): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    const mean = input.mean[c]!;
    const std = input.std[c]!;
    for (let v = 0; v < 256; v++) t[v] = (v / input.divideBy - mean) / std;
    return t;
  });
}

/**
 * Writes one tile into batch slot `batchIndex` of `out` (shape [B, C, H, W] or
 * [B, H, W, C]). Transparent pixels (unscanned glass) are composited on white.
 * `extra` planes (image-sized, e.g. ensemble member probabilities for a fusion
 * model) follow the three colour channels, copied as they are.
 */
export function writeTile(
  image: RgbaImage,
  tile: TileGeometry,
  input: InputSpec,
  tables: Float32Array[],
  out: Float32Array,
  batchIndex: number,
  extra: readonly Float32Array[] = [],
): void {
  const { width: tw, height: th } = tile;
  const channels = 3 + extra.length;
  const xs = indexMap(tile.x, tw, image.width);
  const ys = indexMap(tile.y, th, image.height);
  const src = image.data;
  const order = input.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const t0 = tables[0]!;
  const t1 = tables[1]!;
  const t2 = tables[2]!;
  const s0 = order[0]!;
  const s1 = order[1]!;
  const s2 = order[2]!;
  const plane = tw * th;
  const nchw = input.layout === 'NCHW';
  const base = batchIndex * channels * plane;
  for (let ty = 0; ty < th; ty++) {
    const srcRow = ys[ty]! * image.width;
    for (let tx = 0; tx < tw; tx++) {
      const p = (srcRow + xs[tx]!) * 4;
      let v0 = src[p + s0]!;
      let v1 = src[p + s1]!;
      let v2 = src[p + s2]!;
      const a = src[p + 3]!;
      if (a !== 255) {
        const glass = 255 * (255 - a);
        v0 = ((v0 * a + glass) / 255 + 0.5) | 0;
        v1 = ((v1 * a + glass) / 255 + 0.5) | 0;
        v2 = ((v2 * a + glass) / 255 + 0.5) | 0;
      }
      const pix = ty * tw + tx;
      if (nchw) {
        out[base + pix] = t0[v0]!;
        out[base + plane + pix] = t1[v1]!;
        out[base + 2 * plane + pix] = t2[v2]!;
      } else {
        const o = base + pix * channels;
        out[o] = t0[v0]!;
        out[o + 1] = t1[v1]!;
        out[o + 2] = t2[v2]!;
      }
    }
  }
  for (let e = 0; e < extra.length; e++) {
    const planeData = extra[e]!;
    for (let ty = 0; ty < th; ty++) {
      const srcRow = ys[ty]! * image.width;
      for (let tx = 0; tx < tw; tx++) {
        const v = planeData[srcRow + xs[tx]!]!;
        const pix = ty * tw + tx;
        if (nchw) out[base + (3 + e) * plane + pix] = v;
        else out[base + pix * channels + 3 + e] = v;
      }
    }
  }
}

/**
 * Cell probability of batch item `batchIndex` from an output tensor already
 * checked against the manifest (rank 4 in `output.layout`, or rank 3 [B, H, W]
 * for single-channel outputs).
 */
export function readProbabilities(
  data: Float32Array,
  dims: readonly number[],
  output: OutputSpec,
  batchIndex: number,
): Float32Array {
  let channels: number;
  let height: number;
  let width: number;
  if (dims.length === 3) {
    channels = 1;
    height = dims[1]!;
    width = dims[2]!;
  } else if (output.layout === 'NCHW') {
    channels = dims[1]!;
    height = dims[2]!;
    width = dims[3]!;
  } else {
    height = dims[1]!;
    width = dims[2]!;
    channels = dims[3]!;
  }
  const plane = width * height;
  const base = batchIndex * channels * plane;
  const probs = new Float32Array(plane);
  const nchw = output.layout === 'NCHW' || dims.length === 3;
  const at = (pix: number, c: number): number => (nchw ? data[base + c * plane + pix]! : data[base + pix * channels + c]!);
  if (output.kind === 'cell-probability') {
    for (let i = 0; i < plane; i++) probs[i] = at(i, 0);
  } else if (output.kind === 'cell-logit') {
    for (let i = 0; i < plane; i++) probs[i] = 1 / (1 + Math.exp(-at(i, 0)));
  } else if (output.scores === 'probabilities') {
    for (let i = 0; i < plane; i++) probs[i] = at(i, output.cellClass);
  } else {
    for (let i = 0; i < plane; i++) {
      let max = -Infinity;
      for (let c = 0; c < channels; c++) max = Math.max(max, at(i, c));
      let total = 0;
      for (let c = 0; c < channels; c++) total += Math.exp(at(i, c) - max);
      probs[i] = Math.exp(at(i, output.cellClass) - max) / total;
    }
  }
  return probs;
}

/** Binary mask from probabilities: 1 where p >= threshold. */
export function thresholdProbabilities(probs: Float32Array, threshold: number): Uint8Array {
  const mask = new Uint8Array(probs.length);
  for (let i = 0; i < probs.length; i++) mask[i] = probs[i]! >= threshold ? 1 : 0;
  return mask;
}
