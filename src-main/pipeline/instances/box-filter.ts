// Separable box filters on float images: a mean per row then per column, O(1)
// per pixel whatever the radius. Two passes of a box blur approximate a
// Gaussian closely enough for smoothing before a threshold.
// Every window sum here is exact in float64: the inputs are float32 values of
// bounded range (optical densities and their means), at most a few hundred of
// them, so a sum needs fewer than 53 bits. The order of additions therefore
// does not matter, and the loop shapes below (running sums, direct
// three-neighbour sums for radius 1) give the same means as plain clamped
// loops; only the final scaling rounds. Means are sums times 1/n (a multiply
// instead of a divide per pixel: ~10 % of the nucleus step; the ingest's
// candidates on 12 real slices were unchanged by it).

/** Means of one row over windows of 2r+1 clipped to the row: src[srcAt..+width) -> out[outAt..+width). */
function boxRowMeans(src: Float32Array, srcAt: number, out: Float32Array, outAt: number, width: number, radius: number): void {
  if (radius <= 0 || width === 1) {
    out.set(src.subarray(srcAt, srcAt + width), outAt);
    return;
  }
  if (radius === 1) {
    // Three neighbours summed directly: no running sum, so no chain of additions from pixel to pixel.
    const last = width - 1;
    out[outAt] = (src[srcAt]! + src[srcAt + 1]!) * 0.5;
    const third = 1 / 3;
    for (let x = 1; x < last; x++) out[outAt + x] = (src[srcAt + x - 1]! + src[srcAt + x]! + src[srcAt + x + 1]!) * third;
    out[outAt + last] = (src[srcAt + last - 1]! + src[srcAt + last]!) * 0.5;
    return;
  }
  const full = 2 * radius + 1;
  let sum = 0;
  for (let x = 0; x <= Math.min(radius, width - 1); x++) sum += src[srcAt + x]!;
  // Columns whose window is clipped on neither side: [radius, width - radius - 1).
  const midStart = Math.min(radius, width);
  const midEnd = Math.max(midStart, width - radius - 1);
  let x = 0;
  const edge = (): void => {
    out[outAt + x] = sum * (1 / (Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1));
    if (x + radius + 1 < width) sum += src[srcAt + x + radius + 1]!;
    if (x - radius >= 0) sum -= src[srcAt + x - radius]!;
  };
  for (; x < midStart; x++) edge();
  const inv = 1 / full;
  for (; x < midEnd; x++) {
    out[outAt + x] = sum * inv;
    sum += src[srcAt + x + radius + 1]! - src[srcAt + x - radius]!;
  }
  for (; x < width; x++) edge();
}

/** Mean over the (2r+1) x (2r+1) window clipped to the image. */
export function boxMean(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  if (radius <= 0) return src.slice();
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) boxRowMeans(src, y * width, tmp, y * width, width, radius);
  // Columns: one running sum per column, rows walked in memory order (a column-by-column walk
  // strides the whole image and is several times slower).
  const sums = new Float64Array(width);
  for (let y = 0; y <= Math.min(radius, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) sums[x]! += tmp[row + x]!;
  }
  // One fused loop per row: read the sum, write the mean, move the window.
  for (let y = 0; y < height; y++) {
    const inv = 1 / (Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1);
    const row = y * width;
    const gone = y - radius;
    const next = y + radius + 1;
    const g = gone * width;
    const n = next * width;
    if (gone >= 0 && next < height) {
      for (let x = 0; x < width; x++) { const s = sums[x]!; out[row + x] = s * inv; sums[x] = s - tmp[g + x]! + tmp[n + x]!; }
    } else if (gone >= 0) {
      for (let x = 0; x < width; x++) { const s = sums[x]!; out[row + x] = s * inv; sums[x] = s - tmp[g + x]!; }
    } else if (next < height) {
      for (let x = 0; x < width; x++) { const s = sums[x]!; out[row + x] = s * inv; sums[x] = s + tmp[n + x]!; }
    } else {
      for (let x = 0; x < width; x++) out[row + x] = sums[x]! * inv;
    }
  }
  return out;
}
