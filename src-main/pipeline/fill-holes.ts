// Fills small holes in a segmentation mask before cell extraction. Models
// often leave a dark nucleus out of the "cell" region; the hole then adds an
// inner boundary that halves the cell's roundness, and erosion widens it,
// so the cell would be rejected. Holes are background regions (4-connected)
// that do not touch the mask edge; only those up to maxHoleArea are filled,
// so glass enclosed by a ring of touching cells stays glass.
import type { Mask } from './mask.ts';
import { fillHoles } from './segment/mask-morphology.ts';

/** Largest hole filled, level-0 px^2: an enlarged nucleus (60 px) with room to spare. */
export const DEFAULT_MAX_HOLE_AREA = 10_000;

/** Fills in place (the area limit is in level-0 px^2); returns the number of pixels set. */
export function fillSmallHoles(mask: Mask, maxHoleArea = DEFAULT_MAX_HOLE_AREA): number {
  const maxPixels = Math.floor(maxHoleArea / (mask.downsample * mask.downsample));
  const filled = fillHoles(mask.data, mask.width, mask.height, maxPixels);
  let set = 0;
  for (let i = 0; i < filled.length; i++) {
    if (filled[i] && !mask.data[i]) { mask.data[i] = 1; set++; }
  }
  return set;
}
