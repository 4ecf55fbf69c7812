import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { computeFieldOfView, encodeFovMaskPng } from '../../../src-main/pipeline/fov.ts';
import type { RgbaImage } from '../../../src-main/slide/slide-reader.ts';

/** Glass everywhere, a darker smear rectangle, and an unscanned (transparent) strip. */
function makeImage(): RgbaImage {
  const width = 40, height = 30;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      if (x >= 35) continue; // unscanned: RGBA 0,0,0,0 (would look darkest of all if not excluded)
      const smear = x >= 10 && x < 25 && y >= 5 && y < 20;
      const v = smear ? 150 + ((x * 7 + y * 3) % 20) : 238 + ((x + y) % 4);
      data[p] = v; data[p + 1] = smear ? v - 30 : v; data[p + 2] = v; data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

test('FOV finds the smear rectangle, ignoring unscanned pixels, in level-0 coordinates', () => {
  const fov = computeFieldOfView(makeImage(), 16, 3);
  assert.deepEqual(fov.bbox, { x: 10 * 16, y: 5 * 16, width: 15 * 16, height: 15 * 16 });
  assert.equal(fov.tissuePixels, 15 * 15);
  assert.equal(fov.mask[2 * 40 + 37], 0, 'unscanned pixel is not smear');
  assert.equal(fov.level, 3);
});

test('FOV of blank glass is empty instead of thresholding noise', () => {
  const img = makeImage();
  for (let p = 0; p < img.data.length; p += 4) { img.data[p] = 240; img.data[p + 1] = 240; img.data[p + 2] = 241; img.data[p + 3] = 255; }
  const fov = computeFieldOfView(img, 8);
  assert.equal(fov.bbox, null);
  assert.equal(fov.tissuePixels, 0);
});

test('FOV mask encodes to a PNG of the mask size', async () => {
  const fov = computeFieldOfView(makeImage(), 16);
  const meta = await sharp(await encodeFovMaskPng(fov)).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 40);
  assert.equal(meta.height, 30);
});

test('scattered cells of a thin smear close into one field of view', () => {
  // 60 x 60 FOV px at downsample 64; 2x2 px dark cells every 8 px inside 10..50.
  const width = 60, height = 60;
  const data = Buffer.alloc(width * height * 4, 240);
  for (let y = 10; y < 50; y += 8) for (let x = 10; x < 50; x += 8) {
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
      const p = ((y + dy) * width + x + dx) * 4;
      data[p] = 150; data[p + 1] = 120; data[p + 2] = 160;
    }
  }
  const fov = computeFieldOfView({ width, height, data }, 64);
  // Closing radius 384 level-0 px = 6 FOV px joins cells 8 px apart: the gaps between them are smear too.
  assert.equal(fov.mask[14 * width + 14], 1, 'gap between cells is inside the field');
  assert.equal(fov.mask[5 * width + 5], 0, 'glass outside stays out');
  assert.ok(fov.tissuePixels > 30 * 30, `field covers the populated square, got ${fov.tissuePixels}`);
});
