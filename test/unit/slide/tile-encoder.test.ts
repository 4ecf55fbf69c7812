import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { alphaCoverage, encodeBlankTile, encodeTile, renderTile } from '../../../src-main/slide/tile-encoder.ts';
import type { JpegRegionOptions, RgbaImage } from '../../../src-main/slide/slide-reader.ts';
import type { TileRegion } from '../../../src-main/slide/deep-zoom.ts';
import { MemorySlideReader } from './tile-memory-reader.ts';

function solid(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
}

async function decode(tile: Buffer) {
  const { data, info } = await sharp(tile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

function near(actual: number, expected: number, tolerance: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

test('transparent pixels become the background colour (JPEG)', async () => {
  const tile = await encodeTile(solid(64, 64, [0, 0, 0, 0]), 64, 64, { format: 'jpeg', quality: 90, background: [200, 30, 60] });
  assert.deepEqual([...tile.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG magic');
  const { data, info } = await decode(tile);
  assert.deepEqual([info.width, info.height, info.channels], [64, 64, 3]);
  const mid = (32 * 64 + 32) * 3;
  near(data[mid]!, 200, 4, 'red');
  near(data[mid + 1]!, 30, 4, 'green');
  near(data[mid + 2]!, 60, 4, 'blue');
});

test('opaque pixels keep their colour and half transparent ones blend', async () => {
  const image = solid(32, 16, [0, 0, 255, 255]);
  for (let i = 0; i < 32 * 8; i++) image.data.set([0, 0, 0, 128], i * 4); // top half: 50 % black
  const tile = await encodeTile(image, 32, 16, { format: 'webp', quality: 100, background: [255, 255, 255] });
  assert.equal(tile.subarray(8, 12).toString('latin1'), 'WEBP');
  const { data, info } = await decode(tile);
  assert.deepEqual([info.width, info.height], [32, 16]);
  const top = (2 * 32 + 16) * 3;
  near(data[top]!, 127, 8, 'blended grey');
  const bottom = (12 * 32 + 16) * 3;
  near(data[bottom + 2]!, 255, 8, 'blue stays');
  near(data[bottom]!, 0, 8, 'no red in blue');
});

test('shrinks to the requested tile size', async () => {
  const tile = await encodeTile(solid(510, 244, [10, 120, 30, 255]), 255, 122, { format: 'jpeg', quality: 80, background: [255, 255, 255] });
  const { data, info } = await decode(tile);
  assert.deepEqual([info.width, info.height], [255, 122]);
  near(data[(60 * 255 + 100) * 3 + 1]!, 120, 4, 'green after resize');
});

test('a transparent edge does not darken the shrunk tile', async () => {
  // Left half transparent black, right half opaque white; white background.
  const image = solid(100, 100, [255, 255, 255, 255]);
  for (let y = 0; y < 100; y++) for (let x = 0; x < 50; x++) image.data.set([0, 0, 0, 0], (y * 100 + x) * 4);
  const { data } = await decode(await encodeTile(image, 50, 50, { format: 'jpeg', quality: 95, background: [255, 255, 255] }));
  for (let x = 0; x < 50; x++) near(data[(25 * 50 + x) * 3]!, 255, 6, `pixel ${x}`);
});

test('rejects a buffer that does not match its size', async () => {
  await assert.rejects(
    encodeTile({ width: 10, height: 10, data: Buffer.alloc(10) }, 10, 10, { format: 'jpeg', quality: 80, background: [255, 255, 255] }),
    RangeError,
  );
});

test('alpha coverage tells unscanned, opaque and mixed regions apart', () => {
  assert.equal(alphaCoverage(solid(8, 8, [0, 0, 0, 0])), 'transparent');
  assert.equal(alphaCoverage(solid(8, 8, [10, 0, 0, 255])), 'opaque');
  assert.equal(alphaCoverage(solid(8, 8, [255, 255, 255, 0])), 'mixed', 'transparent with colour bytes still needs the composite');
  const edge = solid(8, 8, [10, 20, 30, 255]);
  edge.data.set([0, 0, 0, 0], 4 * 63);
  assert.equal(alphaCoverage(edge), 'mixed');
  // An unaligned view takes the byte-by-byte path and agrees.
  const backing = Buffer.alloc(8 * 8 * 4 + 1);
  solid(8, 8, [1, 2, 3, 255]).data.copy(backing, 1);
  assert.equal(alphaCoverage({ width: 8, height: 8, data: backing.subarray(1) }), 'opaque');
  backing[5 * 4 + 4] = 128;
  assert.equal(alphaCoverage({ width: 8, height: 8, data: backing.subarray(1) }), 'mixed');
});

test('a fully unscanned region is a plain background tile, reused across requests', async () => {
  const options = { format: 'jpeg' as const, quality: 80, background: [239, 237, 242] as [number, number, number] };
  const a = await encodeTile(solid(256, 256, [0, 0, 0, 0]), 256, 256, options);
  const b = await encodeTile(solid(256, 256, [0, 0, 0, 0]), 256, 256, options);
  assert.equal(a, b, 'the same encoded buffer');
  const { data, info } = await decode(a);
  assert.deepEqual([info.width, info.height], [256, 256]);
  near(data[0]!, 239, 3, 'red');
  near(data[(128 * 256 + 128) * 3 + 2]!, 242, 3, 'blue');
  const small = await encodeTile(solid(510, 100, [0, 0, 0, 0]), 255, 50, { ...options, format: 'webp' });
  const meta = await sharp(small).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 255, 50]);
});

test('an opaque region keeps its pixels exactly where they were', async () => {
  const image = solid(64, 64, [250, 250, 250, 255]);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 32; x++) image.data.set([20, 40, 160, 255], (y * 64 + x) * 4);
  const { data } = await decode(await encodeTile(image, 64, 64, { format: 'jpeg', quality: 95, background: [0, 255, 0] }));
  near(data[(32 * 64 + 8) * 3 + 2]!, 160, 6, 'left blue');
  near(data[(32 * 64 + 56) * 3 + 1]!, 250, 6, 'right white, no background green');
});

/** A memory reader with a JPEG fast path that answers with a fixed buffer (or null: nothing scanned). */
class FastPathReader extends MemorySlideReader {
  jpegCalls: Array<[number, number, number, number, number, JpegRegionOptions]> = [];
  constructor(readonly answer: Buffer | null) {
    super({ width: 1000, height: 1000, levelCount: 2 });
  }
  async readRegionJpeg(x0: number, y0: number, level: number, width: number, height: number, options: JpegRegionOptions) {
    this.jpegCalls.push([x0, y0, level, width, height, options]);
    return this.answer;
  }
}

test('renderTile: JPEG tiles that need no shrink come from the reader\'s fast path', async () => {
  const region: TileRegion = { x0: 253, y0: 507, slideLevel: 1, levelWidth: 256, levelHeight: 200, tileWidth: 256, tileHeight: 200 };
  const options = { format: 'jpeg' as const, quality: 77, background: [1, 2, 3] as [number, number, number] };
  const answer = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
  const fast = new FastPathReader(answer);
  assert.equal(await renderTile(fast, region, options), answer);
  assert.deepEqual(fast.jpegCalls, [[253, 507, 1, 256, 200, { quality: 77, background: [1, 2, 3] }]]);
  assert.equal(fast.reads, 0, 'no RGBA read');

  const unscanned = new FastPathReader(null);
  assert.equal(await renderTile(unscanned, region, options), await encodeBlankTile(256, 200, options), 'null is the shared blank tile');

  const shrink = { ...region, levelWidth: 512, levelHeight: 400 };
  const shrunk = await renderTile(fast, shrink, options);
  assert.deepEqual([fast.jpegCalls.length, fast.reads], [1, 1], 'a shrink reads RGBA for sharp');
  assert.deepEqual(await sharp(shrunk).metadata().then((m) => [m.format, m.width, m.height]), ['jpeg', 256, 200]);

  const webp = await renderTile(fast, region, { ...options, format: 'webp' });
  assert.deepEqual([fast.jpegCalls.length, fast.reads], [1, 2], 'WebP reads RGBA for sharp');
  assert.equal((await sharp(webp).metadata()).format, 'webp');
});
