// The seeded split of a cell mask: touching cells part between their nuclei,
// overlapping cells each keep their own side, reach is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCellsBySeeds } from '../../../../src-main/pipeline/instances/split-cells.ts';

function discs(width: number, height: number, list: Array<[number, number, number]>): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (list.some(([cx, cy, r]) => Math.hypot(x - cx, y - cy) <= r)) mask[y * width + x] = 1;
    }
  }
  return mask;
}

function seedAt(width: number, height: number, points: Array<[number, number]>): Int32Array {
  const seeds = new Int32Array(width * height);
  points.forEach(([x, y], i) => { seeds[y * width + x] = i + 1; });
  return seeds;
}

function columnsOf(regions: Int32Array, width: number, label: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  regions.forEach((l, i) => {
    if (l !== label) return;
    min = Math.min(min, i % width);
    max = Math.max(max, i % width);
  });
  return { min, max };
}

test('two touching cells part half-way between their nuclei', () => {
  const [w, h] = [60, 30];
  const mask = discs(w, h, [[15, 15, 12], [39, 15, 12]]);
  const { regions, areas } = splitCellsBySeeds(mask, seedAt(w, h, [[15, 15], [39, 15]]), w, h, 2, 100);
  const left = columnsOf(regions, w, 1);
  const right = columnsOf(regions, w, 2);
  assert.equal(left.min, 3);
  assert.equal(right.max, 51);
  // The contact is at x = 27; each side stops within a pixel of it.
  assert.ok(Math.abs(left.max - 27) <= 1 && Math.abs(right.min - 27) <= 1, `split at ${left.max}/${right.min}`);
  assert.ok(Math.abs(areas[1]! - areas[2]!) <= 30, `areas ${areas[1]} vs ${areas[2]}`);
  assert.equal(areas[1]! + areas[2]!, mask.reduce((a, b) => a + b, 0));
});

test('three overlapping cells each get a region around their own nucleus', () => {
  const [w, h] = [80, 80];
  const centres: Array<[number, number]> = [[28, 30], [52, 30], [40, 52]];
  const mask = discs(w, h, centres.map(([x, y]) => [x, y, 16]));
  const { regions, areas } = splitCellsBySeeds(mask, seedAt(w, h, centres), w, h, 3, 100);
  for (let label = 1; label <= 3; label++) {
    const [cx, cy] = centres[label - 1]!;
    assert.equal(regions[cy * w + cx], label);
    assert.ok(areas[label]! > 400, `cell ${label} has ${areas[label]} px`);
  }
  // A point nearer one nucleus belongs to it even where the discs overlap.
  assert.equal(regions[30 * w + 33], 1);
  assert.equal(regions[30 * w + 47], 2);
  assert.equal(regions[47 * w + 40], 3);
});

test('background stays unclaimed, reach is bounded, and unseeded components are left alone', () => {
  const [w, h] = [100, 20];
  const mask = discs(w, h, [[10, 10, 8]]);
  for (let x = 18; x < 100; x++) mask[10 * w + x] = 1; // a long strand joined to the cell
  const lone = discs(w, h, [[90, 3, 2]]);
  lone.forEach((v, i) => { if (v) mask[i] = 1; });
  const { regions } = splitCellsBySeeds(mask, seedAt(w, h, [[10, 10]]), w, h, 1, 30);
  assert.equal(regions[0], 0);
  assert.equal(regions[10 * w + 40], 1);
  assert.equal(regions[10 * w + 41], 0, 'beyond 30 px along the mask');
  assert.equal(regions[3 * w + 90], 0, 'a component with no seed');
});

test('mismatched sizes and bad seed labels are refused', () => {
  assert.throws(() => splitCellsBySeeds(new Uint8Array(4), new Int32Array(3), 2, 2, 1, 5), /must both be 2x2/);
  const seeds = new Int32Array(4);
  seeds[0] = 3;
  assert.throws(() => splitCellsBySeeds(new Uint8Array(4), seeds, 2, 2, 2, 5), /seed label 3 outside 1\.\.2/);
});
