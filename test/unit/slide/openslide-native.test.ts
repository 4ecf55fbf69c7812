// The Node-API addon itself, on a generic TIFF written with sharp: pixel
// conversion, JPEG tiles, argument checks, close with reads in flight, the
// finalizer, the malloc tuning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { loadOpenSlideBinding, openSlideAddonPath } from '../../../src-main/slide/openslide-native.ts';
import type { NativeSlide } from '../../../src-main/slide/openslide-native.ts';

const binding = loadOpenSlideBinding();
let dir = '';
let tiffPath = '';
const width = 1024;
const height = 768;

/** Pixel (x, y) of the test image: a gradient; right half semi-transparent, right quarter transparent. */
function expected(x: number, y: number): [number, number, number, number] {
  return [x & 255, y & 255, (x >> 8) * 60 + (y >> 8) * 20, x < 512 ? 255 : x < 768 ? 128 : 0];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smearlab-native-'));
  tiffPath = join(dir, 'gradient.tiff');
  const raw = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(expected(x, y), (y * width + x) * 4);
  }
  // Deflate keeps pixels exact; libtiff hands OpenSlide premultiplied alpha.
  await sharp(raw, { raw: { width, height, channels: 4 } })
    .tiff({ tile: true, pyramid: true, compression: 'deflate', tileWidth: 256, tileHeight: 256 })
    .toFile(tiffPath);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('reports the libopenslide version and detects vendors', () => {
  assert.match(binding.version(), /^\d+\.\d+\.\d+/);
  assert.equal(binding.detectVendor(tiffPath), 'generic-tiff');
  assert.equal(binding.detectVendor(join(dir, 'missing.tiff')), null);
});

test('premultiplied ARGB becomes straight RGBA (exact values)', () => {
  const words = new Uint32Array([0x80402010, 0x00ffffff, 0xff112233, 0x01010101, 0x7f7f7f7f, 0x40200000]);
  const out = binding.premultipliedArgbToRgba(Buffer.from(words.buffer));
  assert.deepEqual([...out], [
    0x80, 0x40, 0x20, 0x80, // (64*255+64)/128 = 128 ...
    0, 0, 0, 0, // alpha 0 -> fully transparent black, whatever the colour words say
    0x11, 0x22, 0x33, 0xff,
    0xff, 0xff, 0xff, 0x01,
    0xff, 0xff, 0xff, 0x7f,
    0x80, 0, 0, 0x40,
  ]);
});

test('open caches levels, properties and reads exact pixels', async () => {
  const slide = await binding.open(tiffPath);
  try {
    assert.equal(slide.vendor, 'generic-tiff');
    assert.equal(slide.path, tiffPath);
    assert.deepEqual(slide.levels[0], { width, height, downsample: 1 });
    assert.equal(slide.levels.length, 3);
    assert.equal(slide.properties['openslide.vendor'], 'generic-tiff');
    const region = await slide.readRegion(500, 300, 0, 300, 2);
    assert.equal(region.length, 300 * 2 * 4);
    for (const dx of [0, 11, 12, 100, 267, 268, 299]) {
      const got = [...region.subarray(dx * 4, dx * 4 + 4)];
      const [r, g, b, a] = expected(500 + dx, 300);
      if (a === 0) assert.deepEqual(got, [0, 0, 0, 0], `x=${500 + dx}`);
      else {
        // Alpha 128 went through libtiff's premultiply and back: +-1.
        for (const [i, want] of [r, g, b].entries()) assert.ok(Math.abs(got[i]! - want) <= 1, `x=${500 + dx} ch${i}: ${got[i]} vs ${want}`);
        assert.equal(got[3], a);
      }
    }
    const outside = await slide.readRegion(width + 10, -50, 0, 8, 8);
    assert.ok(outside.every((v) => v === 0), 'outside the slide reads transparent');
  } finally {
    slide.close();
  }
});

test('bestLevelForDownsample follows OpenSlide', async () => {
  const slide = await binding.open(tiffPath);
  assert.equal(slide.bestLevelForDownsample(0.5), 0);
  assert.equal(slide.bestLevelForDownsample(1.9), 0);
  assert.equal(slide.bestLevelForDownsample(2), 1);
  assert.equal(slide.bestLevelForDownsample(3.99), 1);
  assert.equal(slide.bestLevelForDownsample(100), 2);
  assert.throws(() => slide.bestLevelForDownsample(Number.NaN), { code: 'bad-argument' });
  slide.close();
});

test('bad arguments reject with bad-argument and the slide keeps working', async () => {
  const slide = await binding.open(tiffPath);
  const cases: Array<[unknown[], RegExp]> = [
    [[0, 0, 3, 1, 1], /Level 3 does not exist: the slide has levels 0\.\.2/],
    [[0, 0, -1, 1, 1], /Level -1 does not exist/],
    [[0, 0, 0, -5, 10], /must be positive, got -5x10/],
    [[0, 0, 0, 0, 10], /must be positive/],
    [[0.5, 0, 0, 1, 1], /five integers/],
    [[0, 0, 0, 1], /five integers/],
    [['0', 0, 0, 1, 1], /five integers/],
    [[0, 0, 0, 100_000, 100_000], /larger than the limit/],
    [[0, 0, 0, Number.POSITIVE_INFINITY, 1], /five integers/],
    [[0, 0, 0, 1, 1, [1, 2]], /background must be \[r, g, b\]/],
    [[0, 0, 0, 1, 1, [1, 2, 256]], /background must be \[r, g, b\]/],
    [[0, 0, 0, 1, 1, '#fff'], /background must be \[r, g, b\]/],
    [[0, 0, 0, 1, 1, [1, 2, 3], 7], /five integers and an optional \[r, g, b\]/],
  ];
  for (const [args, message] of cases) {
    const read = slide.readRegion as (...a: unknown[]) => Promise<Buffer>;
    await assert.rejects(read.apply(slide, args), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'bad-argument');
      assert.match(err.message, message);
      assert.ok(err.message.includes(tiffPath), 'message names the slide');
      return true;
    });
  }
  await assert.rejects(slide.readAssociatedImage('label'), /No associated image named 'label' \(the slide has: none\)/);
  assert.equal((await slide.readRegion(0, 0, 0, 4, 4)).length, 64);
  slide.close();
});

test('close with reads in flight: they finish, later calls reject as closed', async () => {
  const live = binding.liveHandles();
  const slide = await binding.open(tiffPath);
  assert.equal(binding.liveHandles(), live + 1);
  const reads = Array.from({ length: 20 }, (_, i) => slide.readRegion(i * 16, i * 8, i % 3, 256, 256));
  slide.close();
  slide.close(); // idempotent
  assert.equal(slide.closed, true);
  const done = await Promise.all(reads);
  assert.equal(binding.liveHandles(), live, 'the last read to finish closed the handle');
  assert.ok(done.every((buf) => buf.length === 256 * 256 * 4));
  assert.ok(done[0]!.some((v) => v !== 0), 'the in-flight read returned pixels');
  await assert.rejects(slide.readRegion(0, 0, 0, 1, 1), { code: 'closed', message: /closed/ });
  await assert.rejects(slide.readAssociatedImage('macro'), { code: 'closed' });
  assert.throws(() => slide.bestLevelForDownsample(1), { code: 'closed' });
});

test('open errors carry a code and the path', async () => {
  await assert.rejects(binding.open(join(dir, 'nope.tiff')), { code: 'not-found', path: join(dir, 'nope.tiff') });
  await assert.rejects(binding.open(dir), { code: 'unsupported-format' });
  await assert.rejects((binding.open as (p: unknown) => Promise<NativeSlide>)(42), { code: 'bad-argument' });
});

test('slides never closed are released by the garbage collector', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await settle();
  const baseline = binding.liveHandles();
  // In a function of its own so no frame of this test keeps the last slide reachable.
  const openAndForget = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      const slide = await binding.open(tiffPath);
      await slide.readRegion(0, 0, 0, 16, 16);
    }
  };
  await openAndForget();
  assert.equal(binding.liveHandles(), baseline + 10);
  await settle();
  // One may stay reachable from a promise the engine still holds; ten would mean no finalizer.
  assert.ok(binding.liveHandles() <= baseline + 1, `finalizers closed the handles (${binding.liveHandles() - baseline} of 10 left)`);
});

/** The straight RGBA of `rgba` painted over `bg`, as RGB (what a JPEG tile should show). */
function composite(rgba: Buffer, bg: readonly [number, number, number]): Buffer {
  const out = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    const a = rgba[i + 3]!;
    for (let c = 0; c < 3; c++) out[o + c] = Math.round((rgba[i + c]! * a + bg[c]! * (255 - a)) / 255);
  }
  return out;
}

async function decodeJpeg(jpeg: Buffer) {
  const meta = await sharp(jpeg).metadata();
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

test('readRegionJpeg: a JPEG of the region composited on the background', async () => {
  const slide = await binding.open(tiffPath);
  try {
    // x 400..899 crosses opaque (< 512), half transparent (< 768) and transparent columns.
    const [x0, y0, w, h] = [400, 100, 500, 200];
    const background = [10, 200, 30] as const;
    const jpeg = await slide.readRegionJpeg(x0, y0, 0, w, h, { quality: 95, background });
    assert.ok(jpeg, 'a partly scanned region is encoded');
    const { meta, data, info } = await decodeJpeg(jpeg);
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.chromaSubsampling], ['jpeg', w, h, 3, '4:2:0']);
    assert.equal(info.channels, 3);
    const want = composite(await slide.readRegion(x0, y0, 0, w, h), background);
    // Per band: the mean error of JPEG at q95 stays near 1; a missed composite
    // (black or premultiplied pixels) or a channel swap is off by tens.
    for (const [from, to] of [[0, 112], [112, 368], [368, 500]] as const) {
      let sum = 0;
      let n = 0;
      for (let y = 0; y < h; y++) {
        for (let x = from; x < to; x++) {
          for (let c = 0; c < 3; c++) sum += Math.abs(data[(y * w + x) * 3 + c]! - want[(y * w + x) * 3 + c]!);
          n += 3;
        }
      }
      assert.ok(sum / n < 2.5, `columns ${x0 + from}..${x0 + to - 1}: mean abs diff ${(sum / n).toFixed(2)}`);
    }
    const transparentPixel = ((h / 2) * w + 450) * 3; // x = 850: alpha 0
    for (const [c, value] of background.entries()) {
      assert.ok(Math.abs(data[transparentPixel + c]! - value) <= 4, `unscanned pixel channel ${c}: ${data[transparentPixel + c]}`);
    }
  } finally {
    slide.close();
  }
});

test('readRegion with a background: composited in the same pass, every pixel opaque', async () => {
  const slide = await binding.open(tiffPath);
  try {
    // Opaque, half-transparent and transparent columns, at level 0 and a reduced level.
    for (const [x0, y0, level, w, h] of [[400, 100, 0, 500, 64], [0, 0, 1, 512, 384]] as const) {
      const background = [10, 200, 30] as const;
      const flat = await slide.readRegion(x0, y0, level, w, h, background);
      const want = composite(await slide.readRegion(x0, y0, level, w, h), background);
      let worst = 0;
      for (let p = 0; p < w * h; p++) {
        assert.equal(flat[p * 4 + 3], 255, `alpha at pixel ${p}`);
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(flat[p * 4 + c]! - want[p * 3 + c]!));
      }
      // Premultiplied rounding differs from compositing straight RGBA by at most one step.
      assert.ok(worst <= 1, `level ${level}: worst channel difference ${worst}`);
      const unscanned = ((h >> 1) * w + (w - 1)) * 4; // rightmost column: alpha 0 in the source
      assert.deepEqual([...flat.subarray(unscanned, unscanned + 3)], [...background]);
    }
  } finally {
    slide.close();
  }
});

test('readRegionJpeg: fully transparent regions resolve null, unencoded', async () => {
  const slide = await binding.open(tiffPath);
  try {
    const options = { quality: 80, background: [255, 255, 255] as const };
    assert.equal(await slide.readRegionJpeg(800, 0, 0, 200, 300, options), null, 'alpha 0 everywhere');
    assert.equal(await slide.readRegionJpeg(width + 100, height + 100, 0, 64, 64, options), null, 'outside the slide');
    const edge = await slide.readRegionJpeg(767, 0, 0, 200, 8, options); // one column of alpha 128
    assert.ok(edge && edge.length > 0, 'one non-transparent column is enough to encode');
    assert.equal((await sharp(edge).metadata()).width, 200);
  } finally {
    slide.close();
  }
});

test('readRegionJpeg: quality scales the file like libjpeg', async () => {
  const slide = await binding.open(tiffPath);
  try {
    const background = [255, 255, 255] as const;
    const low = await slide.readRegionJpeg(0, 0, 0, 256, 256, { quality: 10, background });
    const high = await slide.readRegionJpeg(0, 0, 0, 256, 256, { quality: 100, background });
    assert.ok(low && high);
    assert.ok(low.length * 2 < high.length, `q10 ${low.length} bytes vs q100 ${high.length} bytes`);
    const lower = await slide.readRegionJpeg(256, 256, 1, 128, 128, { quality: 80, background });
    assert.equal((await sharp(lower!).metadata()).width, 128, 'lower levels too');
  } finally {
    slide.close();
  }
});

test('readRegionJpeg rejects bad arguments with bad-argument and the slide keeps working', async () => {
  const slide = await binding.open(tiffPath);
  const ok = { quality: 80, background: [0, 0, 0] as [number, number, number] };
  const cases: Array<[unknown[], RegExp]> = [
    [[0, 0, 0, 16, 16], /needs five integers and an options object/],
    [[0, 0, 0, 16, 16, ok, 1], /needs five integers and an options object/],
    [[0, 0, 0, 16, 16, null], /needs an options object/],
    [[0, 0, 0, 16, 16, [80]], /needs an options object/],
    [[0, 0, 0, 16, 16, { background: [0, 0, 0] }], /quality must be an integer 1\.\.100/],
    [[0, 0, 0, 16, 16, { ...ok, quality: 0 }], /quality must be an integer 1\.\.100/],
    [[0, 0, 0, 16, 16, { ...ok, quality: 101 }], /quality must be an integer 1\.\.100/],
    [[0, 0, 0, 16, 16, { ...ok, quality: 80.5 }], /quality must be an integer 1\.\.100/],
    [[0, 0, 0, 16, 16, { ...ok, quality: '80' }], /quality must be an integer 1\.\.100/],
    [[0, 0, 0, 16, 16, { quality: 80 }], /background must be \[r, g, b\]/],
    [[0, 0, 0, 16, 16, { ...ok, background: [0, 0] }], /background must be \[r, g, b\]/],
    [[0, 0, 0, 16, 16, { ...ok, background: [0, 0, 256] }], /background must be \[r, g, b\]/],
    [[0, 0, 0, 16, 16, { ...ok, background: [0, -1, 0] }], /background must be \[r, g, b\]/],
    [[0, 0, 0, 16, 16, { ...ok, background: [0.5, 0, 0] }], /background must be \[r, g, b\]/],
    [[0, 0, 0, 16, 16, { ...ok, background: 'white' }], /background must be \[r, g, b\]/],
    [[0, 0, 3, 16, 16, ok], /Level 3 does not exist/],
    [[0, 0, 0, 0, 16, ok], /must be positive/],
    [[0.5, 0, 0, 16, 16, ok], /five integers/],
    [[0, 0, 0, 70_000, 1, ok], /wider or taller than a JPEG can be \(65500\)/],
    [[0, 0, 0, 100_000, 100_000, ok], /larger than the limit/],
  ];
  for (const [args, message] of cases) {
    const read = slide.readRegionJpeg as (...a: unknown[]) => Promise<Buffer | null>;
    await assert.rejects(read.apply(slide, args), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'bad-argument', `${JSON.stringify(args)}`);
      assert.match(err.message, message);
      assert.ok(err.message.includes(tiffPath), 'message names the slide');
      return true;
    });
  }
  assert.ok(await slide.readRegionJpeg(0, 0, 0, 16, 16, ok));
  slide.close();
  await assert.rejects(slide.readRegionJpeg(0, 0, 0, 16, 16, ok), { code: 'closed' });
});

test('readRegionJpeg: close with reads in flight lets them finish', async () => {
  const live = binding.liveHandles();
  const slide = await binding.open(tiffPath);
  const reads = Array.from({ length: 12 }, (_, i) =>
    slide.readRegionJpeg(i * 32, i * 16, i % 3, 256, 256, { quality: 80, background: [255, 255, 255] }));
  slide.close();
  const done = await Promise.all(reads);
  assert.ok(done.every((jpeg) => jpeg !== null && jpeg[0] === 0xff && jpeg[1] === 0xd8), 'every read is a JPEG');
  assert.equal(binding.liveHandles(), live);
});

test('the addon tunes glibc malloc at load unless told not to', () => {
  const probe = (env: NodeJS.ProcessEnv) => JSON.parse(execFileSync(process.execPath,
    ['-e', 'process.stdout.write(JSON.stringify(require(process.argv[1]).allocatorTuning()))', openSlideAddonPath()],
    { env: { ...process.env, GLIBC_TUNABLES: '', ...env }, encoding: 'utf8' })) as ReturnType<typeof binding.allocatorTuning>;
  const off = probe({ SMEARLAB_MALLOC_TUNING: 'off' });
  assert.deepEqual([off.applied, off.reason], [false, 'SMEARLAB_MALLOC_TUNING=off']);
  const theirs = probe({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' });
  assert.equal(theirs.applied, false, 'the user\'s own malloc settings win');
  const tuned = probe({});
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  if (process.platform === 'linux' && report.header?.glibcVersionRuntime) {
    assert.deepEqual([tuned.applied, tuned.mmapThreshold, tuned.trimThreshold, tuned.arenaMax], [true, 32 << 20, 256 << 20, 2]);
  } else {
    assert.equal(tuned.applied, false);
  }
});
