// Fills small holes in a segmentation mask before cell extraction. Models
// often leave a dark nucleus out of the "cell" region; the hole then adds an
// inner boundary that halves the cell's roundness, and erosion widens it,
// so the cell would be rejected. Holes are background regions (4-connected)
// that do not touch the mask edge; only those up to maxHoleArea are filled,
// so glass enclosed by a ring of touching cells stays glass.
import type { Mask } from './mask.ts';
import { fillHoles } from './segment/mask-morphology.ts';

/** Largest hole filled, um^2: an enlarged nucleus (15 um) with room to spare; callers convert with the slide's mpp. */
export const DEFAULT_MAX_HOLE_AREA_UM2 = 625;

/** Fills in place (the area limit is in level-0 px^2); returns the number of pixels set. */
export function fillSmallHoles(mask: Mask, maxHoleArea: number): number {
  const maxPixels = Math.floor(maxHoleArea / (mask.downsample * mask.downsample));
  const filled = fillHoles(mask.data, mask.width, mask.height, maxPixels);
  let set = 0;
  for (let i = 0; i < filled.length; i++) {
    if (filled[i] && !mask.data[i]) { mask.data[i] = 1; set++; }
  }
  return set;
}
