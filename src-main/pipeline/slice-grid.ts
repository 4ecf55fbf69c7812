// The paper's slicing: non-overlapping square slices at level 0 over the
// smear's bounding box. The grid is anchored at the slide origin (multiples of
// the slice size), so slice names look like APACC's `18000_136000`. A slice
// that would reach past the slide's right or bottom edge is clipped to the
// slide (never padded with invented pixels); APACC label files normalise by
// each slice's own width and height, so clipped slices stay exact.
import type { FieldOfView } from './fov.ts';

export interface SliceGridConfig {
  sliceSize: number;
  /** Keep slices whose smear fraction is at least this (0..1). */
  minTissueFraction: number;
}

// A low bar: an edge slice with a single cell in it is still worth segmenting.
export const DEFAULT_SLICE_GRID_CONFIG: SliceGridConfig = Object.freeze({ sliceSize: 2000, minTissueFraction: 0.01 });

export interface PlannedSlice {
  x: number;
  y: number;
  width: number;
  height: number;
  tissueFraction: number;
}

export function validateSliceGridConfig(config: SliceGridConfig): void {
  if (!Number.isInteger(config.sliceSize) || config.sliceSize < 64 || config.sliceSize > 16384) {
    throw new RangeError(`slice size must be an integer from 64 to 16384, got ${config.sliceSize}`);
  }
  if (!(config.minTissueFraction >= 0 && config.minTissueFraction <= 1)) {
    throw new RangeError(`minimum tissue fraction must be between 0 and 1, got ${config.minTissueFraction}`);
  }
}

/** Smear fraction of a level-0 rectangle, from the FOV pixels whose centres fall inside it. */
export function tissueFraction(fov: FieldOfView, x: number, y: number, width: number, height: number): number {
  const ds = fov.downsample;
  const fx0 = Math.max(0, Math.ceil(x / ds - 0.5));
  const fy0 = Math.max(0, Math.ceil(y / ds - 0.5));
  const fx1 = Math.min(fov.width, Math.ceil((x + width) / ds - 0.5));
  const fy1 = Math.min(fov.height, Math.ceil((y + height) / ds - 0.5));
  // Pixels outside the FOV image (past the slide edge) count as glass.
  const total = Math.max(1, Math.round((width / ds) * (height / ds)));
  let on = 0;
  for (let fy = fy0; fy < fy1; fy++) {
    const row = fy * fov.width;
    for (let fx = fx0; fx < fx1; fx++) on += fov.mask[row + fx] ?? 0;
  }
  return Math.min(1, on / total);
}

export function planSliceGrid(
  fov: FieldOfView, slideWidth: number, slideHeight: number, config: SliceGridConfig = DEFAULT_SLICE_GRID_CONFIG,
): PlannedSlice[] {
  validateSliceGridConfig(config);
  if (!fov.bbox) return [];
  const size = config.sliceSize;
  const { bbox } = fov;
  const slices: PlannedSlice[] = [];
  const x0 = Math.floor(bbox.x / size) * size;
  const y0 = Math.floor(bbox.y / size) * size;
  const right = Math.min(bbox.x + bbox.width, slideWidth);
  const bottom = Math.min(bbox.y + bbox.height, slideHeight);
  for (let y = y0; y < bottom; y += size) {
    for (let x = x0; x < right; x += size) {
      const width = Math.min(size, slideWidth - x);
      const height = Math.min(size, slideHeight - y);
      const fraction = tissueFraction(fov, x, y, width, height);
      if (fraction > 0 && fraction >= config.minTissueFraction) {
        slices.push({ x, y, width, height, tissueFraction: fraction });
      }
    }
  }
  return slices;
}
