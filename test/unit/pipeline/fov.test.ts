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
