// The sparse nucleus threshold against the same threshold computed densely
// everywhere: smoothed = boxMean twice (radius r), local = mean of the raw
// density over the 2 x 2 blocks within R/2 blocks (a plain loop here). Sparse
// evaluation may only differ in float rounding, i.e. where the smoothed value
// sits within 1e-5 of a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxMean } from '../../../../src-main/pipeline/instances/box-filter.ts';
import { openSquare } from '../../../../src-main/pipeline/segment/mask-morphology.ts';
import { aboveFloor, blockSummedAreaTable, openSparse3x3, sparseNucleusMask, twiceBoxWeights } from '../../../../src-main/pipeline/instances/sparse-nucleus-mask.ts';
import type { NucleusThreshold } from '../../../../src-main/pipeline/instances/sparse-nucleus-mask.ts';

function seeded(seed: number): () => number {
  return () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
}

/** Glass (0-0.1) with dark blobs (0.3-1.2) of a few px, like min(OD red, OD green) on a smear. */
function density(width: number, height: number, random: () => number): Float32Array {
  const d = new Float32Array(width * height).map(() => random() * 0.1);
  for (let b = 0; b < (width * height) / 150; b++) {
    const cx = random() * width;
    const cy = random() * height;
    const radius = 1 + random() * 4;
    const value = 0.3 + random() * 0.9;
    for (let y = Math.max(0, Math.floor(cy - radius)); y < Math.min(height, cy + radius); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x < Math.min(width, cx + radius); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2) d[y * width + x] = value;
      }
    }
  }
  return d;
}

/** Reference: the plain summed-area table, (width + 1) x (height + 1), float64. */
function summedAreaTable(src: Float32Array, width: number, height: number): Float64Array {
  const stride = width + 1;
  const table = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    const above = y * stride;
    const here = above + stride;
    const s = y * width;
    for (let x = 0; x < width; x++) {
      row += src[s + x]!;
      table[here + x + 1] = table[above + x + 1]! + row;
    }
  }
  return table;
}

/** Mean of raw over the 2 x 2 blocks within round(R / 2) blocks of (x, y)'s block, clipped to the image. */
function blockWindowMean(raw: Float32Array, width: number, height: number, radius: number, x: number, y: number): number {
  const rc = Math.round(radius / 2);
  const x0 = Math.max(0, 2 * ((x >> 1) - rc));
  const x1 = Math.min(width, 2 * ((x >> 1) + rc + 1));
  const y0 = Math.max(0, 2 * ((y >> 1) - rc));
  const y1 = Math.min(height, 2 * ((y >> 1) + rc + 1));
  let sum = 0;
  for (let v = y0; v < y1; v++) for (let u = x0; u < x1; u++) sum += raw[v * width + u]!;
  return sum / ((x1 - x0) * (y1 - y0));
}

test('sparse threshold equals the dense one (image sizes, smoothing radii 0-2, edges included)', () => {
  const random = seeded(11);
  let compared = 0;
  let nuclear = 0;
  for (const [width, height] of [[1, 1], [3, 2], [9, 31], [64, 48], [121, 97]] as const) {
    for (const smoothRadius of [0, 1, 2]) {
      const t: NucleusThreshold = { smoothRadius, backgroundRadius: 12, minDensity: 0.25, contrast: 0.1 };
      const raw = density(width, height, random);
      const smooth = boxMean(boxMean(raw, width, height, smoothRadius), width, height, smoothRadius);
      const { mask: got, pixels, count } = sparseNucleusMask(raw, width, height, t);
      assert.deepEqual([...pixels.subarray(0, count)].sort((a, b) => a - b), [...got.keys()].filter((i) => got[i] === 1));
      for (let i = 0; i < raw.length; i++) {
        const v = smooth[i]!;
        const local = blockWindowMean(raw, width, height, t.backgroundRadius, i % width, Math.floor(i / width));
        const want = v > t.minDensity && v > local + t.contrast ? 1 : 0;
        const nearBound = Math.abs(v - t.minDensity) < 1e-5 || Math.abs(v - local - t.contrast) < 1e-5;
        if (!nearBound) assert.equal(got[i], want, `${width}x${height} r=${smoothRadius} px ${i % width},${Math.floor(i / width)}`);
        compared++;
        nuclear += want;
      }
    }
  }
  // The scenes hold nuclear pixels and glass both: the comparison is not all zeros.
  assert.ok(nuclear > 500 && nuclear < compared / 2, `${nuclear} nuclear of ${compared}`);
});

test('a lone dark pixel is smoothed away; a dark blob on glass is found whole', () => {
  const width = 40;
  const height = 30;
  const raw = new Float32Array(width * height);
  raw[5 * width + 5] = 2; // smoothed twice at radius 1: 2 x (1/9)^2 x ... <= 0.25 at every pixel
  for (let y = 15; y < 22; y++) for (let x = 20; x < 27; x++) raw[y * width + x] = 1;
  const { mask } = sparseNucleusMask(raw, width, height, { smoothRadius: 1, backgroundRadius: 12, minDensity: 0.25, contrast: 0.1 });
  assert.equal(mask[5 * width + 5], 0);
  assert.equal(mask[18 * width + 23], 1);
  assert.equal(mask[15 * width + 20], 1, 'the blob corner: smoothed 4/9 x 1 > 0.25');
  assert.equal(mask[10 * width + 10], 0);
});

test('twice-applied box weights sum to 1 at every position and match boxMean on an impulse', () => {
  for (const [length, radius] of [[1, 1], [2, 1], [7, 2], [20, 1]] as const) {
    const w = twiceBoxWeights(length, radius);
    const span = 4 * radius + 1;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = 0; k < span; k++) sum += w[i * span + k]!;
      assert.ok(Math.abs(sum - 1) < 1e-12, `length ${length} r ${radius} at ${i}: ${sum}`);
    }
    for (let q = 0; q < length; q++) {
      const impulse = new Float32Array(length);
      impulse[q] = 1;
      const blurred = boxMean(boxMean(impulse, length, 1, radius), length, 1, radius);
      for (let i = 0; i < length; i++) {
        const k = q - i + 2 * radius;
        const weight = k >= 0 && k < span ? w[i * span + k]! : 0;
        assert.ok(Math.abs(weight - blurred[i]!) < 1e-6, `length ${length} r ${radius}: weight of ${q} at ${i}`);
      }
    }
  }
});

test('summed-area table: any rectangle sum from four reads', () => {
  const random = seeded(5);
  const width = 13;
  const height = 9;
  const src = new Float32Array(width * height).map(() => random());
  const table = summedAreaTable(src, width, height);
  for (const [x0, y0, x1, y1] of [[0, 0, 13, 9], [2, 3, 7, 8], [12, 8, 13, 9], [5, 0, 6, 9]] as const) {
    let want = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) want += src[y * width + x]!;
    const s = width + 1;
    const got = table[y1 * s + x1]! - table[y0 * s + x1]! - table[y1 * s + x0]! + table[y0 * s + x0]!;
    assert.ok(Math.abs(got - want) < 1e-9, `${x0},${y0}-${x1},${y1}: ${got} vs ${want}`);
  }
});

test('block table: the summed-area table of 2 x 2 block sums, cut blocks at odd edges included', () => {
  const random = seeded(7);
  for (const [width, height] of [[5, 3], [4, 4], [1, 1], [7, 1], [9, 11]] as const) {
    const src = new Float32Array(width * height).map(() => random());
    const cw = (width + 1) >> 1;
    const ch = (height + 1) >> 1;
    const blocks = new Float32Array(cw * ch);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) blocks[(y >> 1) * cw + (x >> 1)]! += src[y * width + x]!;
    const want = summedAreaTable(blocks, cw, ch);
    const got = blockSummedAreaTable(src, width, height);
    assert.equal(got.length, want.length);
    for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-5, `${width}x${height} entry ${i}: ${got[i]} vs ${want[i]}`);
  }
});

test('the sparse 3 x 3 opening equals openSquare (random masks, edges, 1-px images)', () => {
  const random = seeded(23);
  for (const [width, height, density] of [[1, 1, 1], [1, 5, 0.9], [7, 1, 0.9], [9, 8, 0.6], [50, 40, 0.75], [50, 40, 0.3]] as const) {
    const mask = new Uint8Array(width * height).map(() => (random() < density ? 1 : 0));
    const pixels = Int32Array.from([...mask.keys()].filter((i) => mask[i] === 1));
    const got = openSparse3x3({ mask, pixels, count: pixels.length }, width, height);
    assert.deepEqual([...got], [...openSquare(mask, width, height, 1)], `${width}x${height} at ${density}`);
  }
});

test('marks above the floor made by the caller give the same mask as those made inside', () => {
  const random = seeded(31);
  const width = 96;
  const height = 72;
  const raw = density(width, height, random);
  const t: NucleusThreshold = { smoothRadius: 1, backgroundRadius: 12, minDensity: 0.25, contrast: 0.1 };
  const inside = sparseNucleusMask(raw, width, height, t);
  const above = aboveFloor(raw, t.minDensity);
  assert.ok(above.some((v) => v === 1) && above.some((v) => v === 0), 'the scene has pixels on both sides of the floor');
  const given = sparseNucleusMask(raw, width, height, t, above);
  assert.deepEqual(given.mask, inside.mask);
  assert.ok(inside.count > 0, 'some nucleus pixels found');
  // Marks that miss pixels above the floor lose the nuclei there: the marks are what is searched.
  const none = sparseNucleusMask(raw, width, height, t, new Uint8Array(raw.length));
  assert.equal(none.count, 0);
});
