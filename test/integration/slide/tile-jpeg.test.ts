// The tile service's native JPEG path on the synthetic tiny MIRAX slide,
// against the sharp path it replaces: same tile sizes, same pixels within
// JPEG tolerance, background where nothing was scanned, and the sharp path
// still used where the native one does not apply (shrinks, WebP).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import type { RegisteredSlide } from '../../../src-main/slide/slide-registry.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { tileRegion } from '../../../src-main/slide/deep-zoom.ts';
import { encodeBlankTile, encodeTile } from '../../../src-main/slide/tile-encoder.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { CountingReader } from '../../fixtures/counting-reader.ts';

const QUALITY = 90;

let reader: CountingReader;
let registry: SlideRegistry;
let slide: RegisteredSlide;
let service: TileService;

before(async () => {
  const fixture = await ensureFixtureSlide('tiny');
  reader = new CountingReader(await openSlide(fixture.mrxsPath));
  registry = new SlideRegistry();
  slide = registry.add(reader);
  // The decode-and-encode path: a fixed 254 + 1 grid over the whole level 0, so no tile is a stored image.
  service = new TileService(registry, { cacheBytes: 0, jpegQuality: QUALITY, tileSize: 254, overlap: 1, limitBounds: false });
});

after(() => registry?.closeAll());

async function rgbOf(tile: Buffer) {
  const { data, info } = await sharp(tile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The tile as the sharp path encodes it (readRegion + encodeTile). */
async function sharpTile(dzLevel: number, col: number, row: number, format: 'jpeg' | 'webp' = 'jpeg'): Promise<Buffer> {
  const region = tileRegion((await service.geometry(slide)), reader.info.levels, dzLevel, col, row);
  const rgba = await reader.inner.readRegion(region.x0, region.y0, region.slideLevel, region.levelWidth, region.levelHeight);
  return encodeTile(rgba, region.tileWidth, region.tileHeight, { format, quality: QUALITY, background: reader.info.backgroundColor });
}

async function getTile(dzLevel: number, col: number, row: number, format = 'jpeg'): Promise<Buffer> {
  const response = await service.getTile(slide.id, dzLevel, col, row, format);
  assert.equal(response.status, 200, response.error?.message);
  return response.body;
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

test('exact-level JPEG tiles come from the native path and match the sharp path', async () => {
  const full = (await service.geometry(slide)).levels.length - 1;
  // Middle of the slide, an edge tile (smaller), a lower slide level, a tile across a photo border.
  const tiles: Array<[number, number, number]> = [[full, 8, 8], [full, 16, 16], [full - 1, 3, 4], [full - 2, 2, 1], [full, 4, 5]];
  for (const [l, c, r] of tiles) {
    const before = reader.jpegReads;
    const native = await rgbOf(await getTile(l, c, r));
    assert.equal(reader.jpegReads, before + 1, `tile ${l}/${c}_${r} used readRegionJpeg`);
    const reference = await rgbOf(await sharpTile(l, c, r));
    assert.deepEqual([native.width, native.height], [reference.width, reference.height], `tile ${l}/${c}_${r} size`);
    const diff = meanAbsDiff(native.data, reference.data);
    // Two JPEG encodes of the same pixels at q90: about 1 apart on average.
    assert.ok(diff < 2.5, `tile ${l}/${c}_${r}: mean abs diff ${diff.toFixed(2)} from the sharp path`);
  }
});

test('unscanned areas are the background colour; all-unscanned tiles are the shared blank tile', async () => {
  const full = (await service.geometry(slide)).levels.length - 1;
  const background = reader.info.backgroundColor;
  // Photo (0, 0) (level-0 x, y < 1024) is unscanned; tile 3 covers x 761..1016, tile 4 x 1015..1270.
  const blank = await getTile(full, 1, 1);
  const region = tileRegion((await service.geometry(slide)), reader.info.levels, full, 1, 1);
  assert.equal(blank, await encodeBlankTile(region.tileWidth, region.tileHeight, { format: 'jpeg', quality: QUALITY, background }),
    'the pre-encoded background tile itself');
  const mixed = await rgbOf(await getTile(full, 4, 1));
  const reference = await rgbOf(await sharpTile(full, 4, 1));
  assert.ok(meanAbsDiff(mixed.data, reference.data) < 2.5, 'half-scanned tile matches the sharp path');
  // Columns 0..8 of tile 4 are x 1015..1023: unscanned.
  for (const x of [0, 4]) {
    const at = (100 * mixed.width + x) * 3;
    for (const [ch, value] of background.entries()) {
      assert.ok(Math.abs(mixed.data[at + ch]! - value) <= 6, `unscanned pixel (${x}, 100) channel ${ch}: ${mixed.data[at + ch]} vs ${value}`);
    }
  }
});

test('shrinking levels and WebP still take the sharp path', async () => {
  const geometry = (await service.geometry(slide));
  const shrinking = [...geometry.levels].reverse().find((level) => level.slideLevelToDz > 1);
  assert.ok(shrinking, 'the tiny slide has DZ levels below its smallest slide level');
  const before = { jpeg: reader.jpegReads, rgba: reader.rgbaReads };
  const small = await rgbOf(await getTile(shrinking.dzLevel, 0, 0));
  assert.deepEqual([small.width, small.height], [Math.min(shrinking.width, 255), Math.min(shrinking.height, 255)]);
  const webp = await getTile(geometry.levels.length - 1, 8, 8, 'webp');
  assert.equal((await sharp(webp).metadata()).format, 'webp');
  assert.deepEqual([reader.jpegReads, reader.rgbaReads], [before.jpeg, before.rgba + 2]);
});
