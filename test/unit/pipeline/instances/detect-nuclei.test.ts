// Nucleus detection on hand-made scenes: dark blobs found on any cytoplasm
// colour, touching nuclei parted at their neck, cytoplasm ring measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CELL_INSTANCE_CONFIG, detectNuclei } from '../../../../src-main/pipeline/instances/index.ts';
import { labelTouchingNucleiApart } from '../../../../src-main/pipeline/instances/detect-nuclei.ts';
import { neutrophil, renderScene } from './instance-scene.ts';

const UM = DEFAULT_CELL_INSTANCE_CONFIG.nucleusUmPerPixel;

function discMask(width: number, height: number, discs: Array<[number, number, number]>): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (discs.some(([cx, cy, r]) => Math.hypot(x - cx, y - cy) <= r)) mask[y * width + x] = 1;
  }
  return mask;
}

test('two nuclei touching through a neck are parted; one round nucleus and small blobs stay whole', () => {
  const [w, h] = [80, 40];
  const mask = discMask(w, h, [[20, 20, 9], [38, 20, 9], [65, 20, 9], [60, 5, 2]]);
  assert.equal(mask[20 * w + 29], 1, 'the pair touches');
  const { labels, areas } = labelTouchingNucleiApart(mask, w, h, 2, 8, 60);
  const at = (x: number, y: number) => labels[y * w + x]!;
  assert.notEqual(at(20, 20), 0);
  assert.notEqual(at(38, 20), 0);
  assert.notEqual(at(20, 20), at(38, 20), 'the touching pair is two nuclei');
  assert.notEqual(at(65, 20), at(38, 20));
  assert.notEqual(at(60, 5), 0, 'a blob too small to split is still a nucleus');
  const used = new Set([...labels].filter((l) => l !== 0));
  assert.equal(used.size, 4);
  assert.equal([...used].reduce((n, l) => n + areas[l]!, 0), mask.reduce((a, b) => a + b, 0), 'every blob pixel is labelled once');
});

test('nuclei are found on eosinophilic cytoplasm and counted with their area and ring', () => {
  const scene = { widthUm: 100, heightUm: 60, cells: [{ x: 30, y: 30, radius: 20, nucleusRadius: 4 }], lobes: neutrophil(80, 30) };
  const map = detectNuclei(renderScene(scene, UM).image, DEFAULT_CELL_INSTANCE_CONFIG);
  const cellNucleus = map.nuclei.find((n) => Math.hypot(n.cx * UM - 30, n.cy * UM - 30) < 1.5);
  assert.ok(cellNucleus, `nuclei at ${map.nuclei.map((n) => `${(n.cx * UM).toFixed(1)},${(n.cy * UM).toFixed(1)}`).join(' ')}`);
  assert.ok(Math.abs(cellNucleus.area * UM * UM - Math.PI * 16) < 10, `area ${cellNucleus.area * UM * UM} um^2`);
  assert.ok(cellNucleus.ringCytoplasm > 0.95, `ring ${cellNucleus.ringCytoplasm}`);
  const lobes = map.nuclei.filter((n) => n.cx * UM > 70);
  assert.ok(lobes.length >= 1);
  assert.ok(lobes.every((n) => n.ringCytoplasm < 0.3), `neutrophil rings ${lobes.map((n) => n.ringCytoplasm.toFixed(2)).join(',')}`);
});

test('glass alone has no nuclei', () => {
  const map = detectNuclei(renderScene({ widthUm: 50, heightUm: 50, cells: [] }, UM).image, DEFAULT_CELL_INSTANCE_CONFIG);
  assert.equal(map.nuclei.length, 0);
  assert.equal(map.labels.reduce((n, l) => n + (l ? 1 : 0), 0), 0);
});
