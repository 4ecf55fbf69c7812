import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipBoxToSlices, cropBoxToSlice, cropBoxToSliceLocal } from '../../../../src-main/pipeline/extract/crop-box.ts';

const sliceA = { x: 36_000, y: 74_000, width: 2000, height: 2000 };
const sliceB = { x: 38_000, y: 74_000, width: 2000, height: 2000 };
const sliceC = { x: 36_000, y: 76_000, width: 2000, height: 2000 };
const sliceD = { x: 38_000, y: 76_000, width: 2000, height: 2000 };

test('cropBoxToSlice keeps the part inside the slice, level-0', () => {
  const box = { x: 37_900, y: 74_500, width: 300, height: 200 };
  assert.deepEqual(cropBoxToSlice(box, sliceA), { x: 37_900, y: 74_500, width: 100, height: 200 });
  assert.deepEqual(cropBoxToSlice(box, sliceB), { x: 38_000, y: 74_500, width: 200, height: 200 });
  assert.equal(cropBoxToSlice(box, sliceC), null);
  // Touching the border without overlap is no part.
  assert.equal(cropBoxToSlice({ x: 38_000, y: 74_000, width: 10, height: 10 }, sliceA), null);
});

test('cropBoxToSliceLocal gives slice pixels, as APACC label files need', () => {
  const box = { x: 37_900, y: 74_500, width: 300, height: 200 };
  assert.deepEqual(cropBoxToSliceLocal(box, sliceA), { x: 1900, y: 500, width: 100, height: 200 });
  assert.deepEqual(cropBoxToSliceLocal(box, sliceB), { x: 0, y: 500, width: 200, height: 200 });
  assert.equal(cropBoxToSliceLocal(box, sliceD), null);
});

test('clipBoxToSlices lists every slice a box touches, in the given order', () => {
  const corner = { x: 37_800, y: 75_850, width: 400, height: 300 };
  const parts = clipBoxToSlices(corner, [sliceA, sliceB, sliceC, sliceD]);
  assert.deepEqual(parts.map((p) => p.slice), [sliceA, sliceB, sliceC, sliceD]);
  assert.deepEqual(parts.map((p) => p.box), [
    { x: 37_800, y: 75_850, width: 200, height: 150 },
    { x: 38_000, y: 75_850, width: 200, height: 150 },
    { x: 37_800, y: 76_000, width: 200, height: 150 },
    { x: 38_000, y: 76_000, width: 200, height: 150 },
  ]);
  assert.equal(parts.reduce((sum, p) => sum + p.box.width * p.box.height, 0), corner.width * corner.height);
  assert.deepEqual(clipBoxToSlices({ x: 0, y: 0, width: 5, height: 5 }, [sliceA]), []);
});
