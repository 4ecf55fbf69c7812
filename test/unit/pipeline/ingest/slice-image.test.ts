// Reading a slice at a physical scale: the read area for any (also fractional)
// downsample covers the slice and its margin, and the box shrink averages
// exactly, on its fast 2x path and the general one alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shrinkImage, sliceReadArea } from '../../../../src-main/pipeline/ingest/slice-image.ts';

test('the read area covers slice + margin at any downsample, image sides a multiple when asked', () => {
  const slice = { x: 2000, y: 4000, width: 2000, height: 2000 };
  const at2 = sliceReadArea(slice, 290, 2, 2);
  assert.deepEqual(at2, { x: 1710, y: 3710, width: 2580, height: 2580, imageWidth: 1290, imageHeight: 1290 });
  // 0.5 um/px detail on a 0.2711 um/px scan: a fractional downsample.
  const ds = 0.5 / 0.2711;
  const odd = sliceReadArea(slice, 267, ds, 2);
  assert.equal(odd.imageWidth % 2, 0);
  assert.ok(odd.imageWidth * ds >= slice.width + 2 * 267, 'the image reaches past the far margin');
  assert.ok(odd.width >= odd.imageWidth * ds && odd.width - odd.imageWidth * ds < 1, `level-0 width ${odd.width}`);
});

function image(width: number, height: number, value: (x: number, y: number, c: number) => number) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = value(x, y, c);
  return { width, height, data };
}

test('shrinking averages each block, rounding halves up, on the 2x path and the general one', () => {
  const aligned = image(12, 12, (x, y, c) => (x * 37 + y * 11 + c * 53 + (x * y) % 7 * 29) % 256);
  // The same pixels starting at an odd byte: the word-at-a-time path cannot be used there.
  const unaligned = { ...aligned, data: Buffer.concat([Buffer.alloc(1), aligned.data]).subarray(1) };
  const saturated = image(16, 16, () => 255);
  for (const [src, factor] of [[aligned, 2], [unaligned, 2], [saturated, 2], [aligned, 3], [aligned, 4], [unaligned, 4], [aligned, 6], [saturated, 16]] as const) {
    const out = shrinkImage(src, factor);
    assert.equal(out.width, src.width / factor);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += src.data[((y * factor + dy) * src.width + x * factor + dx) * 4 + c]!;
          assert.equal(out.data[(y * out.width + x) * 4 + c], Math.round(sum / (factor * factor)), `factor ${factor} at ${x},${y},${c}`);
        }
      }
    }
  }
  assert.equal(shrinkImage(aligned, 1), aligned);
  assert.throws(() => shrinkImage(image(5, 4, () => 0), 2), /5x4 is not a multiple of 2/);
});
