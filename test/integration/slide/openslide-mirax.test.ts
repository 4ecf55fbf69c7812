// The OpenSlide reader on the synthetic tiny MIRAX slide (and its TIFF twin):
// geometry and properties as mirax-format.md predicts from Slidedat.ini,
// pixels as the scene renders them, transparency where nothing was scanned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { openSlide, detectSlideFormat } from '../../../src-main/slide/openslide-reader.ts';
import type { SlideReader } from '../../../src-main/slide/slide-reader.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { buildScene, renderRegion } from '../../../src-main/demo/slide-scene.ts';
import type { SlideScene } from '../../../src-main/demo/slide-scene.ts';
import { compareRgba, miraxGeometry } from './mirax-geometry.ts';
import type { MiraxGeometry } from './mirax-geometry.ts';

// JPEG quality 90 at every level: the mean error stays near 1; 4 leaves room
// for an encoder change but catches a shifted, swapped or premultiplied read.
const JPEG_MEAN_TOLERANCE = 4;

let fixture: SyntheticSlide;
let scene: SlideScene;
let geometry: MiraxGeometry;
let reader: SlideReader;

before(async () => {
  fixture = await ensureFixtureSlide('tiny');
  scene = buildScene({ size: 'tiny' });
  geometry = await miraxGeometry(fixture.mrxsPath);
  reader = await openSlide(fixture.mrxsPath);
});

after(() => {
  reader?.close();
});

/** Photos the scene left unscanned (the tiny slide keeps its four corners empty). */
function unscannedPhotos(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let py = 0; py < scene.photosY; py++) {
    for (let px = 0; px < scene.photosX; px++) if ((scene.photoLayerX[py * scene.photosX + px] ?? -1) < 0) out.push([px, py]);
  }
  return out;
}

test('detected and opened as mirax with the levels Slidedat.ini implies', () => {
  assert.equal(detectSlideFormat(fixture.mrxsPath), 'mirax');
  const { info } = reader;
  assert.equal(info.format, 'mirax');
  assert.equal(info.path, fixture.mrxsPath);
  assert.deepEqual(info.levels, geometry.levels);
  assert.equal(info.levels.length, fixture.levels);
  assert.deepEqual(info.levels[0], { width: fixture.width, height: fixture.height, downsample: 1 });
  info.levels.forEach((level, k) => assert.equal(level.downsample, 2 ** k, `level ${k} downsample`));
  assert.equal(info.properties['openslide.level-count'], String(geometry.levels.length));
});

test('properties: mpp, objective power, background, bounds, quickhash', () => {
  const { info } = reader;
  assert.deepEqual([info.mppX, info.mppY], geometry.mpp);
  assert.deepEqual([info.mppX, info.mppY], [0.25, 0.25]);
  assert.equal(info.objectivePower, geometry.objectivePower);
  assert.equal(info.objectivePower, 20);
  assert.deepEqual(info.backgroundColor, geometry.fill);
  assert.deepEqual(info.backgroundColor, fixture.background);
  assert.deepEqual(info.bounds, geometry.bounds);
  assert.match(info.quickhash ?? '', /^[0-9a-f]{64}$/);
  assert.equal(info.properties['mirax.GENERAL.OBJECTIVE_MAGNIFICATION'], '20', 'INI keys show up as mirax.<GROUP>.<KEY>');
});

test('associated images: the names Slidedat.ini lists, decoded as opaque RGBA', async () => {
  assert.ok(geometry.associated.length > 0, 'the fixture has associated images');
  assert.deepEqual([...reader.info.associatedImages].sort(), geometry.associated);
  for (const name of reader.info.associatedImages) {
    const image = await reader.readAssociatedImage(name);
    assert.ok(image.width > 0 && image.height > 0, name);
    assert.equal(image.data.length, image.width * image.height * 4);
    const meta = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).stats();
    assert.equal(meta.channels[3]?.min, 255, `${name} is opaque`);
    assert.ok((meta.channels[0]?.stdev ?? 0) > 1, `${name} is not a flat image`);
  }
});

test('level-0 reads match the scene (JPEG tolerance), across image and photo borders', async () => {
  const spots: Array<[number, number, number, number]> = [
    [fixture.width / 2 - 128, fixture.height / 2 - 128, 256, 256],
    [1024 - 100, 2048 - 60, 256, 256], // crosses a photo corner
    [1500, 1900, 300, 200],
    [3000, 1024, 64, 512],
  ];
  for (const [x0, y0, w, h] of spots) {
    const image = await reader.readRegion(x0, y0, 0, w, h);
    const ref = renderRegion(scene, x0, y0, w, h);
    const { meanAbs, opaque } = compareRgba(image.data, ref.rgb);
    assert.equal(opaque, w * h, `(${x0}, ${y0}) is scanned: fully opaque`);
    assert.ok(meanAbs < JPEG_MEAN_TOLERANCE, `(${x0}, ${y0}) mean abs diff ${meanAbs.toFixed(2)}`);
  }
});

test('lower levels match the scene at their downsample', async () => {
  for (const level of [1, 2]) {
    const ds = reader.info.levels[level]!.downsample;
    const x0 = 1024;
    const y0 = 1024;
    const image = await reader.readRegion(x0, y0, level, 256, 256);
    const ref = renderRegion(scene, x0, y0, 256, 256, ds);
    const { meanAbs, opaque } = compareRgba(image.data, ref.rgb);
    assert.equal(opaque, 256 * 256, `level ${level} fully opaque`);
    assert.ok(meanAbs < JPEG_MEAN_TOLERANCE, `level ${level} mean abs diff ${meanAbs.toFixed(2)}`);
  }
});

test('unscanned photos and the outside of the slide read back transparent', async () => {
  const photos = unscannedPhotos();
  assert.ok(photos.length > 0, 'the scene has unscanned photos');
  const present = new Set((geometry.items[0] ?? []).map((i) => i.imageIndex));
  for (const [px, py] of photos) {
    const x0 = px * scene.photoWidth;
    const y0 = py * scene.photoHeight;
    const firstImage = (py * geometry.divisions) * geometry.imagesX + px * geometry.divisions;
    assert.ok(!present.has(firstImage), `Index.dat has no image for unscanned photo (${px}, ${py})`);
    const image = await reader.readRegion(x0, y0, 0, scene.photoWidth, scene.photoHeight);
    assert.ok(image.data.every((v) => v === 0), `photo (${px}, ${py}) is 0,0,0,0 everywhere`);
  }
  const outside = await reader.readRegion(fixture.width - 16, -16, 0, 64, 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const inside = x < 16 && y >= 16;
      const alpha = outside.data[(y * 64 + x) * 4 + 3];
      if (!inside) assert.equal(alpha, 0, `outside pixel (${x}, ${y})`);
    }
  }
});

test('readRegionOnBackground: the same pixels, unscanned photos and the outside as the slide\'s background colour', async () => {
  const [px, py] = unscannedPhotos()[0]!;
  // An unscanned photo's corner, its scanned neighbours and the slide's edge in one region.
  const x0 = Math.max(0, px * scene.photoWidth - 40);
  const y0 = Math.max(0, py * scene.photoHeight - 40);
  const [w, h] = [scene.photoWidth + 80, scene.photoHeight + 80];
  const straight = await reader.readRegion(x0, y0, 0, w, h);
  const opaque = await reader.readRegionOnBackground!(x0, y0, 0, w, h);
  const background = reader.info.backgroundColor;
  let unscanned = 0;
  for (let p = 0; p < w * h; p++) {
    const i = p * 4;
    assert.equal(opaque.data[i + 3], 255, `pixel ${p} is opaque`);
    const a = straight.data[i + 3]!;
    for (let c = 0; c < 3; c++) {
      const want = Math.round((straight.data[i + c]! * a + background[c]! * (255 - a)) / 255);
      assert.ok(Math.abs(opaque.data[i + c]! - want) <= 1, `pixel ${p} channel ${c}: ${opaque.data[i + c]} vs ${want}`);
    }
    if (a === 0) unscanned++;
  }
  assert.ok(unscanned > (scene.photoWidth - 40) * (scene.photoHeight - 40), `${unscanned} unscanned pixels in the region`);
});

test('edge pixels with partial alpha come back un-premultiplied', async () => {
  // Level 1 at an odd level-0 x: tiles land on half pixels, so the border of
  // the unscanned corner photo (0, 0) blends into transparency.
  const [px, py] = unscannedPhotos().find(([x, y]) => x === 0 && y === 0) ?? [-1, -1];
  assert.equal(px + py, 0, 'photo (0, 0) is unscanned');
  const x0 = scene.photoWidth - 1;
  const image = await reader.readRegion(x0, 101, 1, 64, 64);
  let partial = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 63; x++) {
      const i = (y * 64 + x) * 4;
      const a = image.data[i + 3]!;
      if (a === 0 || a === 255) continue;
      partial++;
      const right = i + 4;
      assert.equal(image.data[right + 3], 255, 'an opaque pixel follows the blended one');
      for (let c = 0; c < 3; c++) {
        // Premultiplied values would be about a/255 of their neighbour's.
        assert.ok(Math.abs(image.data[i + c]! - image.data[right + c]!) <= 12,
          `pixel (${x}, ${y}) channel ${c}: ${image.data[i + c]} next to ${image.data[right + c]} at alpha ${a}`);
      }
    }
  }
  assert.ok(partial > 0, 'the read has partially transparent pixels');
});

test('bestLevelForDownsample picks the deepest level not above the request', () => {
  const last = reader.info.levels.length - 1;
  assert.equal(reader.bestLevelForDownsample(0.5), 0);
  assert.equal(reader.bestLevelForDownsample(1), 0);
  assert.equal(reader.bestLevelForDownsample(1.99), 0);
  assert.equal(reader.bestLevelForDownsample(2), 1);
  assert.equal(reader.bestLevelForDownsample(3), 1);
  assert.equal(reader.bestLevelForDownsample(4), 2);
  assert.equal(reader.bestLevelForDownsample(2 ** last), last);
  assert.equal(reader.bestLevelForDownsample(10_000), last);
});

test('the TIFF twin opens as generic-tiff with the same pixels', async (t) => {
  if (!fixture.tiffPath) {
    t.skip('the fixture has no TIFF');
    return;
  }
  const tiff = await openSlide(fixture.tiffPath);
  try {
    assert.equal(tiff.info.format, 'generic-tiff');
    assert.deepEqual(tiff.info.levels[0], { width: fixture.width, height: fixture.height, downsample: 1 });
    assert.ok(Math.abs((tiff.info.mppX ?? 0) - 0.25) < 1e-9, `mppX from the TIFF resolution: ${tiff.info.mppX}`);
    const x0 = 2000;
    const y0 = 1800;
    const image = await tiff.readRegion(x0, y0, 0, 256, 256);
    const { meanAbs, opaque } = compareRgba(image.data, renderRegion(scene, x0, y0, 256, 256).rgb);
    assert.equal(opaque, 256 * 256);
    assert.ok(meanAbs < JPEG_MEAN_TOLERANCE, `mean abs diff ${meanAbs.toFixed(2)}`);
  } finally {
    tiff.close();
  }
});
