// Separable box filters on float images: a running sum per row then per
// column, O(1) per pixel whatever the radius. Two passes of a box blur
// approximate a Gaussian closely enough for smoothing before a threshold.

/** Mean over the (2r+1) x (2r+1) window clipped to the image. */
export function boxMean(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  if (radius <= 0) return src.slice();
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x <= Math.min(radius, width - 1); x++) sum += src[row + x]!;
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - radius);
      const hi = Math.min(width - 1, x + radius);
      tmp[row + x] = sum / (hi - lo + 1);
      if (x + radius + 1 < width) sum += src[row + x + radius + 1]!;
      if (x - radius >= 0) sum -= src[row + x - radius]!;
    }
  }
  // Columns: one running sum per column, rows walked in memory order (see mask-morphology.ts).
  const sums = new Float64Array(width);
  for (let y = 0; y <= Math.min(radius, height - 1); y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) sums[x]! += tmp[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const inv = 1 / (Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1);
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = sums[x]! * inv;
    const gone = y - radius;
    if (gone >= 0) {
      const r = gone * width;
      for (let x = 0; x < width; x++) sums[x]! -= tmp[r + x]!;
    }
    const next = y + radius + 1;
    if (next < height) {
      const r = next * width;
      for (let x = 0; x < width; x++) sums[x]! += tmp[r + x]!;
    }
  }
  return out;
}
