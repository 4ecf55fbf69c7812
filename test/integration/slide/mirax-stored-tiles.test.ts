// Pass-through of the scanner's stored JPEGs and the scanned bounds, on real
// OpenSlide: a slide whose scanned area starts at (1024, 1024) gets a DZI of
// just that area in 256 px tiles with no overlap; its full-resolution tiles
// (and those of the levels whose images line up) are the stored bytes, and
// decode to exactly OpenSlide's pixels at the same level-0 place; the same
// slide with a camera photo overlapping its neighbour has no grid to line up
// with, and every tile is decoded and encoded (and still matches OpenSlide).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { writeOffsetSlide } from '../../fixtures/offset-slide.ts';
import type { OffsetSlide } from '../../fixtures/offset-slide.ts';
import { CountingReader } from '../../fixtures/counting-reader.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import type { RegisteredSlide } from '../../../src-main/slide/slide-registry.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { tileRegion } from '../../../src-main/slide/deep-zoom.ts';
import { encodeBlankTile } from '../../../src-main/slide/tile-encoder.ts';
import { jpegSize, loadMiraxStoredTiles } from '../../../src-main/slide/mirax-stored-tiles.ts';
import type { SlideReader } from '../../../src-main/slide/slide-reader.ts';

let plain: OffsetSlide;
let overlapping: OffsetSlide;
const registries: SlideRegistry[] = [];

before(async () => {
  plain = await writeOffsetSlide();
  overlapping = await writeOffsetSlide({ overlapping: true });
});

after(async () => {
  for (const registry of registries) registry.closeAll();
  await plain?.dispose();
  await overlapping?.dispose();
});

async function serve(path: string, options: ConstructorParameters<typeof TileService>[1] = {}) {
  const reader = new CountingReader(await openSlide(path));
  const registry = new SlideRegistry();
  registries.push(registry);
  const slide: RegisteredSlide = registry.add(reader);
  const service = new TileService(registry, { cacheBytes: 0, limitBounds: true, ...options });
  return { reader, slide, service, geometry: await service.geometry(slide) };
}

/** Largest and mean per-channel difference between a tile and OpenSlide's pixels of its region (on the background). */
async function diffFromOpenSlide(reader: SlideReader, tile: Buffer, region: ReturnType<typeof tileRegion>): Promise<{ max: number; mean: number }> {
  const { data, info } = await sharp(tile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [region.levelWidth, region.levelHeight]);
  const rgba = await reader.readRegion(region.x0, region.y0, region.slideLevel, region.levelWidth, region.levelHeight);
  const bg = reader.info.backgroundColor;
  let max = 0;
  let sum = 0;
  for (let p = 0; p < info.width * info.height; p++) {
    const a = rgba.data[p * 4 + 3]!;
    for (let c = 0; c < 3; c++) {
      const want = a === 0 ? bg[c]! : rgba.data[p * 4 + c]!;
      const d = Math.abs(data[p * 3 + c]! - want);
      max = Math.max(max, d);
      sum += d;
    }
  }
  return { max, mean: sum / (info.width * info.height * 3) };
}

test('the DZI covers only the scanned bounds, in the stored image size with no overlap', async () => {
  const { service, slide, geometry, reader } = await serve(plain.mrxsPath);
  assert.deepEqual(reader.info.bounds, { x: 1024, y: 1024, width: 2048, height: 1024 });
  const xml = (await service.getDzi(slide.id)).body.toString();
  assert.match(xml, /TileSize="256" Overlap="0" Format="jpeg"/);
  assert.match(xml, /<Size Width="2048" Height="1024" \/>/);
  assert.deepEqual([geometry.originX, geometry.originY], [1024, 1024]);
  const full = geometry.levels.at(-1)!;
  // 8 x 4 full-resolution tiles where the whole level 0 would need 13 x 9 of 254 px.
  assert.deepEqual([full.cols, full.rows], [8, 4]);
  const [summary] = await service.listSlides();
  assert.deepEqual([summary?.originX, summary?.originY, summary?.tileSize, summary?.overlap], [1024, 1024, 256, 0]);
  // Tile (0, 0) at full resolution starts at the bounds' corner.
  const region = tileRegion(geometry, reader.info.levels, full.dzLevel, 0, 0);
  assert.deepEqual([region.x0, region.y0, region.levelWidth, region.levelHeight], [1024, 1024, 256, 256]);
});

test('tiles that are one stored image are its bytes, decoding to exactly OpenSlide\'s pixels', async () => {
  const { service, slide, geometry, reader } = await serve(plain.mrxsPath);
  const stored = await service.storedTiles(slide);
  assert.deepEqual(stored?.levels, [0, 1, 2], 'one image is one OpenSlide tile while 2^level <= 4 divisions');
  const top = geometry.levels.length - 1;
  let passed = 0;
  // Every tile of the three highest DZ levels (slide levels 0, 1, 2: all line up with the bounds at 1024).
  for (const dzLevel of [top, top - 1, top - 2]) {
    const level = geometry.levels[dzLevel]!;
    for (let row = 0; row < level.rows; row++) {
      for (let col = 0; col < level.cols; col++) {
        const before = reader.jpegReads;
        const response = await service.getTile(slide.id, dzLevel, col, row, 'jpeg');
        assert.equal(response.status, 200, response.error?.message);
        const region = tileRegion(geometry, reader.info.levels, dzLevel, col, row);
        const direct: Buffer | null = await stored!.read(region.slideLevel, region.x0, region.y0);
        assert.ok(direct, `tile ${dzLevel}/${col}_${row} is a stored image`);
        assert.equal(Buffer.compare(response.body, direct), 0, `tile ${dzLevel}/${col}_${row} is the stored bytes`);
        assert.equal(reader.jpegReads, before, `tile ${dzLevel}/${col}_${row} was not decoded`);
        assert.deepEqual(jpegSize(response.body), { width: 256, height: 256 });
        const { max } = await diffFromOpenSlide(reader, response.body, region);
        assert.equal(max, 0, `tile ${dzLevel}/${col}_${row}: max difference ${max} from OpenSlide's decode`);
        passed++;
      }
    }
  }
  assert.equal(passed, 8 * 4 + 4 * 2 + 2 * 1);
  // Level 3 (2^3 > 4 divisions): OpenSlide cuts images per photo, so those tiles are decoded.
  const before = reader.jpegReads;
  const response = await service.getTile(slide.id, top - 3, 0, 0, 'jpeg');
  assert.equal(response.status, 200);
  assert.equal(reader.jpegReads, before + 1);
  const { mean } = await diffFromOpenSlide(reader, response.body, tileRegion(geometry, reader.info.levels, top - 3, 0, 0));
  assert.ok(mean < 6, `level 3 tile: mean difference ${mean.toFixed(2)} (a q80 re-encode)`);
});

test('grid cells with no stored image (unscanned photos) are the background tile, without a read', async () => {
  const { service, slide, geometry, reader } = await serve(plain.mrxsPath, { limitBounds: false });
  assert.deepEqual([geometry.tileSize, geometry.overlap, geometry.originX, geometry.originY], [256, 0, 0, 0]);
  const full = geometry.levels.at(-1)!;
  const options = { format: 'jpeg' as const, quality: 80, background: reader.info.backgroundColor };
  const blank = await encodeBlankTile(256, 256, options);
  const before = reader.jpegReads;
  // Photo (0, 0) and photo (0, 1): unscanned; tile (4, 4) is the first of photo (1, 1).
  for (const [col, row] of [[0, 0], [3, 3], [2, 6]] as const) {
    const response = await service.getTile(slide.id, full.dzLevel, col, row, 'jpeg');
    assert.equal(response.body, blank, `tile ${col}_${row} is the shared background tile`);
    assert.deepEqual((await diffFromOpenSlide(reader, response.body, tileRegion(geometry, reader.info.levels, full.dzLevel, col, row))).max <= 2, true);
  }
  assert.equal(reader.jpegReads, before);
  const scanned = await service.getTile(slide.id, full.dzLevel, 4, 4, 'jpeg');
  assert.notEqual(scanned.body, blank);
  assert.equal(reader.jpegReads, before, 'a stored image, passed through');
});

test('a fixed grid that does not line up with the stored images decodes every tile', async () => {
  const { service, slide, geometry, reader } = await serve(plain.mrxsPath, { tileSize: 254, overlap: 1 });
  const full = geometry.levels.at(-1)!;
  const before = reader.jpegReads;
  for (const [col, row] of [[0, 0], [3, 2], [full.cols - 1, full.rows - 1]] as const) {
    const response = await service.getTile(slide.id, full.dzLevel, col, row, 'jpeg');
    assert.equal(response.status, 200);
  }
  assert.equal(reader.jpegReads, before + 3);
});

test('overlapping camera photos: no stored grid, tiles decoded and matching OpenSlide', async () => {
  const { geometry, reader } = await serve(overlapping.mrxsPath);
  assert.equal(reader.info.properties['openslide.level[0].tile-width'], undefined, 'OpenSlide drops its tile hints');
  assert.equal(await loadMiraxStoredTiles(reader.info), null);
  assert.deepEqual([geometry.tileSize, geometry.overlap, geometry.originX, geometry.originY], [254, 1, 1024, 1024]);
  // Even on a 256 + 0 grid, where tiles have the size of a stored image, nothing is passed through.
  const forced = await serve(overlapping.mrxsPath, { tileSize: 256, overlap: 0 });
  const full = forced.geometry.levels.at(-1)!;
  for (let col = 0; col < full.cols; col++) {
    const before = forced.reader.jpegReads;
    const response = await forced.service.getTile(forced.slide.id, full.dzLevel, col, 1, 'jpeg');
    assert.equal(response.status, 200);
    assert.equal(forced.reader.jpegReads, before + 1, `tile ${col}_1 decoded`);
    const { mean } = await diffFromOpenSlide(forced.reader, response.body, tileRegion(forced.geometry, forced.reader.info.levels, full.dzLevel, col, 1));
    assert.ok(mean < 3, `tile ${col}_1: mean difference ${mean.toFixed(2)} (a q80 re-encode)`);
  }
});

test('jpegSize reads SOF and refuses what is not a whole JPEG', async () => {
  const jpeg = await sharp({ create: { width: 37, height: 21, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  assert.deepEqual(jpegSize(jpeg), { width: 37, height: 21 });
  assert.equal(jpegSize(jpeg.subarray(0, jpeg.length - 1)), null, 'cut before EOI');
  assert.equal(jpegSize(Buffer.from('not a jpeg')), null);
});
