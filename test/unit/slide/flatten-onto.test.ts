// flattenOnto: straight RGBA composited on an opaque colour in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenOnto } from '../../../src-main/slide/flatten-onto.ts';

test('composites partly and fully transparent pixels onto the background, scanned ones untouched (aligned or not)', () => {
  const pixels = [[10, 20, 30, 255], [200, 100, 50, 0], [100, 100, 100, 128], [0, 255, 0, 1]];
  const background = [250, 240, 230] as const;
  const want = pixels.map(([r, g, b, a]) => {
    const k = a! / 255;
    return [Math.round(r! * k + 250 * (1 - k)), Math.round(g! * k + 240 * (1 - k)), Math.round(b! * k + 230 * (1 - k)), 255];
  }).flat();
  for (const offset of [0, 1]) {
    const data = Buffer.concat([Buffer.alloc(offset), Buffer.from(pixels.flat())]).subarray(offset);
    const img = { width: 4, height: 1, data };
    flattenOnto(img, background);
    assert.deepEqual([...img.data], want, `byte offset ${offset}`);
  }
  assert.deepEqual(want.slice(0, 4), [10, 20, 30, 255]);
});
