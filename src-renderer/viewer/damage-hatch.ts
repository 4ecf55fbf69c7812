// Hatching for the damaged parts of a scan (tiles the ingest had to read
// around): diagonal lines clipped to each box, in screen px, so the reader
// sees where pixels came from another level or are missing altogether.

/**
 * Diagonal (45 degree, rising) segments x0, y0, x1, y1 covering a screen rectangle,
 * `spacing` px apart along x, clipped to the rectangle. Lines sit on a grid anchored
 * at the screen origin, so neighbouring boxes' hatching lines up.
 */
export function hatchSegments(x: number, y: number, width: number, height: number, spacing: number): number[] {
  const out: number[] = [];
  if (!(width > 0 && height > 0 && spacing > 0)) return out;
  // Line k: points with sx + sy = k * spacing.
  const first = Math.ceil((x + y) / spacing);
  const last = Math.floor((x + width + y + height) / spacing);
  for (let k = first; k <= last; k++) {
    const c = k * spacing;
    // Clip the line sx + sy = c to [x, x + width] x [y, y + height].
    const x0 = Math.max(x, c - (y + height));
    const x1 = Math.min(x + width, c - y);
    if (x1 < x0) continue;
    out.push(x0, c - x0, x1, c - x1);
  }
  return out;
}
