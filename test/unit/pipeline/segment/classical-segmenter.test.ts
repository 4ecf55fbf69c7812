// The model-free segmenter on hand-made images: empty glass stays empty,
// stained discs come out filled, specks are dropped, transparency is glass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassicalSegmenter, classicalMask, densityScores } from '../../../../src-main/pipeline/segment/classical-segmenter.ts';
import { OD_TABLE } from '../../../../src-main/pipeline/optical-density.ts';
import { SegmentError } from '../../../../src-main/pipeline/segment/segment-error.ts';

const GLASS: [number, number, number] = [239, 237, 242];

function scene(width: number, height: number, discs: Array<{ x: number; y: number; r: number; rgb: [number, number, number]; nucleus?: boolean }>) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let c = GLASS;
      for (const d of discs) {
        const dist = Math.hypot(x - d.x, y - d.y);
        if (dist <= d.r) c = d.nucleus && dist < d.r / 5 ? [60, 50, 110] : d.rgb;
      }
      data.set([...c, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

test('glass only gives an empty mask', () => {
  assert.equal(classicalMask(scene(64, 48, [])).reduce((a, b) => a + b, 0), 0);
});

test('pale stained cells are found and filled, specks dropped', () => {
  const img = scene(120, 100, [
    { x: 30, y: 30, r: 18, rgb: [150, 200, 190], nucleus: true }, // pale cyanophilic cell, dark nucleus
    { x: 85, y: 65, r: 22, rgb: [230, 160, 175] }, // pink cell
    { x: 100, y: 15, r: 2, rgb: [90, 80, 100] }, // debris speck
  ]);
  const mask = classicalMask(img);
  const at = (x: number, y: number): number => mask[y * 120 + x]!;
  assert.equal(at(30, 30), 1, 'nucleus inside the cell');
  assert.equal(at(30, 45), 1);
  assert.equal(at(85, 65), 1);
  assert.equal(at(100, 15), 0, 'speck removed');
  assert.equal(at(5, 95), 0, 'glass');
  const area = mask.reduce((a, b) => a + b, 0);
  const expected = Math.PI * (18 * 18 + 22 * 22);
  assert.ok(Math.abs(area - expected) / expected < 0.1, `area ${area} vs ${expected.toFixed(0)}`);
});

test('transparent (unscanned) pixels count as glass', () => {
  const img = scene(4, 1, []);
  img.data.fill(0);
  assert.deepEqual([...densityScores(img, 100)], [0, 0, 0, 0]);
});

test('density scores: OD sum x scale, rounded and clamped, the same read a word at a time or byte by byte', () => {
  const pixels: number[][] = [];
  for (let k = 0; k < 3000; k++) pixels.push([(k * 97) % 256, (k * 61 + 7) % 256, (k * 13 + 200) % 256, k % 5 === 0 ? 0 : k % 7 === 0 ? 128 : 255]);
  const bytes = Buffer.from(pixels.flat());
  const aligned = { width: pixels.length, height: 1, data: bytes };
  const unaligned = { ...aligned, data: Buffer.concat([Buffer.alloc(1), bytes]).subarray(1) };
  const fast = densityScores(aligned, 100);
  assert.deepEqual([...densityScores(unaligned, 100)], [...fast]);
  pixels.forEach(([r, g, b, a], i) => {
    if (a !== 255) return;
    const want = Math.min(255, Math.round((OD_TABLE[r!]! + OD_TABLE[g!]! + OD_TABLE[b!]!) * 100));
    assert.equal(fast[i], want, `pixel ${i}`);
  });
  assert.equal(fast[0], 0, 'alpha 0 is glass');
});

test('the Segmenter wrapper reports cpu, no model, its working scale, and rejects bad images', async () => {
  const seg = new ClassicalSegmenter({ umPerPixel: 0.5 });
  assert.equal(seg.umPerPixel, 0.5);
  assert.equal(seg.name, 'classical');
  assert.equal(seg.provider, 'cpu');
  assert.equal(seg.modelId, null);
  const mask = await seg.segment(scene(40, 30, [{ x: 20, y: 15, r: 10, rgb: [150, 200, 190] }]));
  assert.equal(mask.downsample, 2);
  assert.equal(mask.data.length, 1200);
  await assert.rejects(seg.segment({ width: 3, height: 3, data: Buffer.alloc(5) }), SegmentError);
});
