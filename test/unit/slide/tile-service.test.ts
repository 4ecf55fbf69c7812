import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import type { ServiceResponse } from '../../../src-main/slide/tile-service.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import { MemorySlideReader } from './tile-memory-reader.ts';
import type { MemoryReaderOptions } from './tile-memory-reader.ts';

function setup(options: Partial<MemoryReaderOptions> = {}, cacheBytes = 1 << 20) {
  const registry = new SlideRegistry();
  const reader = new MemorySlideReader({ width: 1000, height: 700, levelCount: 3, ...options });
  const slide = registry.add(reader);
  const service = new TileService(registry, { cacheBytes });
  return { registry, reader, slide, service };
}

function errorOf(response: ServiceResponse) {
  return { status: response.status, code: response.error?.code, json: JSON.parse(response.body.toString()) };
}

test('serves a DZI for a registered slide', async () => {
  const { service, slide } = setup();
  const dzi = await service.getDzi(slide.id);
  assert.equal(dzi.status, 200);
  assert.equal(dzi.contentType, 'application/xml; charset=utf-8');
  assert.match(dzi.body.toString(), /<Size Width="1000" Height="700" \/>/);
  assert.match(dzi.body.toString(), /Format="jpeg"/);
});

test('serves JPEG and WebP tiles of the right size', async () => {
  const { service, slide } = setup();
  const jpeg = await service.getTile(slide.id, '10', '3', '2', 'jpeg');
  assert.equal(jpeg.status, 200);
  assert.equal(jpeg.contentType, 'image/jpeg');
  const meta = await sharp(jpeg.body).metadata();
  // Level 10 is full resolution: last column 1000 - 3 * 254 = 238 (+1 before), last row 700 - 2 * 254 = 192 (+1).
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 239, 193]);
  const webp = await service.getTile(slide.id, 9, 0, 0, 'webp');
  assert.equal(webp.contentType, 'image/webp');
  const webpMeta = await sharp(webp.body).metadata();
  assert.deepEqual([webpMeta.format, webpMeta.width, webpMeta.height], ['webp', 255, 255]);
  assert.equal((await service.getTile(slide.id, 10, 0, 0, 'jpg')).contentType, 'image/jpeg');
});

test('tile pixels come from the right place of the slide', async () => {
  // Left half red, right half blue at level 0: a full-res tile across x = 500.
  const { service, slide } = setup({ pixel: (x) => (x < 500 ? [255, 0, 0, 255] : [0, 0, 255, 255]) });
  const tile = await service.getTile(slide.id, 10, 1, 0, 'jpeg'); // x0 = 253 .. 509
  const { data, info } = await sharp(tile.body).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number) => [...data.subarray((100 * info.width + x) * 3, (100 * info.width + x) * 3 + 3)];
  assert.ok(at(200)[0]! > 200 && at(200)[2]! < 60, `left of 500 is red: ${at(200)}`);
  assert.ok(at(252)[2]! > 200 && at(252)[0]! < 60, `right of 500 is blue: ${at(252)}`);
});

test('by default the DZI is cut to the scanned bounds and its pixel (0, 0) is their corner; limitBounds: false keeps level 0', async () => {
  // Red inside the bounds' first 100 px columns, blue elsewhere: tile (0, 0) at full resolution must start red.
  const bounds = { x: 300, y: 200, width: 600, height: 400 };
  const pixel = (x: number): [number, number, number, number] => (x >= 300 && x < 400 ? [255, 0, 0, 255] : [0, 0, 255, 255]);
  const { service, slide, registry } = setup({ bounds, pixel });
  assert.match((await service.getDzi(slide.id)).body.toString(), /<Size Width="600" Height="400" \/>/);
  const geometry = await service.geometry(slide);
  assert.deepEqual([geometry.originX, geometry.originY], [300, 200]);
  const [summary] = await service.listSlides();
  assert.deepEqual([summary?.originX, summary?.originY], [300, 200]);
  const full = geometry.levels.length - 1;
  const tile = await service.getTile(slide.id, full, 0, 0, 'jpeg');
  const { data, info } = await sharp(tile.body).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number) => [...data.subarray((50 * info.width + x) * 3, (50 * info.width + x) * 3 + 3)];
  assert.ok(at(10)[0]! > 200 && at(10)[2]! < 60, `DZ x 10 is level-0 x 310, red: ${at(10)}`);
  assert.ok(at(150)[2]! > 200 && at(150)[0]! < 60, `DZ x 150 is level-0 x 450, blue: ${at(150)}`);
  // Tiles beyond the bounds do not exist.
  const last = geometry.levels[full]!;
  assert.deepEqual([last.cols, last.rows], [3, 2]);
  assert.equal((await service.getTile(slide.id, full, 3, 0, 'jpeg')).status, 404);

  const whole = new TileService(registry, { limitBounds: false });
  assert.match((await whole.getDzi(slide.id)).body.toString(), /<Size Width="1000" Height="700" \/>/);
  const wholeGeometry = await whole.geometry(slide);
  assert.deepEqual([wholeGeometry.originX, wholeGeometry.originY], [0, 0]);
});

test('repeated and concurrent requests for one tile read the slide once', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const { service, slide, reader } = setup({ beforeRead: () => gate });
  const pending = Promise.all([1, 2, 3].map(() => service.getTile(slide.id, 10, 1, 1, 'jpeg')));
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const responses = await pending;
  assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
  assert.equal(reader.reads, 1);
  await service.getTile(slide.id, 10, 1, 1, 'jpeg');
  assert.equal(reader.reads, 1, 'served from cache');
  await service.getTile(slide.id, 10, 1, 1, 'webp');
  assert.equal(reader.reads, 2, 'another format is another tile');
});

test('with the cache off every request reads again', async () => {
  const { service, slide, reader } = setup({}, 0);
  await service.getTile(slide.id, 10, 0, 0, 'jpeg');
  await service.getTile(slide.id, 10, 0, 0, 'jpeg');
  assert.equal(reader.reads, 2);
  assert.equal(service.cache.bytes, 0);
});

test('a flood of requests never has more reads in flight than the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const registry = new SlideRegistry();
  const reader = new MemorySlideReader({
    width: 2000, height: 2000, levelCount: 1,
    beforeRead: async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
    },
  });
  const slide = registry.add(reader);
  const service = new TileService(registry, { cacheBytes: 0, readConcurrency: 2 });
  const requests = [];
  for (let c = 0; c < 6; c++) for (let r = 0; r < 3; r++) requests.push(service.getTile(slide.id, 11, c, r, 'jpeg'));
  const responses = await Promise.all(requests);
  assert.ok(responses.every((r) => r.status === 200));
  assert.equal(reader.reads, 18);
  assert.equal(peak, 2);
});

test('bad requests are 400, missing things 404, never a throw', async () => {
  const { service, slide } = setup();
  const cases: Array<[Promise<ServiceResponse>, number, string]> = [
    [service.getTile(slide.id, '-1', '0', '0', 'jpeg'), 400, 'negative level'],
    [service.getTile(slide.id, '1.5', '0', '0', 'jpeg'), 400, 'fractional level'],
    [service.getTile(slide.id, '01', '0', '0', 'jpeg'), 400, 'leading zero'],
    [service.getTile(slide.id, '1e1', '0', '0', 'jpeg'), 400, 'exponent'],
    [service.getTile(slide.id, '10', 'x', '0', 'jpeg'), 400, 'column not a number'],
    [service.getTile(slide.id, '10', '0', '', 'jpeg'), 400, 'empty row'],
    [service.getTile(slide.id, 10, -1, 0, 'jpeg'), 400, 'negative number'],
    [service.getTile(slide.id, '10', '0', '0', 'png'), 400, 'unknown format'],
    [service.getTile(slide.id, '10', '0', '0', ''), 400, 'empty format'],
    [service.getTile('..', '10', '0', '0', 'jpeg'), 400, 'dot-dot id'],
    [service.getTile('../../etc/passwd', '10', '0', '0', 'jpeg'), 400, 'path id'],
    [service.getTile('%2e%2e%2f', '10', '0', '0', 'jpeg'), 400, 'encoded id'],
    [service.getDzi('/etc/passwd'), 400, 'absolute path id'],
    [service.getDzi(slide.id.toUpperCase()), 400, 'upper-case id'],
    [service.getDzi('0'.repeat(32)), 404, 'unknown id'],
    [service.getTile('f'.repeat(32), '10', '0', '0', 'jpeg'), 404, 'unknown id tile'],
    [service.getTile(slide.id, '11', '0', '0', 'jpeg'), 404, 'level past full resolution'],
    [service.getTile(slide.id, '10', '4', '0', 'jpeg'), 404, 'column past the edge'],
    [service.getTile(slide.id, '10', '0', '3', 'jpeg'), 404, 'row past the edge'],
    [service.getTile(slide.id, '999999999', '0', '0', 'jpeg'), 404, 'huge level'],
  ];
  for (const [pending, status, what] of cases) {
    const response = await pending;
    const { json } = errorOf(response);
    assert.equal(response.status, status, what);
    assert.equal(response.contentType, 'application/json; charset=utf-8', what);
    assert.equal(typeof json.message, 'string', what);
    assert.equal(json.code, status === 400 ? 'bad-request' : 'not-found', what);
  }
});

test('a failing read is a 500 naming the tile and slide; the next read works', async () => {
  const registry = new SlideRegistry();
  const broken = registry.add(new MemorySlideReader({
    width: 600, height: 600, failWith: new SlideError('openslide', '/memory/test.mrxs', 'Error reading JPEG: premature end of data'),
  }));
  const good = registry.add(new MemorySlideReader({ width: 600, height: 600 }));
  const service = new TileService(registry);
  const response = await service.getTile(broken.id, 10, 0, 0, 'jpeg');
  const { status, code, json } = errorOf(response);
  assert.deepEqual([status, code], [500, 'read-failed']);
  assert.match(json.message, /tile 10\/0_0 of slide test\.mrxs/);
  assert.match(json.message, /premature end of data/);
  assert.equal((await service.getTile(good.id, 10, 0, 0, 'jpeg')).status, 200);
});

test('a removed slide is 404 and its tiles leave the cache', async () => {
  const { service, slide, registry } = setup();
  await service.getTile(slide.id, 10, 0, 0, 'jpeg');
  assert.ok(service.cache.bytes > 0);
  registry.remove(slide.id);
  assert.equal(service.cache.bytes, 0);
  assert.equal((await service.getTile(slide.id, 10, 0, 0, 'jpeg')).status, 404);
  assert.equal((await service.getDzi(slide.id)).status, 404);
});

test('a slide closed under a running read answers 404, not 500', async () => {
  const registry = new SlideRegistry();
  const reader = new MemorySlideReader({ width: 600, height: 600, failWith: new SlideError('closed', '/memory/test.mrxs', 'The slide is closed') });
  const slide = registry.add(reader);
  const response = await new TileService(registry).getTile(slide.id, 10, 0, 0, 'jpeg');
  assert.equal(response.status, 404);
});

test('lists open slides without paths', async () => {
  const { service, slide } = setup();
  const [summary] = await service.listSlides();
  assert.equal(summary?.id, slide.id);
  assert.equal(summary?.name, 'test.mrxs');
  assert.deepEqual([summary?.width, summary?.height, summary?.dzLevels, summary?.tileSize, summary?.overlap], [1000, 700, 11, 254, 1]);
  assert.ok(!JSON.stringify(summary).includes('/memory/'));
});

test('rejects impossible options', () => {
  assert.throws(() => new TileService(new SlideRegistry(), { jpegQuality: 0 }), RangeError);
  assert.throws(() => new TileService(new SlideRegistry(), { webpQuality: 101 }), RangeError);
});

test('a slide without a usable pyramid is a 500, not a throw', async () => {
  const registry = new SlideRegistry();
  const slide = registry.add(new MemorySlideReader({ width: 0, height: 0 }));
  const service = new TileService(registry);
  const dzi = await service.getDzi(slide.id);
  assert.equal(dzi.status, 500);
  assert.match(dzi.error?.message ?? '', /no usable image pyramid/);
  assert.equal((await service.getTile(slide.id, 0, 0, 0, 'jpeg')).status, 500);
  assert.equal((await service.listSlides())[0]?.dzLevels, 0);
});
