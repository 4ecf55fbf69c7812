// Deep Zoom geometry over a SlideReader: level sizes, tile grid, the DZI
// descriptor, and which OpenSlide region each tile comes from.
//
// Follows openslide-python's DeepZoomGenerator (same arithmetic, in the same
// order, so tile rectangles match it to the pixel and benchmarks compare like
// with like):
// - tile size 254 + overlap 1 by default (254 + 2 = 256, a power of two, is
//   what viewers handle best);
// - limit_bounds=True when the slide gives `openslide.bounds-*` (the tile
//   service passes them): the image is only the scanned bounding box, so glass
//   outside it costs no tiles; DZ pixel (x, y) at full resolution is level-0
//   pixel (originX + x, originY + y), and the viewer adds that origin to its
//   image coordinates (cells stay in level-0 coordinates). Without bounds the
//   origin is (0, 0) and the image is the whole level-0 rectangle. Unscanned
//   areas inside it are painted with the slide's background colour;
// - tile size and overlap are per slide (the tile service may pick the
//   scanner's own image size with no overlap, so full-resolution tiles are
//   stored JPEGs; see mirax-passthrough.ts);
// - Deep Zoom level k of n has downsample 2^(n-1-k); it is read from the
//   OpenSlide level bestLevelForDownsample picks, and the rest of the
//   downscale (a factor in [1, 2) on MIRAX) is left to the encoder.

import type { SlideBounds, SlideLevel } from './slide-reader.ts';

export const DEFAULT_TILE_SIZE = 254;
export const DEFAULT_OVERLAP = 1;

export interface DeepZoomOptions {
  tileSize: number;
  overlap: number;
  /** The scanned area (level-0 px): the image is cut to it. null / absent: the whole level 0. */
  bounds: SlideBounds | null;
}

export interface DzLevel {
  dzLevel: number;
  /** Size of this Deep Zoom level in its own pixels. */
  width: number;
  height: number;
  /** Tile columns and rows. */
  cols: number;
  rows: number;
  /** Level-0 pixels per pixel of this Deep Zoom level: 2^(n-1-dzLevel). */
  downsample: number;
  /** OpenSlide level the pixels are read from. */
  slideLevel: number;
  /** Slide-level pixels per DZ pixel (>= 1): what the encoder still has to shrink. */
  slideLevelToDz: number;
}

export interface DeepZoomGeometry {
  /** Size of the image (the full-resolution DZ level): the bounds' size, or level 0's. */
  width: number;
  height: number;
  /** Level-0 position of DZ pixel (0, 0) at full resolution: the bounds' corner, or (0, 0). */
  originX: number;
  originY: number;
  /**
   * Per slide level, the pixels of that level the image covers, counted from
   * the origin (DeepZoomGenerator's _l_dimensions): a region read never
   * reaches past them.
   */
  levelLimits: Array<[number, number]>;
  tileSize: number;
  overlap: number;
  /** Index = Deep Zoom level (0 is 1 x 1 pixel, last is full resolution). */
  levels: DzLevel[];
}

/** The OpenSlide read that produces one tile, and the tile's final size. */
export interface TileRegion {
  /** Top-left in level-0 pixels (what readRegion wants). */
  x0: number;
  y0: number;
  slideLevel: number;
  /** Pixels to read at `slideLevel`. */
  levelWidth: number;
  levelHeight: number;
  /** Size of the encoded tile, overlap included. */
  tileWidth: number;
  tileHeight: number;
}

/** Sizes of every Deep Zoom level, smallest (1 x 1) first, full resolution last. */
export function dzLevelSizes(width: number, height: number): Array<[number, number]> {
  let size: [number, number] = [width, height];
  const sizes = [size];
  while (size[0] > 1 || size[1] > 1) {
    size = [Math.max(1, Math.ceil(size[0] / 2)), Math.max(1, Math.ceil(size[1] / 2))];
    sizes.push(size);
  }
  return sizes.reverse();
}

/**
 * THE mapping between the two level numberings: Deep Zoom counts up from 1 x 1
 * (0) to full resolution (levelCount - 1); OpenSlide counts down from full
 * resolution (0). Returns the DZ level's level-0 downsample and the OpenSlide
 * level to read it from.
 */
export function slideLevelForDzLevel(
  dzLevel: number,
  dzLevelCount: number,
  bestLevelForDownsample: (downsample: number) => number,
): { downsample: number; slideLevel: number } {
  if (!Number.isInteger(dzLevel) || dzLevel < 0 || dzLevel >= dzLevelCount) {
    throw new RangeError(`Deep Zoom level ${dzLevel} is outside 0..${dzLevelCount - 1}`);
  }
  const downsample = 2 ** (dzLevelCount - 1 - dzLevel);
  return { downsample, slideLevel: bestLevelForDownsample(downsample) };
}

export function createDeepZoomGeometry(
  slideLevels: readonly SlideLevel[],
  bestLevelForDownsample: (downsample: number) => number,
  options: Partial<DeepZoomOptions> = {},
): DeepZoomGeometry {
  const tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
  const overlap = options.overlap ?? DEFAULT_OVERLAP;
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new RangeError(`tile size must be a positive integer, got ${tileSize}`);
  if (!Number.isInteger(overlap) || overlap < 0) throw new RangeError(`overlap must be a non-negative integer, got ${overlap}`);
  const level0 = slideLevels[0];
  if (!level0 || level0.width < 1 || level0.height < 1) throw new RangeError('slide has no level 0 with a positive size');
  const bounds = usableBounds(options.bounds ?? null, level0);
  const scaleX = bounds ? bounds.width / level0.width : 1;
  const scaleY = bounds ? bounds.height / level0.height : 1;
  const levelLimits = slideLevels.map((l): [number, number] => [Math.ceil(l.width * scaleX), Math.ceil(l.height * scaleY)]);
  const [width, height] = levelLimits[0]!;

  const sizes = dzLevelSizes(width, height);
  const levels = sizes.map(([width, height], dzLevel): DzLevel => {
    const { downsample, slideLevel } = slideLevelForDzLevel(dzLevel, sizes.length, bestLevelForDownsample);
    const chosen = slideLevels[slideLevel];
    if (!chosen) throw new RangeError(`bestLevelForDownsample(${downsample}) returned level ${slideLevel}, which does not exist`);
    return {
      dzLevel, width, height,
      cols: Math.ceil(width / tileSize),
      rows: Math.ceil(height / tileSize),
      downsample,
      slideLevel,
      slideLevelToDz: downsample / chosen.downsample,
    };
  });
  return {
    width, height, originX: bounds?.x ?? 0, originY: bounds?.y ?? 0, levelLimits, tileSize, overlap, levels,
  };
}

/** Bounds that lie inside level 0 with a positive size, else null (then the whole level 0 is the image). */
function usableBounds(bounds: SlideBounds | null, level0: SlideLevel): SlideBounds | null {
  if (!bounds) return null;
  const { x, y, width, height } = bounds;
  const ok = [x, y, width, height].every(Number.isSafeInteger) && x >= 0 && y >= 0 && width > 0 && height > 0
    && x + width <= level0.width && y + height <= level0.height;
  return ok ? bounds : null;
}

/** True when (dzLevel, col, row) names a tile of this geometry. */
export function hasTile(geometry: DeepZoomGeometry, dzLevel: number, col: number, row: number): boolean {
  const level = geometry.levels[dzLevel];
  return level !== undefined && Number.isInteger(col) && Number.isInteger(row)
    && col >= 0 && row >= 0 && col < level.cols && row < level.rows;
}

/**
 * The slide region behind one tile. Same arithmetic as DeepZoomGenerator's
 * _get_tile_info: location rounded down, size rounded up and clipped to the
 * slide level. Throws RangeError for a tile that does not exist.
 */
export function tileRegion(
  geometry: DeepZoomGeometry,
  slideLevels: readonly SlideLevel[],
  dzLevel: number,
  col: number,
  row: number,
): TileRegion {
  const level = geometry.levels[dzLevel];
  if (!level || !hasTile(geometry, dzLevel, col, row)) {
    throw new RangeError(`no tile ${dzLevel}/${col}_${row}`);
  }
  const slideLevel = slideLevels[level.slideLevel];
  const limits = geometry.levelLimits[level.slideLevel];
  if (!slideLevel || !limits) throw new RangeError(`slide level ${level.slideLevel} does not exist`);
  const { tileSize, overlap } = geometry;
  const x = tileAxis(col, level.cols, level.width, limits[0], geometry.originX, tileSize, overlap, level.slideLevelToDz, slideLevel.downsample);
  const y = tileAxis(row, level.rows, level.height, limits[1], geometry.originY, tileSize, overlap, level.slideLevelToDz, slideLevel.downsample);
  return {
    x0: x.start0, y0: y.start0, slideLevel: level.slideLevel,
    levelWidth: x.levelRead, levelHeight: y.levelRead,
    tileWidth: x.size, tileHeight: y.size,
  };
}

/** One axis of tileRegion (a module function, not a closure: it runs for every tile served). */
function tileAxis(
  t: number, tiles: number, dzSize: number, levelSize: number, origin: number,
  tileSize: number, overlap: number, slideLevelToDz: number, slideDownsample: number,
): { size: number; start0: number; levelRead: number } {
  const overlapBefore = t !== 0 ? overlap : 0;
  const overlapAfter = t !== tiles - 1 ? overlap : 0;
  const size = Math.min(tileSize, dzSize - tileSize * t) + overlapBefore + overlapAfter;
  const levelStart = slideLevelToDz * (tileSize * t - overlapBefore);
  const start0 = Math.trunc(slideDownsample * levelStart + origin);
  // At least one pixel: a read of nothing has no meaning to readRegion.
  const levelRead = Math.max(1, Math.min(Math.ceil(slideLevelToDz * size), levelSize - Math.ceil(levelStart)));
  return { size, start0, levelRead };
}

/** The .dzi descriptor (same elements and attributes as DeepZoomGenerator.get_dzi). */
export function dziXml(geometry: DeepZoomGeometry, format: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Image TileSize="${geometry.tileSize}" Overlap="${geometry.overlap}" Format="${format}" xmlns="http://schemas.microsoft.com/deepzoom/2008">`
    + `<Size Width="${geometry.width}" Height="${geometry.height}" /></Image>\n`;
}
