// The box mean against its definition: a mean per row over the window clipped
// to the row, then a mean of those per column (sums times 1/n), each rounded to float32 as the
// images are stored. Bit-identical for every radius shape (radius 1 has its
// own loop, wider ones a running sum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxMean } from '../../../../src-main/pipeline/instances/box-filter.ts';

function definition(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const rows = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      const lo = Math.max(0, x - radius);
      const hi = Math.min(width - 1, x + radius);
      for (let u = lo; u <= hi; u++) sum += src[y * width + u]!;
      rows[y * width + x] = sum * (1 / (hi - lo + 1));
    }
  }
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const lo = Math.max(0, y - radius);
    const hi = Math.min(height - 1, y + radius);
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let v = lo; v <= hi; v++) sum += rows[v * width + x]!;
      out[y * width + x] = sum * (1 / (hi - lo + 1));
    }
  }
  return out;
}

test('boxMean equals the clamped-window definition bit for bit (radius 0, 1, 2, 5, 24; narrow and wide images)', () => {
  let seed = 3;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
  for (const [width, height] of [[1, 1], [1, 9], [2, 2], [3, 7], [17, 5], [60, 53]] as const) {
    // Optical densities: 0 (glass) to ~2.7, float32.
    const src = new Float32Array(width * height).map(() => (random() < 0.2 ? 0 : random() * 2.7));
    for (const radius of [0, 1, 2, 5, 24]) {
      const got = boxMean(src, width, height, radius);
      const want = definition(src, width, height, radius);
      for (let i = 0; i < got.length; i++) assert.equal(got[i], want[i], `${width}x${height} r${radius} px ${i}`);
    }
  }
});
