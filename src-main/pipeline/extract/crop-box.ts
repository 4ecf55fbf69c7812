// Clipping a cell's full level-0 box to the slices it touches, for exports
// that must write per-slice records (APACC label files) while the cell itself
// is stored once, whole.

import { intersectBoxes } from '../../domain/geometry.ts';
import type { Box } from '../../domain/geometry.ts';

/** The part of `box` inside `slice`, still in level-0 coordinates; null when they do not overlap. */
export function cropBoxToSlice(box: Box, slice: Box): Box | null {
  return intersectBoxes(box, slice);
}

/** The part of `box` inside `slice`, in slice pixels (origin at the slice's top-left); null when outside. */
export function cropBoxToSliceLocal(box: Box, slice: Box): Box | null {
  const part = intersectBoxes(box, slice);
  return part && { x: part.x - slice.x, y: part.y - slice.y, width: part.width, height: part.height };
}

export interface SlicePart<S extends Box> {
  slice: S;
  /** The part of the box inside this slice, level-0. */
  box: Box;
}

/** Every slice of `slices` that `box` overlaps, with the part of the box inside it, in the given order. */
export function clipBoxToSlices<S extends Box>(box: Box, slices: readonly S[]): SlicePart<S>[] {
  const parts: SlicePart<S>[] = [];
  for (const slice of slices) {
    const part = intersectBoxes(box, slice);
    if (part) parts.push({ slice, box: part });
  }
  return parts;
}
