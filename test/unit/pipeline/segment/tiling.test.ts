// Tile planning and blend weights: full coverage, tiles the model accepts,
// and weights that hand over smoothly between neighbours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Blender, axisWeights, planAxis, planTiles } from '../../../../src-main/pipeline/segment/tiling.ts';

test('an image that fits one dynamic tile is run whole, padded to the multiple', () => {
  const plan = planAxis(532, { maxTile: 1024, multipleOf: 16, overlap: 64 });
  assert.deepEqual(plan, { tile: 544, starts: [0], overlap: 0 });
});

test('dynamic tiling picks the smallest tile that covers the axis with the overlap', () => {
  const plan = planAxis(2100, { maxTile: 1024, multipleOf: 16, overlap: 64 });
  assert.equal(plan.starts.length, 3);
  assert.equal(plan.tile % 16, 0);
  assert.ok(plan.tile <= 1024);
  assert.equal(plan.starts[0], 0);
  assert.equal(plan.starts.at(-1)! + plan.tile, 2100, 'last tile ends on the image edge');
  assert.ok(plan.overlap >= 64, `overlap ${plan.overlap}`);
});

test('fixed tiles cover the axis and end on the edge', () => {
  for (const length of [40, 41, 100, 257, 1000]) {
    const plan = planAxis(length, { fixedTile: 40, maxTile: 0, multipleOf: 1, overlap: 8 });
    assert.equal(plan.tile, 40);
    let covered = 0;
    for (const s of plan.starts) covered = Math.max(covered, s + 40);
    assert.ok(covered >= length);
    if (plan.starts.length > 1) {
      assert.equal(plan.starts.at(-1)! + 40, length);
      assert.ok(plan.overlap >= 8);
    }
  }
});

test('a fixed tile larger than the image gives one padded tile', () => {
  assert.deepEqual(planAxis(10, { fixedTile: 64, maxTile: 0, multipleOf: 1, overlap: 8 }), { tile: 64, starts: [0], overlap: 0 });
});

test('weights: full on image borders, zero on the trimmed inner edge, ramps summing to one', () => {
  const overlap = 16;
  const left = axisWeights(32, 0, 48, overlap); // tile 0..32 of a 48 axis; neighbour starts at 16
  const right = axisWeights(32, 16, 48, overlap);
  assert.equal(left[0], 1, 'image border keeps full weight');
  assert.equal(right[31], 1);
  assert.equal(right[0], 0, 'inner edge trimmed');
  assert.equal(left[31], 0);
  for (let x = 16; x < 32; x++) {
    const sum = left[x]! + right[x - 16]!;
    assert.ok(Math.abs(sum - 1) < 1e-6, `x=${x} sum ${sum}`);
  }
});

test('blending constant tiles gives the constant everywhere', () => {
  const xs = planAxis(100, { fixedTile: 32, maxTile: 0, multipleOf: 1, overlap: 12 });
  const ys = planAxis(70, { fixedTile: 32, maxTile: 0, multipleOf: 1, overlap: 12 });
  const blender = new Blender(100, 70, xs.overlap, ys.overlap);
  for (const t of planTiles(xs, ys)) blender.add(t, new Float32Array(32 * 32).fill(0.25));
  const out = blender.result();
  assert.ok(out.every((v) => Math.abs(v - 0.25) < 1e-6));
});

test('blending tiles cut from one map reproduces the map', () => {
  const width = 90;
  const height = 61;
  const map = new Float32Array(width * height).map((_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
  const xs = planAxis(width, { maxTile: 40, multipleOf: 8, overlap: 16 });
  const ys = planAxis(height, { maxTile: 40, multipleOf: 8, overlap: 16 });
  const blender = new Blender(width, height, xs.overlap, ys.overlap);
  for (const t of planTiles(xs, ys)) {
    const tile = new Float32Array(t.width * t.height);
    for (let y = 0; y < t.height; y++) {
      for (let x = 0; x < t.width; x++) {
        const sx = Math.min(width - 1, t.x + x);
        const sy = Math.min(height - 1, t.y + y);
        tile[y * t.width + x] = map[sy * width + sx]!;
      }
    }
    blender.add(t, tile);
  }
  const out = blender.result();
  for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i]! - map[i]!) < 1e-5, `pixel ${i}`);
});
