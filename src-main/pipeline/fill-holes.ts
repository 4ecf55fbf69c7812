// Fills small holes in a segmentation mask before cell extraction. Models
// often leave a dark nucleus out of the "cell" region; the hole then adds an
// inner boundary that halves the cell's roundness, and erosion widens it,
// so the cell would be rejected. Holes are background regions (4-connected)
// that do not touch the mask edge; only those up to maxHoleArea are filled,
// so glass enclosed by a ring of touching cells stays glass.
import type { Mask } from './mask.ts';

/** Largest hole filled, level-0 px^2: an enlarged nucleus (60 px) with room to spare. */
export const DEFAULT_MAX_HOLE_AREA = 10_000;

/** Fills in place; returns the number of pixels set. */
export function fillSmallHoles(mask: Mask, maxHoleArea = DEFAULT_MAX_HOLE_AREA): number {
  const { width, height, data } = mask;
  const maxPixels = Math.floor(maxHoleArea / (mask.downsample * mask.downsample));
  // 0 = unvisited background, 1 = foreground, 2 = visited background.
  const state = new Uint8Array(width * height);
  for (let i = 0; i < state.length; i++) state[i] = data[i] ? 1 : 0;
  const queue = new Int32Array(width * height);
  const region = new Int32Array(width * height);
  let filled = 0;
  for (let start = 0; start < state.length; start++) {
    if (state[start] !== 0) continue;
    let head = 0, tail = 0, size = 0, touchesEdge = false;
    queue[tail++] = start;
    state[start] = 2;
    while (head < tail) {
      const p = queue[head++]!;
      region[size++] = p;
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesEdge = true;
      if (x > 0 && state[p - 1] === 0) { state[p - 1] = 2; queue[tail++] = p - 1; }
      if (x < width - 1 && state[p + 1] === 0) { state[p + 1] = 2; queue[tail++] = p + 1; }
      if (y > 0 && state[p - width] === 0) { state[p - width] = 2; queue[tail++] = p - width; }
      if (y < height - 1 && state[p + width] === 0) { state[p + width] = 2; queue[tail++] = p + width; }
    }
    if (!touchesEdge && size <= maxPixels) {
      for (let i = 0; i < size; i++) data[region[i]!] = 1;
      filled += size;
    }
  }
  return filled;
}
