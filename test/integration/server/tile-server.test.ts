// The tile server over the real OpenSlide reader and the tiny synthetic MIRAX
// slide: DZI, tiles that match the slide's pixels, and a damaged slide that
// gives a 500 while the server keeps answering.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { copyMiraxSlide, readIndexItems, readSlidedat, zeroDataBytes } from '../../fixtures/corrupt-slide.ts';
import type { MiraxCopy } from '../../fixtures/corrupt-slide.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import type { RegisteredSlide } from '../../../src-main/slide/slide-registry.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { tileRegion } from '../../../src-main/slide/deep-zoom.ts';
import { createServer } from '../../../src-main/server/http-server.ts';
import type { RunningServer } from '../../../src-main/server/http-server.ts';
import { tileMount } from '../../../src-main/server/tile-mount.ts';

let registry: SlideRegistry;
let service: TileService;
let server: RunningServer;
let slide: RegisteredSlide;
let damaged: MiraxCopy | null = null;

before(async () => {
  const fixture = await ensureFixtureSlide('tiny');
  registry = new SlideRegistry(openSlide);
  service = new TileService(registry, { cacheBytes: 0 });
  slide = await registry.openPath(fixture.mrxsPath);
  server = await createServer({ mounts: [tileMount(service)] });
});

after(async () => {
  await server.close();
  registry.closeAll();
  await damaged?.dispose();
});

const get = (path: string) => fetch(`${server.baseUrl}${path}`);

/** The slide region behind a tile, composited on the background and shrunk the way a tile should be. */
async function expectedPixels(dzLevel: number, col: number, row: number) {
  const region = tileRegion((await service.geometry(slide)), slide.reader.info.levels, dzLevel, col, row);
  const rgba = await slide.reader.readRegion(region.x0, region.y0, region.slideLevel, region.levelWidth, region.levelHeight);
  const [r, g, b] = slide.reader.info.backgroundColor;
  const { data, info } = await sharp(rgba.data, { raw: { width: rgba.width, height: rgba.height, channels: 4 } })
    .flatten({ background: { r, g, b } })
    .resize(region.tileWidth, region.tileHeight, { fit: 'fill', kernel: 'lanczos3' })
    .raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, region };
}

async function meanAbsDiff(tile: Buffer, expected: Buffer): Promise<number> {
  const { data } = await sharp(tile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(data.length, expected.length);
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += Math.abs(data[i]! - expected[i]!);
  return sum / data.length;
}

test('the DZI is level 0 (here also the scanned bounds), cut in the stored 256 px images with no overlap', async () => {
  const response = await get(`slides/${slide.id}.dzi`);
  assert.equal(response.status, 200);
  const xml = await response.text();
  const bounds = slide.reader.info.bounds!;
  assert.deepEqual(bounds, { x: 0, y: 0, width: 4096, height: 4096 }, 'the tiny slide scans a full row and column of photos');
  assert.match(xml, /TileSize="256" Overlap="0" Format="jpeg"/);
  assert.match(xml, new RegExp(`<Size Width="${bounds.width}" Height="${bounds.height}" />`));
  const list = await (await get('slides')).json() as { slides: Array<{ id: string; format: string }> };
  assert.deepEqual(list.slides.map((s) => [s.id, s.format]), [[slide.id, 'mirax']]);
});

test('a full-resolution tile decodes to its size and matches the slide region', async () => {
  const geometry = (await service.geometry(slide));
  const full = geometry.levels.length - 1;
  const level = geometry.levels[full]!;
  const [col, row] = [Math.floor(level.cols / 2), Math.floor(level.rows / 2)];
  const response = await get(`slides/${slide.id}_files/${full}/${col}_${row}.jpeg`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'image/jpeg');
  const tile = Buffer.from(await response.arrayBuffer());
  const meta = await sharp(tile).metadata();
  assert.deepEqual([meta.width, meta.height], [256, 256]);
  const expected = await expectedPixels(full, col, row);
  const diff = await meanAbsDiff(tile, expected.data);
  assert.ok(diff < 6, `mean absolute difference ${diff.toFixed(2)} per channel`);
});

test('a lower-level tile is shrunk from a coarser slide level and matches it', async () => {
  const geometry = (await service.geometry(slide));
  // The highest DZ level that needs a shrink on top of the slide level it reads.
  let dzLevel = geometry.levels.length - 1;
  while (dzLevel > 0 && geometry.levels[dzLevel]!.slideLevelToDz === 1) dzLevel--;
  assert.ok(geometry.levels[dzLevel]!.slideLevelToDz > 1);
  const response = await get(`slides/${slide.id}/files/${dzLevel}/0_0.jpeg`);
  assert.equal(response.status, 200);
  const tile = Buffer.from(await response.arrayBuffer());
  const expected = await expectedPixels(dzLevel, 0, 0);
  const meta = await sharp(tile).metadata();
  assert.deepEqual([meta.width, meta.height], [expected.width, expected.height]);
  const diff = await meanAbsDiff(tile, expected.data);
  assert.ok(diff < 6, `mean absolute difference ${diff.toFixed(2)} per channel`);
});

test('unscanned corners come out in the slide background colour', async () => {
  const full = (await service.geometry(slide)).levels.length - 1;
  const response = await get(`slides/${slide.id}_files/${full}/0_0.jpeg`);
  const { data } = await sharp(Buffer.from(await response.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
  const region = await slide.reader.readRegion(0, 0, 0, 1, 1);
  assert.equal(region.data[3], 0, 'the fixture keeps its top-left photo unscanned');
  const bg = slide.reader.info.backgroundColor;
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(data[c]! - bg[c]!) <= 3, `channel ${c}: ${data[c]} vs ${bg[c]}`);
});

test('a damaged image gives a 500 naming the tile; the server keeps serving', async () => {
  damaged = await copyMiraxSlide((await ensureFixtureSlide('tiny')).mrxsPath);
  // Zero one level-0 JPEG in the middle of the scan, like a bad sector.
  const level0 = (await readIndexItems(damaged.mrxsPath))[0]!.sort((a, b) => a.imageIndex - b.imageIndex);
  const item = level0[Math.floor(level0.length / 2)]!;
  await zeroDataBytes(damaged, item.fileNumber, item.offset, item.length);
  const imagesX = Number((await readSlidedat(damaged.mrxsPath)).GENERAL?.IMAGENUMBER_X);
  const broken = await registry.openPath(damaged.mrxsPath);
  const geometry = (await service.geometry(broken));
  const full = geometry.levels.length - 1;
  const { cols, rows } = geometry.levels[full]!;
  // Images are 256 px with no overlap: the tile over the image's centre first, then every tile.
  const centre = [((item.imageIndex % imagesX) * 256 + 128), (Math.floor(item.imageIndex / imagesX) * 256 + 128)];
  const order = [[Math.floor(centre[0]! / 254), Math.floor(centre[1]! / 254)]];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) order.push([c, r]);
  let failure: Response | null = null;
  for (const [c, r] of order) {
    const response = await get(`slides/${broken.id}_files/${full}/${c}_${r}.jpeg`);
    if (response.status !== 200) {
      failure = response;
      break;
    }
    await response.arrayBuffer();
  }
  assert.ok(failure, 'some tile of the damaged slide fails');
  assert.equal(failure.status, 500);
  const body = await failure.json() as { code: string; message: string };
  assert.equal(body.code, 'read-failed');
  assert.match(body.message, /Could not read tile \d+\/\d+_\d+ of slide synthetic-tiny/);
  assert.equal((await get(`slides/${slide.id}.dzi`)).status, 200);
  assert.equal((await get(`slides/${slide.id}_files/${full}/0_0.jpeg`)).status, 200);
  assert.equal((await get(`slides/${broken.id}_files/0/0_0.jpeg`)).status, 200, 'the damaged slide still serves other tiles');
});
