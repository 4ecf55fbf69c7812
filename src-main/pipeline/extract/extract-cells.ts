// Cell extraction (APACC paper, Methods step 4) from one slice's segmentation
// mask: drop large connected components, erode k times with a 3x3 square,
// label the rest with 8-connectivity, measure each component like
// skimage.measure.regionprops, keep candidates by area / roundness (and
// optionally solidity / eccentricity), grow each box back by the erosion, pad
// it, clamp it. Pure: mask and placement in, level-0 candidates out.
//
// Equivalent skimage steps (test/bench/reference/skimage_extract.py runs them):
// label(mask, connectivity=2) and drop labels whose area is over the limit;
// binary_erosion(np.ones((3, 3))) k times (border_value=True: the mask edge does
// not erode); label(connectivity=2); regionprops in label order.

import type { Box, Point } from '../../domain/geometry.ts';
import type { Mask } from '../mask.ts';
import { resolveExtractConfig } from './extract-config.ts';
import type { ExtractConfig } from './extract-config.ts';
import { ExtractInputError } from './extract-error.ts';
import { RegionMeasurer, eccentricityFromMoments } from './region-measures.ts';
import type { ComponentRuns } from './region-measures.ts';
import { dropLargeComponents, erodeAndLabel } from './erode-label.ts';
import type { MaskRegion } from './erode-label.ts';
import { groupRunsByComponent } from './run-labeler.ts';

/** Where a mask sits: all level-0. */
export interface MaskPlacement {
  /** Level-0 position of the top-left corner of mask pixel (0, 0). */
  origin: Point;
  /** The slice the candidates belong to. In 'whole-cell' mode the mask should cover it plus a margin. */
  slice: Box;
  /** The slide's level-0 bounds; 'whole-cell' boxes are clamped to it. */
  slide: Box;
}

export interface CellCandidate {
  /** Crop box: the component's box grown back by the erosion, padded, clamped (slide or slice, per mode). */
  box: Box;
  /** The component's box grown back by the erosion, without padding, clamped the same way. */
  cellBox: Box;
  /** Centroid of the eroded component, continuous level-0 coordinates (pixel i spans [i, i + 1)). */
  centre: Point;
  /** Area of the eroded component, level-0 px^2. */
  area: number;
  /** skimage perimeter of the eroded component, level-0 px. */
  perimeter: number;
  /** 4*pi*area/perimeter^2 (0 for a component with no perimeter). */
  roundness: number;
  solidity: number;
  eccentricity: number;
  /** floor of the crop box centre, relative to the slice's top-left: the APACC file name's `cx-cy`. */
  cropCentreInSlice: Point;
  /** The component reaches an edge of the mask that is not the slide's edge: the mask may not hold the whole cell. */
  cutByMaskEdge: boolean;
}

export interface ExtractStats {
  /** Components of the raw mask (inside the processed region). */
  components: number;
  droppedLarge: number;
  /** Components after erosion. */
  erodedComponents: number;
  rejectedArea: number;
  /** 'whole-cell' only: centroid outside the owning slice. */
  notOwned: number;
  rejectedRoundness: number;
  rejectedSolidity: number;
  rejectedEccentricity: number;
  kept: number;
}

export interface ExtractResult {
  /** In label order: raster order (top row first, then left to right) of each component's first pixel. */
  candidates: CellCandidate[];
  stats: ExtractStats;
}

function isWholeBox(b: Box | undefined): b is Box {
  return typeof b === 'object' && b !== null && [b.x, b.y, b.width, b.height].every(Number.isInteger)
    && b.width > 0 && b.height > 0;
}

function describeBox(b: Box | undefined): string {
  return JSON.stringify(b) ?? String(b);
}

function checkMask(mask: Mask): void {
  if (typeof mask !== 'object' || mask === null) throw new ExtractInputError(`extract: mask must be an object (got ${String(mask)})`);
  const { width, height, data, downsample } = mask;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new ExtractInputError(`extract: mask size must be positive whole numbers (got ${width} x ${height})`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height) {
    throw new ExtractInputError(
      `extract: mask data must be a Uint8Array of width*height = ${width * height} bytes (got ${data?.length ?? 'none'})`);
  }
  if (typeof downsample !== 'number' || !Number.isFinite(downsample) || downsample <= 0) {
    throw new ExtractInputError(`extract: mask downsample must be a finite number > 0 (got ${String(downsample)})`);
  }
}

function regionFor(mask: Mask, placement: MaskPlacement, config: ExtractConfig): MaskRegion {
  if (typeof placement !== 'object' || placement === null) {
    throw new ExtractInputError(`extract: placement must be an object (got ${String(placement)})`);
  }
  const { origin, slice, slide } = placement;
  if (!Number.isInteger(origin?.x) || !Number.isInteger(origin?.y)) {
    throw new ExtractInputError(`extract: placement origin must be whole level-0 pixels (got ${JSON.stringify(origin)})`);
  }
  if (!isWholeBox(slice)) throw new ExtractInputError(`extract: placement slice must be a non-empty whole-pixel box (got ${describeBox(slice)})`);
  if (!isWholeBox(slide)) throw new ExtractInputError(`extract: placement slide must be a non-empty whole-pixel box (got ${describeBox(slide)})`);
  if (slice.x < slide.x || slice.y < slide.y || slice.x + slice.width > slide.x + slide.width
    || slice.y + slice.height > slide.y + slide.height) {
    throw new ExtractInputError(`extract: slice ${describeBox(slice)} is not inside the slide ${describeBox(slide)}`);
  }
  const ds = mask.downsample;
  const maskRight = origin.x + mask.width * ds;
  const maskBottom = origin.y + mask.height * ds;
  if (origin.x > slice.x || origin.y > slice.y || maskRight < slice.x + slice.width || maskBottom < slice.y + slice.height) {
    throw new ExtractInputError(`extract: the mask (level-0 ${origin.x},${origin.y} to ${maskRight},${maskBottom}) `
      + `does not cover the slice ${describeBox(slice)}`);
  }
  if (config.mode === 'whole-cell') {
    return { x0: 0, y0: 0, width: mask.width, height: mask.height, originX: origin.x, originY: origin.y };
  }
  // Paper mode sees the slice's own pixels only, exactly as a per-slice mask would. At a scan
  // resolution that does not divide the slice evenly, the partial mask pixel at its far edge counts.
  const x0 = Math.floor((slice.x - origin.x) / ds);
  const y0 = Math.floor((slice.y - origin.y) / ds);
  const width = Math.min(mask.width - x0, Math.ceil((slice.x + slice.width - origin.x) / ds) - x0);
  const height = Math.min(mask.height - y0, Math.ceil((slice.y + slice.height - origin.y) / ds) - y0);
  return { x0, y0, width, height, originX: origin.x + x0 * ds, originY: origin.y + y0 * ds };
}

// Scratch for shape measures, shared by every call: extraction is synchronous, so calls
// never interleave, and each worker thread has its own module instance.
const measurer = new RegionMeasurer();

function clampBox(x0: number, y0: number, x1: number, y1: number, bounds: Box): Box {
  const x = Math.max(x0, bounds.x);
  const y = Math.max(y0, bounds.y);
  const right = Math.min(x1, bounds.x + bounds.width);
  const bottom = Math.min(y1, bounds.y + bounds.height);
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}

/**
 * Extracts cell candidates from one slice's mask. Throws ExtractInputError for a bad mask,
 * placement or config; never mutates the mask.
 */
export function extractCells(
  mask: Mask,
  placement: MaskPlacement,
  overrides: Partial<ExtractConfig> = {},
): ExtractResult {
  const config = resolveExtractConfig(overrides);
  checkMask(mask);
  const region = regionFor(mask, placement, config);
  const ds = mask.downsample;
  const k = config.erosionIterations;
  const first = dropLargeComponents(mask, region, config.maxComponentArea);
  const eroded = erodeAndLabel(region, k, first);
  const { componentOfRun, componentCount } = eroded.resolve();
  const { first: firstRun, runs: runIds } = groupRunsByComponent(componentOfRun, componentCount);

  const stats: ExtractStats = {
    components: first.componentCount,
    droppedLarge: first.droppedCount,
    erodedComponents: componentCount,
    rejectedArea: 0,
    notOwned: 0,
    rejectedRoundness: 0,
    rejectedSolidity: 0,
    rejectedEccentricity: 0,
    kept: 0,
  };
  const { slice, slide } = placement;
  const bounds = config.mode === 'whole-cell' ? slide : slice;
  const candidates: CellCandidate[] = [];
  const comp: ComponentRuns = {
    rows: eroded.rows, starts: eroded.starts, ends: eroded.ends, runIds,
    from: 0, to: 0, minX: 0, minY: 0, maxX: 0, maxY: 0,
  };
  for (let c = 0; c < componentCount; c++) {
    const from = firstRun[c]!;
    const to = firstRun[c + 1]!;
    let area = 0;
    let sumX = 0;
    let sumY = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    const minY = eroded.rows[runIds[from]!]!;
    const maxY = eroded.rows[runIds[to - 1]!]!;
    for (let j = from; j < to; j++) {
      const id = runIds[j]!;
      const s = eroded.starts[id]!;
      const e = eroded.ends[id]!;
      const n = e - s;
      area += n;
      sumX += (n * (s + e - 1)) / 2;
      sumY += n * eroded.rows[id]!;
      if (s < minX) minX = s;
      if (e - 1 > maxX) maxX = e - 1;
    }
    const areaLevel0 = area * ds * ds;
    if (areaLevel0 < config.minArea || areaLevel0 > config.maxArea) {
      stats.rejectedArea++;
      continue;
    }
    const meanX = sumX / area;
    const meanY = sumY / area;
    const centre = { x: region.originX + (meanX + 0.5) * ds, y: region.originY + (meanY + 0.5) * ds };
    if (config.mode === 'whole-cell' && !(centre.x >= slice.x && centre.x < slice.x + slice.width
      && centre.y >= slice.y && centre.y < slice.y + slice.height)) {
      stats.notOwned++;
      continue;
    }
    comp.from = from;
    comp.to = to;
    comp.minX = minX;
    comp.maxX = maxX;
    comp.minY = minY;
    comp.maxY = maxY;
    const perimeter = measurer.perimeter(comp);
    const roundness = perimeter > 0 ? (4 * Math.PI * area) / (perimeter * perimeter) : 0;
    if (roundness < config.minRoundness) {
      stats.rejectedRoundness++;
      continue;
    }
    const solidity = area / measurer.convexArea(comp);
    if (solidity < config.minSolidity) {
      stats.rejectedSolidity++;
      continue;
    }
    const mu = measurer.secondMoments(comp, meanX, meanY);
    const eccentricity = eccentricityFromMoments(mu.mu20, mu.mu02, mu.mu11, area);
    if (eccentricity > config.maxEccentricity) {
      stats.rejectedEccentricity++;
      continue;
    }
    const cellX0 = Math.floor(region.originX + (minX - k) * ds);
    const cellY0 = Math.floor(region.originY + (minY - k) * ds);
    const cellX1 = Math.ceil(region.originX + (maxX + 1 + k) * ds);
    const cellY1 = Math.ceil(region.originY + (maxY + 1 + k) * ds);
    const pad = config.padding;
    const box = clampBox(Math.floor(cellX0 - pad), Math.floor(cellY0 - pad), Math.ceil(cellX1 + pad), Math.ceil(cellY1 + pad), bounds);
    const regionRight = region.originX + region.width * ds;
    const regionBottom = region.originY + region.height * ds;
    const cutByMaskEdge = (minX === 0 && region.originX > slide.x)
      || (minY === 0 && region.originY > slide.y)
      || (maxX === region.width - 1 && regionRight < slide.x + slide.width)
      || (maxY === region.height - 1 && regionBottom < slide.y + slide.height);
    candidates.push({
      box,
      cellBox: clampBox(cellX0, cellY0, cellX1, cellY1, bounds),
      centre,
      area: areaLevel0,
      perimeter: perimeter * ds,
      roundness,
      solidity,
      eccentricity,
      cropCentreInSlice: {
        x: Math.floor(box.x + box.width / 2) - slice.x,
        y: Math.floor(box.y + box.height / 2) - slice.y,
      },
      cutByMaskEdge,
    });
  }
  stats.kept = candidates.length;
  return { candidates, stats };
}
