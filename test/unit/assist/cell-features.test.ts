// Cell features on synthetic crops: a dark nucleus disc of known size inside
// a pale cytoplasm disc on glass, at 0.25 um/px, with and without the stored
// nucleus point, plus the input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CELL_FEATURE_COUNT, CELL_FEATURE_NAMES, cellFeatures, findCellNucleus } from '../../../src-main/assist/cell-features.ts';
import type { CellFeatureInput, CellMeasures } from '../../../src-main/assist/cell-features.ts';

const MPP = 0.25;
const SIDE = 240; // 60 um
const NUCLEUS_R_UM = 5; // 78.5 um^2
const CELL_R_UM = 20; // 1256.6 um^2
const GLASS = [235, 235, 240];
const CYTOPLASM = [150, 200, 205]; // pale cyan
const NUCLEUS = [60, 50, 110]; // dark blue-purple

function scene(nucleusRUm = NUCLEUS_R_UM, nucleusColour = NUCLEUS, centre = { x: SIDE / 2, y: SIDE / 2 }): Uint8Array {
  const data = new Uint8Array(SIDE * SIDE * 4);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const d = Math.hypot(x + 0.5 - SIDE / 2, y + 0.5 - SIDE / 2) * MPP;
      const dn = Math.hypot(x + 0.5 - centre.x, y + 0.5 - centre.y) * MPP;
      const c = dn <= nucleusRUm ? nucleusColour : d <= CELL_R_UM ? CYTOPLASM : GLASS;
      data.set([c[0]!, c[1]!, c[2]!, 255], (y * SIDE + x) * 4);
    }
  }
  return data;
}

function measures(overrides: Partial<CellMeasures> = {}): CellMeasures {
  const cellAreaPx = (Math.PI * CELL_R_UM ** 2) / (MPP * MPP);
  return {
    box: { x: 1000, y: 2000, width: SIDE, height: SIDE }, area: cellAreaPx, perimeter: null, roundness: null, solidity: null, eccentricity: null,
    kind: 'cell', nucleus: { x: 1000 + SIDE / 2, y: 2000 + SIDE / 2 }, nucleusArea: null, nuclei: 1, ...overrides,
  };
}

function input(data: Uint8Array, cell: CellMeasures): CellFeatureInput {
  return { crop: { data, width: SIDE, height: SIDE, channels: 4 }, cell, mpp: MPP };
}

const feature = (v: Float64Array, name: (typeof CELL_FEATURE_NAMES)[number]) => v[CELL_FEATURE_NAMES.indexOf(name)]!;

test('a drawn dark disc: nucleus area and N:C ratio near the drawn values', () => {
  const v = cellFeatures(input(scene(), measures()));
  assert.equal(v.length, CELL_FEATURE_COUNT);
  const drawn = Math.PI * NUCLEUS_R_UM ** 2;
  assert.ok(Math.abs(feature(v, 'nucleusAreaUm2') - drawn) / drawn < 0.08, `nucleus ${feature(v, 'nucleusAreaUm2')} um^2, drawn ${drawn.toFixed(1)}`);
  assert.ok(Math.abs(feature(v, 'nucleusDiameterUm') - 2 * NUCLEUS_R_UM) < 0.4);
  const nc = drawn / (Math.PI * CELL_R_UM ** 2);
  assert.ok(Math.abs(feature(v, 'ncRatio') - nc) / nc < 0.08, `N:C ${feature(v, 'ncRatio')}, drawn ${nc.toFixed(4)}`);
  assert.equal(feature(v, 'nucleusGiven'), 1);
  assert.equal(feature(v, 'nucleusFound'), 1);
  assert.ok(Math.abs(feature(v, 'cellAreaUm2') - Math.PI * CELL_R_UM ** 2) < 1);
  // Cytoplasm is looked for in the ellipse inside the box less its 12.5 um padding: here a disc
  // of (60 - 25) / 2 = 17.5 um radius, all of it cell, less the nucleus.
  const cytoplasm = Math.PI * 17.5 ** 2 - drawn;
  assert.ok(Math.abs(feature(v, 'cytoplasmAreaUm2') - cytoplasm) / cytoplasm < 0.03, `cytoplasm ${feature(v, 'cytoplasmAreaUm2')} um^2, expected ${cytoplasm.toFixed(0)}`);
  assert.ok(feature(v, 'nucleusElongation') < 0.1, 'a disc is round');
  assert.ok(feature(v, 'nucleusDensityStd') < 0.01, 'a flat disc has no texture');
  // Colour: the nucleus absorbs red most, the cyan cytoplasm red more than blue.
  assert.ok(feature(v, 'nucleusOdRed') > feature(v, 'nucleusOdBlue'));
  assert.ok(feature(v, 'nucleusContrast') > 0.5);
});

test('without a stored nucleus point the darkest blob near the centre is found', () => {
  const offCentre = { x: SIDE / 2 + 16, y: SIDE / 2 - 12 }; // 5 um right, 3 um up
  const cell = measures({ nucleus: null, nucleusArea: null, nuclei: 0 });
  const nucleus = findCellNucleus(input(scene(NUCLEUS_R_UM, NUCLEUS, offCentre), cell));
  assert.ok(nucleus);
  const drawnPx = (Math.PI * NUCLEUS_R_UM ** 2) / (MPP * MPP);
  assert.ok(Math.abs(nucleus.area - drawnPx) / drawnPx < 0.08, `found ${nucleus.area} px, drawn ${drawnPx.toFixed(0)}`);
  // Its centroid is the drawn centre.
  let sx = 0, sy = 0;
  for (let y = 0; y < nucleus.h; y++) for (let x = 0; x < nucleus.w; x++) if (nucleus.mask[y * nucleus.w + x]) { sx += nucleus.x0 + x + 0.5; sy += nucleus.y0 + y + 0.5; }
  assert.ok(Math.hypot(sx / nucleus.area - offCentre.x, sy / nucleus.area - offCentre.y) < 1);
  const v = cellFeatures(input(scene(NUCLEUS_R_UM, NUCLEUS, offCentre), cell));
  assert.equal(feature(v, 'nucleusGiven'), 0);
  assert.equal(feature(v, 'nucleusFound'), 1);
});

test('a bigger, darker nucleus scores bigger and darker; a stored nucleus area is used as given', () => {
  const small = cellFeatures(input(scene(4, [90, 80, 130]), measures()));
  const big = cellFeatures(input(scene(7, [40, 30, 90]), measures()));
  assert.ok(feature(big, 'nucleusAreaUm2') > 2.5 * feature(small, 'nucleusAreaUm2'));
  assert.ok(feature(big, 'nucleusDensity') > feature(small, 'nucleusDensity') + 0.2);
  assert.ok(feature(big, 'ringDensity6') > feature(small, 'ringDensity6'));
  const given = cellFeatures(input(scene(), measures({ nucleusArea: 1200 })));
  assert.equal(feature(given, 'nucleusAreaUm2'), 1200 * MPP * MPP);
  assert.ok(Math.abs(feature(given, 'nucleusCropAreaUm2') - Math.PI * NUCLEUS_R_UM ** 2) < 6, 'the crop measure stays the pixels\' own');
});

test('RGB crops, half-resolution crops and unscanned (transparent) pixels', () => {
  const rgba = scene();
  const rgb = new Uint8Array(SIDE * SIDE * 3);
  for (let i = 0; i < SIDE * SIDE; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  const a = cellFeatures(input(rgba, measures()));
  const b = cellFeatures({ crop: { data: rgb, width: SIDE, height: SIDE, channels: 3 }, cell: measures(), mpp: MPP });
  assert.deepEqual(Array.from(b), Array.from(a));
  const half = new Uint8Array((SIDE / 2) * (SIDE / 2) * 4);
  for (let y = 0; y < SIDE / 2; y++) for (let x = 0; x < SIDE / 2; x++) half.set(rgba.subarray(((2 * y) * SIDE + 2 * x) * 4, ((2 * y) * SIDE + 2 * x) * 4 + 4), (y * (SIDE / 2) + x) * 4);
  const h = cellFeatures({ crop: { data: half, width: SIDE / 2, height: SIDE / 2, channels: 4 }, cell: measures(), mpp: MPP, cropDownsample: 2 });
  const drawn = Math.PI * NUCLEUS_R_UM ** 2;
  assert.ok(Math.abs(feature(h, 'nucleusCropAreaUm2') - drawn) / drawn < 0.12, `half-resolution nucleus ${feature(h, 'nucleusCropAreaUm2')} um^2`);
  const holes = rgba.slice();
  for (let p = 3; p < holes.length; p += 4 * 7) holes[p] = 0;
  const withHoles = cellFeatures(input(holes, measures()));
  assert.ok(withHoles.every(Number.isFinite));
});

test('a crop of glass only: no nucleus, every feature finite', () => {
  const glass = new Uint8Array(SIDE * SIDE * 4).fill(240);
  const v = cellFeatures(input(glass, measures({ nucleus: null, area: null })));
  assert.ok(v.every(Number.isFinite));
  assert.equal(feature(v, 'nucleusFound'), 0);
  assert.equal(feature(v, 'nucleusAreaUm2'), 0);
  assert.equal(feature(v, 'cellAreaUm2'), 0, 'no record area and no stained pixel');
});

test('bad input is refused with a RangeError naming the problem', () => {
  const data = scene();
  assert.throws(() => cellFeatures({ ...input(data, measures()), mpp: 0 }), /RangeError|mpp must be a positive number/);
  assert.throws(() => cellFeatures({ ...input(data, measures()), mpp: Number.NaN }), RangeError);
  assert.throws(() => cellFeatures({ crop: { data: data.subarray(1), width: SIDE, height: SIDE, channels: 4 }, cell: measures(), mpp: MPP }), /bytes, expected/);
  assert.throws(() => cellFeatures(input(data, measures({ box: { x: 0, y: 0, width: SIDE * 2, height: SIDE } }))), /does not cover box/);
  assert.throws(() => cellFeatures({ crop: { data, width: SIDE, height: SIDE, channels: 2 as 3 }, cell: measures(), mpp: MPP }), /3 or 4 channels/);
  assert.throws(() => cellFeatures(input(data, measures()), new Float64Array(3)), /output has 3 slots/);
});
