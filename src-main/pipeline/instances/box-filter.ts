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
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y <= Math.min(radius, height - 1); y++) sum += tmp[y * width + x]!;
    for (let y = 0; y < height; y++) {
      const lo = Math.max(0, y - radius);
      const hi = Math.min(height - 1, y + radius);
      out[y * width + x] = sum / (hi - lo + 1);
      if (y + radius + 1 < height) sum += tmp[(y + radius + 1) * width + x]!;
      if (y - radius >= 0) sum -= tmp[(y - radius) * width + x]!;
    }
  }
  return out;
}
