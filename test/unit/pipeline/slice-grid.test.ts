import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldOfView } from '../../../src-main/pipeline/fov.ts';
import { planSliceGrid, tissueFraction } from '../../../src-main/pipeline/slice-grid.ts';

/** FOV at downsample 100: a 100x100 px mask = 10,000 x 10,000 level-0 px. */
function fovWith(fill: (fx: number, fy: number) => boolean): FieldOfView {
  const width = 100, height = 100;
  const mask = new Uint8Array(width * height);
  let minX = 1e9, minY = 1e9, maxX = -1, maxY = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!fill(x, y)) continue;
    mask[y * width + x] = 1;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  return {
    level: 0, downsample: 100, width, height, mask, threshold: 200, tissuePixels: 0,
    bbox: maxX < 0 ? null : { x: minX * 100, y: minY * 100, width: (maxX - minX + 1) * 100, height: (maxY - minY + 1) * 100 },
  };
}

test('grid is anchored at multiples of the slice size and covers the smear bbox', () => {
  // Smear from level-0 x 2500..6499, y 4100..5099.
  const fov = fovWith((x, y) => x >= 25 && x < 65 && y >= 41 && y < 51);
  const slices = planSliceGrid(fov, 10000, 10000, { sliceSize: 2000, minTissueFraction: 0 });
  assert.deepEqual(slices.map((s) => `${s.x}_${s.y}`), ['2000_4000', '4000_4000', '6000_4000']);
  for (const s of slices) assert.equal(s.width, 2000);
  // slice 2000_4000: smear covers x 2500..3999 (15 px) and y 4100..5099 (10 px) of a 20x20 px slice.
  assert.equal(slices[0]?.tissueFraction, (15 * 10) / 400);
});

test('slices below the tissue threshold are dropped', () => {
  const fov = fovWith((x, y) => (x >= 0 && x < 20 && y >= 0 && y < 20) || (x === 39 && y === 0));
  const slices = planSliceGrid(fov, 10000, 10000, { sliceSize: 2000, minTissueFraction: 0.05 });
  assert.deepEqual(slices.map((s) => `${s.x}_${s.y}`), ['0_0']);
  assert.equal(tissueFraction(fov, 2000, 0, 2000, 2000), 1 / 400);
});

test('a slice reaching past the slide edge is clipped to the slide', () => {
  const fov = fovWith((x, y) => x >= 90 && y >= 90);
  const slices = planSliceGrid(fov, 9500, 9700, { sliceSize: 2000, minTissueFraction: 0 });
  assert.deepEqual(slices.map((s) => [s.x, s.y, s.width, s.height]), [[8000, 8000, 1500, 1700]]);
});

test('no smear, no slices; bad config is refused with a clear message', () => {
  assert.deepEqual(planSliceGrid(fovWith(() => false), 10000, 10000), []);
  assert.throws(() => planSliceGrid(fovWith(() => true), 10000, 10000, { sliceSize: 10, minTissueFraction: 0 }), /slice size/);
  assert.throws(() => planSliceGrid(fovWith(() => true), 10000, 10000, { sliceSize: 2000, minTissueFraction: 2 }), /tissue fraction/);
});
