// Area resampling of classifier crops: block means at whole factors, flat
// colours kept at any ratio, the same size unchanged, unscanned pixels white,
// mass kept between sizes, bad sizes refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaResampleRgb } from '../../../src-main/assist/crop-resample.ts';
import { shrinkImage } from '../../../src-main/pipeline/ingest/slice-image.ts';
import { seededRng } from '../../../src-main/domain/random.ts';

function noise(width: number, height: number, seed: number): Buffer {
  const rng = seededRng(seed);
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < data.length; p++) data[p] = p % 4 === 3 ? 255 : rng.int(0, 255);
  return data;
}

const rgbOf = (rgba: Uint8Array) => Buffer.from(rgba.filter((_, i) => i % 4 !== 3));

test('at a whole factor each pixel is the mean of its block (as the pipeline\'s shrink gives it)', () => {
  const data = noise(128, 96, 5);
  const ours = areaResampleRgb({ data, width: 128, height: 96 }, 64, 48);
  const shrunk = shrinkImage({ data, width: 128, height: 96 }, 2);
  const theirs = rgbOf(shrunk.data);
  // shrinkImage rounds half up with integer arithmetic; a mean of four bytes may differ by one in its last step.
  assert.ok(ours.every((v, i) => Math.abs(v - theirs[i]!) <= 1), 'block means');
  const three = areaResampleRgb({ data: noise(9, 9, 1), width: 9, height: 9 }, 3, 3);
  const src = noise(9, 9, 1);
  let sum = 0;
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) sum += src[(y * 9 + x) * 4 + 1]!;
  assert.equal(three[1], Math.round(sum / 9), 'the first pixel\'s green is the mean of the top-left 3 x 3 block');
});

test('any ratio: a flat colour stays flat, the same size is a copy, the mean brightness is kept', () => {
  const flat = Buffer.alloc(131 * 127 * 4);
  for (let p = 0; p < flat.length; p += 4) flat.set([200, 120, 60, 255], p);
  const out = areaResampleRgb({ data: flat, width: 131, height: 127 }, 64, 64);
  assert.ok(out.every((v, i) => v === [200, 120, 60][i % 3]), 'flat');
  const data = noise(40, 30, 9);
  assert.deepEqual(areaResampleRgb({ data, width: 40, height: 30 }, 40, 30), rgbOf(data), 'same size');
  const big = noise(157, 157, 3);
  const small = areaResampleRgb({ data: big, width: 157, height: 157 }, 64, 64);
  const mean = (b: Uint8Array, stride: number) => b.filter((_, i) => i % stride === 0).reduce((a, v) => a + v, 0) / (b.length / stride);
  assert.ok(Math.abs(mean(small, 3) - mean(big, 4)) < 0.5, `mean red ${mean(small, 3)} vs ${mean(big, 4)}`);
});

test('RGB input (channels 3) gives what the same pixels as RGBA give', () => {
  const rgba = noise(50, 37, 11);
  const rgb = rgbOf(rgba);
  assert.deepEqual(areaResampleRgb({ data: rgb, width: 50, height: 37, channels: 3 }, 21, 16), areaResampleRgb({ data: rgba, width: 50, height: 37 }, 21, 16));
  assert.throws(() => areaResampleRgb({ data: rgba, width: 50, height: 37, channels: 3 }, 21, 16), /for a 50x37 RGB crop/);
});

test('unscanned pixels count as white glass', () => {
  const data = Buffer.alloc(4 * 4 * 4); // all transparent black
  for (let p = 0; p < 8 * 4; p += 4) data.set([0, 0, 0, 255], p); // top half scanned, black
  assert.deepEqual([...areaResampleRgb({ data, width: 4, height: 4 }, 1, 2)], [0, 0, 0, 255, 255, 255]);
});

test('bad sizes are refused with what was wrong', () => {
  assert.throws(() => areaResampleRgb({ data: Buffer.alloc(12), width: 2, height: 2 }, 1, 1), /12 bytes for a 2x2 RGBA crop/);
  assert.throws(() => areaResampleRgb({ data: Buffer.alloc(16), width: 2, height: 2 }, 0, 1), /target 0x1/);
  assert.throws(() => areaResampleRgb({ data: Buffer.alloc(0), width: 0, height: 2 }, 1, 1), /source 0x2/);
});
