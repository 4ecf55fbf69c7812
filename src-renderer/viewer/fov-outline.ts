// The field-of-view outline from the ingest's FOV mask (a small greyscale
// PNG stretched over the slide): the boundary between smear and glass pixels
// as axis-aligned segments in level-0 px, runs merged, ready to stroke.

/** x0, y0, x1, y1 per segment, level-0 px. */
export type Segments = Float32Array;

/** Boundary segments of a mask (inside = red channel >= 128), scaled to the slide. */
export function maskOutline(rgba: Uint8ClampedArray, maskWidth: number, maskHeight: number, slideWidth: number, slideHeight: number): Segments {
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < maskWidth && y < maskHeight && rgba[(y * maskWidth + x) * 4]! >= 128;
  const sx = slideWidth / maskWidth;
  const sy = slideHeight / maskHeight;
  const out: number[] = [];
  // Horizontal edges: between rows y-1 and y.
  for (let y = 0; y <= maskHeight; y++) {
    let start = -1;
    for (let x = 0; x <= maskWidth; x++) {
      const edge = x < maskWidth && inside(x, y - 1) !== inside(x, y);
      if (edge && start < 0) start = x;
      if (!edge && start >= 0) {
        out.push(start * sx, y * sy, x * sx, y * sy);
        start = -1;
      }
    }
  }
  // Vertical edges: between columns x-1 and x.
  for (let x = 0; x <= maskWidth; x++) {
    let start = -1;
    for (let y = 0; y <= maskHeight; y++) {
      const edge = y < maskHeight && inside(x - 1, y) !== inside(x, y);
      if (edge && start < 0) start = y;
      if (!edge && start >= 0) {
        out.push(x * sx, start * sy, x * sx, y * sy);
        start = -1;
      }
    }
  }
  return Float32Array.from(out);
}
