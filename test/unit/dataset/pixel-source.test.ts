import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { mulberry32 } from '../../../src-main/domain/random.ts';
import { encodePng, isOpaque, type PixelRegion } from '../../../src-main/dataset/pixel-source.ts';

const BACKGROUND: [number, number, number] = [250, 240, 230];

function region(width: number, height: number, alpha: (i: number) => number, seed = 1): PixelRegion {
  const random = mulberry32(seed);
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = Math.floor(random() * 256);
    data[i * 4 + 1] = Math.floor(random() * 256);
    data[i * 4 + 2] = Math.floor(random() * 256);
    data[i * 4 + 3] = alpha(i);
  }
  return { width, height, data, opaque: isOpaque(data) };
}

/** The pixels as the old export wrote them (alpha always flattened onto the background), as RGB. */
async function flattened(image: PixelRegion, crop?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  let p = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (crop) p = p.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  return p.flatten({ background: { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2] } }).raw().toBuffer();
}

async function decoded(png: Buffer): Promise<{ data: Buffer; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels };
}

test('isOpaque: every alpha 255, whatever the alignment; one translucent or transparent pixel anywhere says no', () => {
  const opaque = Buffer.alloc(4 * 1001 + 1, 255);
  assert.equal(isOpaque(opaque.subarray(0, 4 * 1001)), true);
  assert.equal(isOpaque(opaque.subarray(1)), true, 'a view not on a 4-byte boundary');
  assert.equal(isOpaque(new Uint8Array(0)), true, 'no pixels');
  for (const at of [0, 500, 1000]) {
    for (const alpha of [0, 254]) {
      const data = Buffer.alloc(4 * 1001, 255);
      data[at * 4 + 3] = alpha;
      assert.equal(isOpaque(data), false, `alpha ${alpha} at pixel ${at}`);
      assert.equal(isOpaque(Buffer.concat([Buffer.alloc(1), data]).subarray(1)), false, `alpha ${alpha} at pixel ${at}, unaligned`);
    }
  }
  const colourOnly = Buffer.alloc(4 * 8, 0);
  for (let i = 3; i < colourOnly.length; i += 4) colourOnly[i] = 255;
  assert.equal(isOpaque(colourOnly), true, 'black but opaque');
});

test('encodePng: opaque regions (alpha dropped) and translucent ones (flattened) decode to the flattened pixels, at every setting', async () => {
  const opaque = region(97, 61, () => 255);
  const translucent = region(97, 61, (i) => [0, 255, 128, 1, 254][i % 5]!, 2);
  assert.equal(opaque.opaque, true);
  assert.equal(translucent.opaque, false);
  const crop = { x: 13, y: 7, width: 40, height: 33 };
  for (const image of [opaque, translucent]) {
    for (const setting of [{ compression: 0 }, { compression: 1 }, { compression: 6, adaptiveFiltering: true }, { compression: 9, adaptiveFiltering: false }]) {
      const whole = await decoded(await encodePng(image, BACKGROUND, setting));
      assert.equal(whole.channels, 3, 'RGB, no alpha');
      assert.ok(whole.data.equals(await flattened(image)), `${image.opaque ? 'opaque' : 'translucent'} ${JSON.stringify(setting)}`);
      const part = await decoded(await encodePng(image, BACKGROUND, { ...setting, crop }));
      assert.ok(part.data.equals(await flattened(image, crop)), `crop of ${image.opaque ? 'opaque' : 'translucent'} ${JSON.stringify(setting)}`);
    }
  }
});

test('encodePng: an opaque region gives the very bytes the flattening path gives, so earlier exports stay valid on resume', async () => {
  const image = region(64, 48, () => 255, 4);
  for (const setting of [{ compression: 0 }, { compression: 1 }, { compression: 6, adaptiveFiltering: true }]) {
    const dropped = await encodePng(image, BACKGROUND, setting);
    const blended = await encodePng({ ...image, opaque: false }, BACKGROUND, setting);
    assert.ok(dropped.equals(blended), JSON.stringify(setting));
  }
});

test('encodePng: the level changes the bytes, never the pixels; adaptive filtering makes smaller files of the same pixels', async () => {
  // Blocks of one colour with a gradient between rows: filters and zlib both have something to find.
  const data = Buffer.alloc(200 * 100 * 4);
  for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) data.set([(x >> 3) * 9, y * 2, ((x >> 3) * 7 + y) % 256, 255], (y * 200 + x) * 4);
  const image: PixelRegion = { width: 200, height: 100, data, opaque: true };
  const stored = await encodePng(image, BACKGROUND, { compression: 0 });
  const fast = await encodePng(image, BACKGROUND, { compression: 1 });
  const filtered = await encodePng(image, BACKGROUND, { compression: 6, adaptiveFiltering: true });
  assert.ok(stored.length > 3 * 200 * 100, 'level 0 stores every byte');
  assert.ok(fast.length < stored.length && filtered.length < fast.length, `${stored.length} > ${fast.length} > ${filtered.length}`);
  const pixels = (await decoded(stored)).data;
  assert.ok((await decoded(fast)).data.equals(pixels));
  assert.ok((await decoded(filtered)).data.equals(pixels));
});

test('encodePng with an SVG overlay: RGBA as before, the same pixels whether the region is opaque or not', async () => {
  const image = region(120, 80, () => 255, 3);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect x="10" y="10" width="50" height="40" fill="none" stroke="#BE201C" stroke-width="5"/></svg>';
  const opaque = await encodePng(image, BACKGROUND, { compression: 1, overlaySvg: svg });
  const flattenedToo = await encodePng({ ...image, opaque: false }, BACKGROUND, { compression: 1, overlaySvg: svg });
  assert.ok(opaque.equals(flattenedToo));
  const { data, channels } = await decoded(opaque);
  assert.equal(channels, 4);
  for (let i = 3; i < data.length; i += 4) assert.equal(data[i], 255, 'every pixel opaque');
  const rgb = await sharp(opaque).removeAlpha().raw().toBuffer();
  assert.ok(!rgb.equals(await flattened(image)), 'the overlay is drawn');
});
