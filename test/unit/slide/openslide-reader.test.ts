// openSlide / detectSlideFormat on a generic TIFF written with sharp, and on
// every kind of file that is not a slide: real OpenSlide, no mocks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { detectSlideFormat, openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { loadOpenSlideBinding } from '../../../src-main/slide/openslide-native.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import type { SlideErrorCode } from '../../../src-main/slide/slide-error.ts';
import { makeTextFileSlide } from '../../fixtures/corrupt-slide.ts';

let dir = '';
let tiffPath = '';
const width = 2000;
const height = 1500;

/** Solid quadrants, so any read can be checked exactly. */
function quadrant(x: number, y: number): [number, number, number] {
  if (y < 750) return x < 1000 ? [200, 40, 40] : [40, 200, 40];
  return x < 1000 ? [40, 40, 200] : [250, 250, 90];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smearlab-reader-'));
  tiffPath = join(dir, 'quadrants.tiff');
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(quadrant(x, y), (y * width + x) * 3);
  }
  // 4000 px/mm = 0.25 um per pixel; OpenSlide reads it from the centimetre unit.
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .tiff({ tile: true, pyramid: true, compression: 'deflate', tileWidth: 256, tileHeight: 256,
      xres: 4000, yres: 4000, resolutionUnit: 'cm' })
    .toFile(tiffPath);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isSlideError(code: SlideErrorCode, message: RegExp, path: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SlideError, `a SlideError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.equal(err.path, path);
    assert.ok(err.message.includes(path), 'the message names the file');
    return true;
  };
}

test('detectSlideFormat names the vendor or returns null', async () => {
  assert.equal(detectSlideFormat(tiffPath), 'generic-tiff');
  const text = join(dir, 'notes.txt');
  await writeFile(text, 'hello');
  assert.equal(detectSlideFormat(text), null);
  assert.equal(detectSlideFormat(join(dir, 'missing.tiff')), null);
});

test('info describes a generic TIFF', async () => {
  const reader = await openSlide(tiffPath);
  try {
    const { info } = reader;
    assert.equal(info.path, tiffPath);
    assert.equal(info.format, 'generic-tiff');
    assert.deepEqual(info.levels.slice(0, 3), [
      { width: 2000, height: 1500, downsample: 1 },
      { width: 1000, height: 750, downsample: 2 },
      { width: 500, height: 375, downsample: 4 },
    ]);
    assert.ok(Math.abs(info.mppX! - 0.25) < 1e-6, `mppX ${info.mppX}`);
    assert.ok(Math.abs(info.mppY! - 0.25) < 1e-6, `mppY ${info.mppY}`);
    assert.equal(info.objectivePower, null);
    assert.deepEqual(info.backgroundColor, [255, 255, 255], 'white when the scan does not say');
    assert.equal(info.bounds, null);
    assert.match(info.quickhash ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(info.associatedImages, []);
    assert.equal(info.properties['openslide.vendor'], 'generic-tiff');
    assert.equal(reader.closed, false);
  } finally {
    reader.close();
  }
});

test('readRegion returns straight RGBA at level 0 and at a lower level', async () => {
  const reader = await openSlide(tiffPath);
  try {
    const image = await reader.readRegion(990, 740, 0, 20, 20);
    assert.equal(image.width, 20);
    assert.equal(image.height, 20);
    assert.equal(image.data.length, 20 * 20 * 4);
    for (const [dx, dy] of [[0, 0], [19, 0], [0, 19], [19, 19], [9, 9], [10, 10]] as const) {
      const i = (dy * 20 + dx) * 4;
      assert.deepEqual([...image.data.subarray(i, i + 4)], [...quadrant(990 + dx, 740 + dy), 255], `(${dx}, ${dy})`);
    }
    // Level 2: (x0, y0) stay level-0 coordinates; 50x50 level-2 px cover 200x200 level-0 px.
    const low = await reader.readRegion(1600, 1200, 2, 50, 50);
    assert.deepEqual([...low.data.subarray(0, 4)], [250, 250, 90, 255]);
    const edge = await reader.readRegion(1990, 1490, 0, 20, 20);
    assert.deepEqual([...edge.data.subarray((19 * 20 + 19) * 4)], [0, 0, 0, 0], 'past the edge is transparent');
  } finally {
    reader.close();
  }
});

test('bestLevelForDownsample agrees with OpenSlide', async () => {
  const reader = await openSlide(tiffPath);
  const native = await loadOpenSlideBinding().open(tiffPath);
  try {
    for (const d of [0.1, 1, 1.5, 2, 2.5, 4, 7.9, 8, 16, 1000, Number.POSITIVE_INFINITY]) {
      assert.equal(reader.bestLevelForDownsample(d), native.bestLevelForDownsample(d), `downsample ${d}`);
    }
    assert.equal(reader.bestLevelForDownsample(3), 1);
    assert.throws(() => reader.bestLevelForDownsample(Number.NaN), isSlideError('bad-argument', /needs a number/, tiffPath));
  } finally {
    reader.close();
    native.close();
  }
});

test('bad arguments reject with SlideError bad-argument, the reader keeps working', async () => {
  const reader = await openSlide(tiffPath);
  try {
    await assert.rejects(reader.readRegion(0, 0, 0, -16, 16), isSlideError('bad-argument', /must be positive, got -16x16/, tiffPath));
    await assert.rejects(reader.readRegion(0, 0, 99, 16, 16), isSlideError('bad-argument', /Level 99 does not exist/, tiffPath));
    await assert.rejects(reader.readRegion(0, 0, 0, 1.5, 16), isSlideError('bad-argument', /integers/, tiffPath));
    await assert.rejects(reader.readAssociatedImage('label'), isSlideError('bad-argument', /No associated image named 'label'/, tiffPath));
    const ok = await reader.readRegion(0, 0, 0, 2, 2);
    assert.deepEqual([...ok.data.subarray(0, 4)], [200, 40, 40, 255]);
  } finally {
    reader.close();
  }
});

test('use after close rejects as closed; reads in flight still finish', async () => {
  const reader = await openSlide(tiffPath);
  const inFlight = Array.from({ length: 10 }, (_, i) => reader.readRegion(i * 100, i * 50, 0, 256, 256));
  reader.close();
  assert.equal(reader.closed, true);
  const done = await Promise.all(inFlight);
  assert.ok(done.every((img) => img.data[3] === 255), 'in-flight reads returned pixels');
  await assert.rejects(reader.readRegion(0, 0, 0, 8, 8), isSlideError('closed', /closed/, tiffPath));
  await assert.rejects(reader.readAssociatedImage('macro'), isSlideError('closed', /closed/, tiffPath));
  assert.throws(() => reader.bestLevelForDownsample(1), isSlideError('closed', /closed/, tiffPath));
  reader.close(); // twice is fine
});

test('not-found: a path that does not exist', async () => {
  const missing = join(dir, 'nowhere', 'scan.mrxs');
  await assert.rejects(openSlide(missing), isSlideError('not-found', /not found/, missing));
});

test('unsupported-format: text file named .mrxs, upper-case .MRXS, a folder, a text file', async () => {
  const textMrxs = await makeTextFileSlide(dir, 'x.mrxs');
  await assert.rejects(openSlide(textMrxs),
    isSlideError('unsupported-format', /data folder .*x with Slidedat\.ini is missing/, textMrxs));
  const upper = await makeTextFileSlide(dir, 'SCAN.MRXS');
  await mkdir(join(dir, 'SCAN'), { recursive: true });
  await writeFile(join(dir, 'SCAN', 'Slidedat.ini'), '[GENERAL]\n');
  await assert.rejects(openSlide(upper), isSlideError('unsupported-format', /lower-case \.mrxs/, upper));
  await assert.rejects(openSlide(dir), isSlideError('unsupported-format', /folder/, dir));
  const text = join(dir, 'readme.tiff');
  await writeFile(text, 'not a tiff at all');
  await assert.rejects(openSlide(text), isSlideError('unsupported-format', /does not recognise/, text));
});

test('openslide: a MIRAX whose Slidedat.ini is garbage keeps OpenSlide\'s message', async () => {
  const mrxs = await makeTextFileSlide(dir, 'garbled.mrxs');
  await mkdir(join(dir, 'garbled'), { recursive: true });
  await writeFile(join(dir, 'garbled', 'Slidedat.ini'), 'this is not an ini line\n');
  await assert.rejects(openSlide(mrxs), isSlideError('openslide', /Can't load Slidedat\.ini file/, mrxs));
});
