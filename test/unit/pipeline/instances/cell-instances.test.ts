// One candidate per cell on hand-made scenes: isolated, touching, overlapping
// cells each get their own box; overlapping nuclei make one cluster candidate;
// neutrophils make none; the same scene at two scan resolutions gives the same
// cells in micrometres.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box, Point } from '../../../../src-main/domain/geometry.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, detectNuclei, findCellInstances } from '../../../../src-main/pipeline/instances/index.ts';
import type { CellInstance } from '../../../../src-main/pipeline/instances/index.ts';
import { coarsenMask, neutrophil, renderScene } from './instance-scene.ts';
import type { SceneScene } from './instance-scene.ts';

const CONFIG = DEFAULT_CELL_INSTANCE_CONFIG;
const DETAIL_UM = CONFIG.nucleusUmPerPixel;

/** Runs the instance step on a scene as the pipeline would on a scan at `mpp`, slice = whole scene. */
function instancesOf(scene: SceneScene, mpp: number): CellInstance[] {
  const { image, mask } = renderScene(scene, DETAIL_UM);
  const factor = 2;
  const detailDownsample = DETAIL_UM / mpp;
  const slide: Box = { x: 0, y: 0, width: Math.round(scene.widthUm / mpp), height: Math.round(scene.heightUm / mpp) };
  return findCellInstances({
    detail: image, origin: { x: 0, y: 0 }, detailDownsample, cellMask: coarsenMask(mask, image.width, image.height, factor),
    factor, slice: slide, slide, mpp,
  }, CONFIG).instances;
}

function holds(box: Box, p: Point, mpp: number): boolean {
  const x = p.x / mpp;
  const y = p.y / mpp;
  return x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
}

const nearest = (list: CellInstance[], p: Point, mpp: number) => list.reduce((best, c) =>
  Math.hypot(c.nucleus!.x * mpp - p.x, c.nucleus!.y * mpp - p.y) < Math.hypot(best.nucleus!.x * mpp - p.x, best.nucleus!.y * mpp - p.y) ? c : best);

test('an isolated cell: one candidate, box = cell + padding, nucleus measured', () => {
  const mpp = 0.25;
  const [cell] = [{ x: 60, y: 60, radius: 20, nucleusRadius: 4 }];
  const found = instancesOf({ widthUm: 120, heightUm: 120, cells: [cell] }, mpp);
  assert.equal(found.length, 1);
  const c = found[0]!;
  assert.equal(c.kind, 'cell');
  assert.equal(c.nuclei, 1);
  const nucleusUm2 = (c.nucleusArea ?? 0) * mpp * mpp;
  assert.ok(Math.abs(nucleusUm2 - Math.PI * 16) < 12, `nucleus ${nucleusUm2.toFixed(1)} um^2`);
  assert.ok(Math.abs(c.nucleus!.x * mpp - 60) < 1 && Math.abs(c.nucleus!.y * mpp - 60) < 1);
  const sideUm = c.box.width * mpp;
  const expected = 2 * (cell.radius + CONFIG.paddingUm);
  assert.ok(Math.abs(sideUm - expected) <= 3, `box side ${sideUm} um, expected ~${expected}`);
});

test('two touching cells: two boxes, each holding its own nucleus nearer its centre', () => {
  const mpp = 0.25;
  const cells = [{ x: 40, y: 50, radius: 18, nucleusRadius: 4 }, { x: 76, y: 50, radius: 18, nucleusRadius: 4 }];
  const found = instancesOf({ widthUm: 120, heightUm: 100, cells }, mpp);
  assert.equal(found.length, 2);
  for (const cell of cells) {
    const c = nearest(found, cell, mpp);
    assert.ok(holds(c.box, cell, mpp));
    const boxCentreUm = (c.box.x + c.box.width / 2) * mpp;
    assert.ok(Math.abs(boxCentreUm - cell.x) < 8, `box centre ${boxCentreUm} um for a cell at ${cell.x}`);
  }
  assert.notDeepEqual(found[0]!.box, found[1]!.box);
});

test('three overlapping cells: three boxes that overlap, each on its own cell', () => {
  const mpp = 0.25;
  const cells = [{ x: 50, y: 50, radius: 20, nucleusRadius: 4 }, { x: 72, y: 52, radius: 20, nucleusRadius: 4 },
    { x: 60, y: 72, radius: 20, nucleusRadius: 4 }];
  const found = instancesOf({ widthUm: 130, heightUm: 130, cells }, mpp);
  assert.equal(found.filter((c) => c.kind === 'cell').length, 3);
  const mine = cells.map((cell) => nearest(found, cell, mpp));
  assert.equal(new Set(mine).size, 3, 'each cell has its own candidate');
  mine.forEach((c, i) => {
    assert.ok(holds(c.box, cells[i]!, mpp));
    assert.ok(Math.hypot(c.nucleus!.x * mpp - cells[i]!.x, c.nucleus!.y * mpp - cells[i]!.y) < 1.5);
  });
  const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  assert.ok(overlap(mine[0]!.box, mine[1]!.box) && overlap(mine[1]!.box, mine[2]!.box));
});

test('nuclei overlapping into one large blob: one cluster candidate with its nuclei counted', () => {
  const mpp = 0.25;
  // Six large (HSIL-like) nuclei piled on each other in one sheet.
  const cells = [0, 1, 2, 3, 4, 5].map((i) => ({ x: 50 + (i % 3) * 7, y: 50 + Math.floor(i / 3) * 7, radius: 14, nucleusRadius: 5.5 }));
  const found = instancesOf({ widthUm: 120, heightUm: 120, cells }, mpp);
  const clusters = found.filter((c) => c.kind === 'cluster');
  assert.equal(clusters.length, 1, `kinds: ${found.map((c) => c.kind).join(',')}`);
  assert.ok(clusters[0]!.nuclei >= 3, `estimated ${clusters[0]!.nuclei} nuclei`);
  for (const cell of cells) assert.ok(holds(clusters[0]!.box, cell, mpp));
});

test('neutrophils on glass give no candidate, a small abnormal cell does', () => {
  const mpp = 0.25;
  const lobes = [[20, 20], [40, 25], [60, 18], [25, 60], [45, 80], [80, 90]].flatMap(([x, y]) => neutrophil(x!, y!));
  // HSIL-like: 16 um cell, 11 um nucleus (high N:C), in the middle of the crowd.
  const abnormal = { x: 60, y: 55, radius: 8, nucleusRadius: 5.5 };
  const map = detectNuclei(renderScene({ widthUm: 100, heightUm: 100, cells: [], lobes }, DETAIL_UM).image, CONFIG);
  assert.ok(map.nuclei.length >= 6, `lobes found: ${map.nuclei.length}`);
  assert.equal(instancesOf({ widthUm: 100, heightUm: 100, cells: [], lobes }, mpp).length, 0);
  const found = instancesOf({ widthUm: 100, heightUm: 100, cells: [abnormal], lobes }, mpp);
  assert.equal(found.length, 1);
  assert.ok(holds(found[0]!.box, abnormal, mpp));
});

test('a small pyknotic nucleus inside a large cell counts, thanks to its cytoplasm', () => {
  const mpp = 0.25;
  const superficial = { x: 50, y: 50, radius: 28, nucleusRadius: 2.2 };
  const found = instancesOf({ widthUm: 100, heightUm: 100, cells: [superficial] }, mpp);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.nuclei, 1);
  assert.ok(found[0]!.box.width * mpp > 2 * superficial.radius);
});

test('the same cells scanned at 0.25 and 0.5 um/px come out the same in micrometres', () => {
  const scene: SceneScene = { widthUm: 200, heightUm: 160, cells: [
    { x: 40, y: 40, radius: 18, nucleusRadius: 4 }, { x: 72, y: 44, radius: 16, nucleusRadius: 4.5 },
    { x: 140, y: 100, radius: 25, nucleusRadius: 3 }, { x: 60, y: 120, radius: 12, nucleusRadius: 5 },
  ] };
  const at = (mpp: number) => instancesOf(scene, mpp)
    .map((c) => ({ x: c.box.x * mpp, y: c.box.y * mpp, w: c.box.width * mpp, h: c.box.height * mpp, area: c.area * mpp * mpp }))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const fine = at(0.25);
  const coarse = at(0.5);
  assert.equal(fine.length, 4);
  assert.equal(coarse.length, fine.length);
  fine.forEach((f, i) => {
    const c = coarse[i]!;
    for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(f[k] - c[k]) <= 1, `${k}: ${f[k]} vs ${c[k]} um`);
    assert.ok(Math.abs(f.area - c.area) / f.area < 0.03, `area ${f.area} vs ${c.area} um^2`);
  });
});

test('a cell whose nucleus lies outside the slice belongs to the neighbour slice', () => {
  const mpp = 0.25;
  const scene = { widthUm: 120, heightUm: 60, cells: [{ x: 25, y: 30, radius: 15, nucleusRadius: 4 }, { x: 95, y: 30, radius: 15, nucleusRadius: 4 }] };
  const { image, mask } = renderScene(scene, DETAIL_UM);
  const slide = { x: 0, y: 0, width: 480, height: 240 };
  const left = { x: 0, y: 0, width: 240, height: 240 };
  const result = findCellInstances({
    detail: image, origin: { x: 0, y: 0 }, detailDownsample: DETAIL_UM / mpp,
    cellMask: coarsenMask(mask, image.width, image.height, 2), factor: 2, slice: left, slide, mpp,
  }, CONFIG);
  assert.equal(result.instances.length, 1);
  assert.equal(result.stats.notOwned, 1);
  assert.ok(result.instances[0]!.nucleus!.x < 240);
});

test('a mask of the wrong size is refused', () => {
  const { image } = renderScene({ widthUm: 20, heightUm: 20, cells: [] }, DETAIL_UM);
  assert.throws(() => findCellInstances({
    detail: image, origin: { x: 0, y: 0 }, detailDownsample: 2, cellMask: new Uint8Array(3), factor: 2,
    slice: { x: 0, y: 0, width: 80, height: 80 }, slide: { x: 0, y: 0, width: 80, height: 80 }, mpp: 0.25,
  }, CONFIG), /cell mask has 3 px, expected 20x20/);
});
