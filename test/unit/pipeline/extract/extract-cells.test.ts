// Hand-made masks with known answers. Expected shape numbers (areas, bounding
// boxes, perimeters, solidity, eccentricity) were computed once with Debian's
// /usr/bin/python3 and scikit-image 0.19.3 on the same masks (numpy mgrid discs
// (x-cx)^2+(y-cy)^2 <= r^2; label(connectivity=2), binary_erosion(np.ones((3, 3)))
// k times, regionprops) and are pasted here; the boxes also follow by hand
// from those bounding boxes, as each test says.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extractCells } from '../../../../src-main/pipeline/extract/extract-cells.ts';
import type { MaskPlacement } from '../../../../src-main/pipeline/extract/extract-cells.ts';
import { ExtractInputError } from '../../../../src-main/pipeline/extract/extract-error.ts';
import type { Mask } from '../../../../src-main/pipeline/mask.ts';
import { blankMask, drawDisc, drawRect, eraseDisc, maskFromRows } from './mask-drawing.ts';

const SLIDE = { x: 0, y: 0, width: 100_000, height: 200_000 };
/** Keep everything: only the test's own threshold decides. */
const KEEP_ALL = { minArea: 0, maxArea: 1e12, minRoundness: 0, maxComponentArea: 1e12, padding: 0, erosionIterations: 0 };

/** A mask placed at level-0 (1000, 2000) that is exactly its slice. */
function ownSlice(mask: Mask): MaskPlacement {
  const origin = { x: 1000, y: 2000 };
  return { origin, slice: { ...origin, width: mask.width * mask.downsample, height: mask.height * mask.downsample }, slide: SLIDE };
}

test('a single disc: eroded, grown back by the erosion, padded, in level-0 numbers', () => {
  const mask = drawDisc(blankMask(100, 100), 50, 50, 20);
  const { candidates, stats } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, erosionIterations: 2, padding: 5, mode: 'paper' });
  assert.equal(candidates.length, 1);
  const c = candidates[0]!;
  // skimage after 2 erosions: area 957, bbox rows/cols 33..67 (exclusive 68), centroid (50, 50),
  // perimeter 112.5685424949238. Grown back by 2: 31..69 -> 39 px; padded by 5: 26..74 -> 49 px.
  assert.deepEqual(c.cellBox, { x: 1031, y: 2031, width: 39, height: 39 });
  assert.deepEqual(c.box, { x: 1026, y: 2026, width: 49, height: 49 });
  assert.deepEqual(c.centre, { x: 1050.5, y: 2050.5 });
  assert.equal(c.area, 957);
  assert.ok(Math.abs(c.perimeter - 112.5685424949238) < 1e-9);
  assert.ok(Math.abs(c.roundness - 0.949046989301619) < 1e-12);
  assert.equal(c.eccentricity, 0);
  assert.deepEqual(c.cropCentreInSlice, { x: 50, y: 50 });
  assert.equal(c.cutByMaskEdge, false);
  assert.equal(stats.kept, 1);
});

test('two touching discs: the erosion splits them into two candidates with their own boxes', () => {
  // Discs r=20 at (40, 40) and (78, 40): one component joined by a 13 px neck.
  const mask = drawDisc(drawDisc(blankMask(120, 80), 40, 40, 20), 78, 40, 20);
  const config = { ...KEEP_ALL, mode: 'paper' as const };
  assert.equal(extractCells(mask, ownSlice(mask), { ...config, erosionIterations: 6 }).candidates.length, 1);
  const { candidates, stats } = extractCells(mask, ownSlice(mask), { ...config, erosionIterations: 7 });
  assert.equal(stats.components, 1);
  assert.equal(candidates.length, 2);
  // skimage after 7 erosions: bboxes rows 29..51, cols 29..51 and 67..89, area 361 each; grown back by 7.
  assert.deepEqual(candidates.map((c) => c.box), [
    { x: 1022, y: 2022, width: 37, height: 37 },
    { x: 1060, y: 2022, width: 37, height: 37 },
  ]);
  assert.deepEqual(candidates.map((c) => c.area), [361, 361]);
  assert.deepEqual(candidates.map((c) => c.centre), [{ x: 1040.5, y: 2040.5 }, { x: 1078.5, y: 2040.5 }]);
});

test('a component over maxComponentArea is dropped before erosion', () => {
  const mask = drawDisc(drawRect(blankMask(120, 60), 5, 5, 50, 50), 90, 30, 10);
  const { candidates, stats } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', maxComponentArea: 2_000 });
  assert.equal(stats.components, 2);
  assert.equal(stats.droppedLarge, 1);
  assert.equal(candidates.length, 1);
  assert.deepEqual(candidates[0]!.box, { x: 1080, y: 2020, width: 21, height: 21 });
  // The limit is strict: a component of exactly maxComponentArea stays.
  assert.equal(extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', maxComponentArea: 2_500 }).stats.droppedLarge, 0);
});

test('a thin streak is dropped by roundness, a disc of similar area is kept', () => {
  const mask = drawDisc(drawRect(blankMask(120, 80), 10, 10, 100, 4), 60, 50, 12);
  const config = { ...KEEP_ALL, mode: 'paper' as const, erosionIterations: 1 };
  const all = extractCells(mask, ownSlice(mask), config);
  assert.equal(all.candidates.length, 2);
  assert.ok(all.candidates[0]!.roundness < 0.1, `streak roundness ${all.candidates[0]!.roundness}`);
  const { candidates, stats } = extractCells(mask, ownSlice(mask), { ...config, minRoundness: 0.5 });
  assert.equal(stats.rejectedRoundness, 1);
  assert.equal(candidates.length, 1);
  assert.deepEqual(candidates[0]!.centre, { x: 1060.5, y: 2050.5 });
});

test('area range is inclusive and in level-0 px^2', () => {
  const mask = drawRect(blankMask(20, 20), 5, 5, 10, 10); // 100 mask px = 1,600 level-0 px^2 at downsample 4
  mask.downsample = 4;
  const at = (minArea: number, maxArea: number) =>
    extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', minArea, maxArea }).candidates.length;
  assert.equal(at(1600, 1600), 1);
  assert.equal(at(1601, 5000), 0);
  assert.equal(at(0, 1599), 0);
});

test('downsample: boxes, centre, area and perimeter come back in level-0 pixels', () => {
  // 7x7 square at mask (9..15) with downsample 4; one erosion leaves 5x5 at (10..14).
  const mask = drawRect(blankMask(25, 25, 4), 9, 9, 7, 7);
  const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', erosionIterations: 1, padding: 10 });
  const c = candidates[0]!;
  assert.deepEqual(c.cellBox, { x: 1000 + 9 * 4, y: 2000 + 9 * 4, width: 7 * 4, height: 7 * 4 });
  assert.deepEqual(c.box, { x: 1026, y: 2026, width: 48, height: 48 });
  assert.deepEqual(c.centre, { x: 1000 + 12.5 * 4, y: 2000 + 12.5 * 4 });
  assert.equal(c.area, 25 * 16);
  assert.equal(c.perimeter, 16 * 4); // skimage perimeter of a 5x5 square is 16 mask px
});

test('8-connectivity: squares touching only at a corner are one candidate', () => {
  const mask = drawRect(drawRect(blankMask(30, 30), 10, 10, 5, 5), 15, 15, 5, 5);
  const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper' });
  assert.equal(candidates.length, 1);
  assert.deepEqual(candidates[0]!.box, { x: 1010, y: 2010, width: 10, height: 10 });
  assert.equal(candidates[0]!.area, 50);
});

test('candidates come in label order: raster order of each component\'s first pixel', () => {
  const mask = maskFromRows([
    '..........',
    '.......##.',
    '.##....##.',
    '.##.......',
    '.##.......',
  ]);
  const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper' });
  assert.deepEqual(candidates.map((c) => c.box.x - 1000), [7, 1]);
});

test('the mask edge does not erode (skimage border_value=True) and paper mode clamps to the slice', () => {
  const mask = drawRect(blankMask(40, 40), 0, 10, 10, 10);
  const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', erosionIterations: 2, padding: 3 });
  // Eroded: cols 0..7 (nothing taken from the edge side), rows 12..17; grown back: cols -2..9, rows 10..19.
  assert.deepEqual(candidates[0]!.cellBox, { x: 1000, y: 2010, width: 10, height: 10 });
  assert.deepEqual(candidates[0]!.box, { x: 1000, y: 2007, width: 13, height: 16 });
  assert.equal(candidates[0]!.cutByMaskEdge, true);
});

describe('a disc r=20 centred at level-0 (110, 50), across the border of two side-by-side slices', () => {
  const slide = { x: 0, y: 0, width: 200, height: 100 };
  const sliceA = { x: 0, y: 0, width: 100, height: 100 };
  const sliceB = { x: 100, y: 0, width: 100, height: 100 };
  const world = drawDisc(blankMask(200, 100), 110, 50, 20);
  const window = (x0: number, width: number): Mask => {
    const m = blankMask(width, 100);
    for (let y = 0; y < 100; y++) m.data.set(world.data.subarray(y * 200 + x0, y * 200 + x0 + width), y * width);
    return m;
  };
  const config = { ...KEEP_ALL, erosionIterations: 2, padding: 5 };

  test('paper mode: a cell cut by the slice border appears once per side, clamped to each slice', () => {
    const a = extractCells(window(0, 100), { origin: { x: 0, y: 0 }, slice: sliceA, slide }, { ...config, mode: 'paper' });
    const b = extractCells(window(100, 100), { origin: { x: 100, y: 0 }, slice: sliceB, slide }, { ...config, mode: 'paper' });
    // Values from the skimage reference on the same slice masks.
    assert.deepEqual(a.candidates.map((c) => c.box), [{ x: 86, y: 30, width: 14, height: 41 }]);
    assert.deepEqual(b.candidates.map((c) => c.box), [{ x: 100, y: 26, width: 35, height: 49 }]);
    assert.deepEqual([a.candidates[0]!.area, b.candidates[0]!.area], [135, 826]);
    assert.ok(a.candidates[0]!.cutByMaskEdge && b.candidates[0]!.cutByMaskEdge);
    // Paper mode ignores the margin: the same answer from a mask that carries one.
    const withMargin = extractCells(window(0, 140), { origin: { x: 0, y: 0 }, slice: sliceA, slide }, { ...config, mode: 'paper' });
    assert.deepEqual(withMargin.candidates, a.candidates);
  });

  test('whole-cell mode: kept once, by the slice holding its centroid, with its full box', () => {
    const a = extractCells(window(0, 140), { origin: { x: 0, y: 0 }, slice: sliceA, slide }, config);
    const b = extractCells(window(60, 140), { origin: { x: 60, y: 0 }, slice: sliceB, slide }, config);
    assert.equal(a.candidates.length, 0);
    assert.equal(a.stats.notOwned, 1);
    assert.equal(b.candidates.length, 1);
    const c = b.candidates[0]!;
    assert.deepEqual(c.centre, { x: 110.5, y: 50.5 });
    // Same numbers as the single-disc test, shifted: the box reaches back into slice A.
    assert.deepEqual(c.box, { x: 86, y: 26, width: 49, height: 49 });
    assert.equal(c.area, 957);
    assert.deepEqual(c.cropCentreInSlice, { x: 10, y: 50 });
    assert.equal(c.cutByMaskEdge, false);
  });

  test('whole-cell mode clamps boxes to the slide, not the slice', () => {
    const edge = drawDisc(blankMask(100, 100), 8, 50, 20);
    const { candidates } = extractCells(edge, { origin: { x: 0, y: 0 }, slice: sliceA, slide }, config);
    assert.equal(candidates.length, 1);
    assert.equal(candidates[0]!.box.x, 0);
    assert.equal(candidates[0]!.cutByMaskEdge, false); // the mask edge there is the slide's edge
  });
});

test('shape measures equal skimage regionprops on a few shapes', () => {
  // [mask, area, perimeter, solidity, eccentricity] from skimage 0.19.3 regionprops (see header).
  const cases: [string, Mask, number, number, number, number][] = [
    ['disc r20', drawDisc(blankMask(100, 100), 50, 50, 20), 1257, 131.88225099390854, 0.9632183908045977, 0],
    ['square 10', drawRect(blankMask(40, 40), 10, 10, 10, 10), 100, 36, 1, 0],
    ['L shape', drawRect(drawRect(blankMask(40, 40), 5, 5, 7, 30), 5, 28, 25, 7), 336, 105.41421356237309,
      0.6292134831460674, 0.8541069349582191],
    ['ring 15/7', eraseDisc(drawDisc(blankMask(50, 50), 25, 25, 15), 25, 25, 7), 560, 148.8528137423857, 0.7557354925775979, 0],
    ['tilted ellipse', tiltedEllipse(), 501, 93.7401153701776, 0.9690522243713733, 0.9188433756222003],
  ];
  for (const [name, mask, area, perimeter, solidity, eccentricity] of cases) {
    const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper' });
    assert.equal(candidates.length, 1, name);
    const c = candidates[0]!;
    assert.equal(c.area, area, name);
    assert.ok(Math.abs(c.perimeter - perimeter) < 1e-9, `${name} perimeter ${c.perimeter}`);
    assert.ok(Math.abs(c.roundness - (4 * Math.PI * area) / perimeter ** 2) < 1e-12, `${name} roundness`);
    assert.ok(Math.abs(c.solidity - solidity) < 1e-12, `${name} solidity ${c.solidity}`);
    assert.ok(Math.abs(c.eccentricity - eccentricity) < 1e-9, `${name} eccentricity ${c.eccentricity}`);
  }
});

function tiltedEllipse(): Mask {
  // numpy: ((x-40)*0.8+(y-30)*0.6)**2/400 + (-(x-40)*0.6+(y-30)*0.8)**2/64 <= 1 on an 80 x 60 grid.
  const mask = blankMask(80, 60);
  for (let y = 0; y < 60; y++) {
    for (let x = 0; x < 80; x++) {
      const u = (x - 40) * 0.8 + (y - 30) * 0.6;
      const v = -(x - 40) * 0.6 + (y - 30) * 0.8;
      if ((u * u) / 400 + (v * v) / 64 <= 1) mask.data[y * 80 + x] = 1;
    }
  }
  return mask;
}

test('solidity and eccentricity filters work when switched on', () => {
  const mask = drawDisc(drawRect(drawRect(blankMask(100, 40), 5, 5, 7, 30), 5, 28, 25, 7), 70, 20, 12);
  const base = { ...KEEP_ALL, mode: 'paper' as const };
  const bySolidity = extractCells(mask, ownSlice(mask), { ...base, minSolidity: 0.8 });
  assert.equal(bySolidity.stats.rejectedSolidity, 1);
  assert.deepEqual(bySolidity.candidates.map((c) => c.centre), [{ x: 1070.5, y: 2020.5 }]);
  const byEccentricity = extractCells(mask, ownSlice(mask), { ...base, maxEccentricity: 0.5 });
  assert.equal(byEccentricity.stats.rejectedEccentricity, 1);
  assert.equal(byEccentricity.candidates.length, 1);
});

test('values other than 0 count as set, and the mask is not changed', () => {
  const mask = drawRect(blankMask(20, 20), 4, 4, 6, 6);
  mask.data.forEach((v, i) => { if (v) mask.data[i] = 255; });
  const before = Uint8Array.from(mask.data);
  const { candidates } = extractCells(mask, ownSlice(mask), { ...KEEP_ALL, mode: 'paper', erosionIterations: 1 });
  assert.equal(candidates.length, 1);
  assert.equal(candidates[0]!.area, 16);
  assert.deepEqual(mask.data, before);
});

test('bad masks and placements are refused with a message naming the problem', () => {
  const mask = blankMask(10, 10);
  const place = ownSlice(mask);
  const refuses = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) =>
    e instanceof ExtractInputError && e.code === 'EXTRACT_BAD_INPUT' && pattern.test(e.message));
  refuses(() => extractCells({ ...mask, data: new Uint8Array(5) }, place), /mask data must be a Uint8Array of width\*height = 100 bytes \(got 5\)/);
  refuses(() => extractCells({ ...mask, downsample: 0 }, place), /downsample must be a finite number > 0 \(got 0\)/);
  refuses(() => extractCells({ ...mask, width: 0, data: new Uint8Array(0) }, place), /mask size/);
  refuses(() => extractCells(mask, { ...place, slice: { ...place.slice, width: 20 } }), /does not cover the slice/);
  refuses(() => extractCells(mask, { ...place, slice: { ...place.slice, x: 100_000 } }), /not inside the slide/);
  refuses(() => extractCells(mask, { ...place, origin: { x: 0.5, y: 0 } }), /origin must be whole/);
  const coarse = blankMask(10, 10, 4);
  const misaligned = { origin: { x: 0, y: 0 }, slice: { x: 2, y: 0, width: 36, height: 40 }, slide: SLIDE };
  // A slice off the mask grid (a scan whose mpp does not divide it) is read with its partial edge pixels.
  assert.deepEqual(extractCells(coarse, misaligned, { mode: 'paper' }).candidates, []);
  assert.deepEqual(extractCells(coarse, misaligned).candidates, []);
});

test('missing mask or placement parts are refused, not crashed on', () => {
  const mask = blankMask(10, 10);
  const place = ownSlice(mask);
  const refuses = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) =>
    e instanceof ExtractInputError && pattern.test(e.message));
  refuses(() => extractCells(undefined as unknown as Mask, place), /mask must be an object \(got undefined\)/);
  refuses(() => extractCells(mask, null as unknown as MaskPlacement), /placement must be an object \(got null\)/);
  refuses(() => extractCells(mask, { ...place, slice: undefined as unknown as MaskPlacement['slice'] }), /placement slice must be a non-empty whole-pixel box \(got undefined\)/);
  refuses(() => extractCells(mask, { ...place, slide: { x: 0, y: 0, width: -1, height: 5 } }), /placement slide .*"width":-1/);
});
