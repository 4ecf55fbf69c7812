// Field of view: where the smear is on the glass. Computed on a coarse level
// (the paper uses the lowest one) from intensity: smear is darker than glass.
// Otsu on grey values of scanned pixels only (unscanned = transparent pixels
// are neither glass nor smear), then an opening/closing to drop specks and
// fill the gaps between cells. A damaged tile does not stop it: the level is
// read around the damage (slide/read-around-damage.ts), and what no level has
// counts as unscanned.
import sharp from 'sharp';
import type { Box } from '../domain/geometry.ts';
import type { DamagedArea } from '../domain/slide.ts';
import { readRegionAroundDamage } from '../slide/read-around-damage.ts';
import type { RgbaImage, SlideReader } from '../slide/slide-reader.ts';
import { closing, opening } from './binary-morphology.ts';
import { otsuThreshold } from './otsu.ts';

export interface FovConfig {
  /** Pixels with alpha below this are unscanned and ignored. */
  minAlpha: number;
  /** Opening radius in FOV-level pixels, after the closing: removes isolated specks (0 = off). */
  openRadius: number;
  /** Closing radius in level-0 pixels: joins cells up to about twice this apart into one region. */
  closeRadius: number;
  /** Minimum gap between the glass and smear class means (grey levels); below it the slide has no smear. */
  minContrast: number;
  /** Coarsest level used is one with at most this many level-0 px per FOV px. */
  maxDownsample: number;
}

export const DEFAULT_FOV_CONFIG: FovConfig = Object.freeze({
  minAlpha: 128,
  openRadius: 0,
  // About one large squamous cell: neighbouring cells of a thin smear merge into one field.
  closeRadius: 384,
  minContrast: 6,
  // 2,000 px slices then span at least 31 FOV pixels, enough for a tissue fraction.
  maxDownsample: 64,
});

export interface FieldOfView {
  level: number;
  /** Level-0 px per FOV mask px. */
  downsample: number;
  width: number;
  height: number;
  /** 1 = smear, 0 = glass or unscanned. */
  mask: Uint8Array;
  /** Grey threshold: scanned pixels at or below it are smear. */
  threshold: number;
  /** Level-0 bounding box of the smear, null when none was found. */
  bbox: Box | null;
  tissuePixels: number;
}

/** Pure part: mask from an RGBA image of a coarse level. */
export function computeFieldOfView(image: RgbaImage, downsample: number, level = 0, config: FovConfig = DEFAULT_FOV_CONFIG): FieldOfView {
  const { width, height, data } = image;
  const grey = new Uint8Array(width * height);
  const scanned = new Uint8Array(width * height);
  const histogram = new Float64Array(256);
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    if ((data[p + 3] ?? 0) < config.minAlpha) continue;
    const g = Math.round(0.299 * (data[p] ?? 0) + 0.587 * (data[p + 1] ?? 0) + 0.114 * (data[p + 2] ?? 0));
    grey[i] = g;
    scanned[i] = 1;
    histogram[g] = (histogram[g] ?? 0) + 1;
  }
  const threshold = otsuThreshold(histogram);
  let lowN = 0, lowSum = 0, highN = 0, highSum = 0;
  for (let g = 0; g < 256; g++) {
    const n = histogram[g] ?? 0;
    if (g <= threshold) { lowN += n; lowSum += n * g; } else { highN += n; highSum += n * g; }
  }
  const contrast = lowN && highN ? highSum / highN - lowSum / lowN : 0;
  let mask: Uint8Array = new Uint8Array(width * height);
  if (contrast >= config.minContrast) {
    for (let i = 0; i < mask.length; i++) mask[i] = scanned[i] && (grey[i] ?? 255) <= threshold ? 1 : 0;
    const closeRadius = Math.max(1, Math.round(config.closeRadius / downsample));
    mask = opening(closing(mask, width, height, closeRadius), width, height, config.openRadius);
    // A closing may spill into unscanned area; smear is only where the scanner looked.
    for (let i = 0; i < mask.length; i++) if (!scanned[i]) mask[i] = 0;
  }
  let minX = width, minY = height, maxX = -1, maxY = -1, tissuePixels = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      tissuePixels++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const bbox = maxX < 0 ? null : {
    x: Math.floor(minX * downsample),
    y: Math.floor(minY * downsample),
    width: Math.ceil((maxX - minX + 1) * downsample),
    height: Math.ceil((maxY - minY + 1) * downsample),
  };
  return { level, downsample, width, height, mask, threshold, bbox, tissuePixels };
}

/** Picks the coarsest level not coarser than config.maxDownsample (the lowest level when all are finer). */
export function chooseFovLevel(reader: SlideReader, config: FovConfig = DEFAULT_FOV_CONFIG): number {
  const levels = reader.info.levels;
  let chosen = 0;
  levels.forEach((level, index) => {
    if (level.downsample <= config.maxDownsample) chosen = index;
  });
  return chosen;
}

/** The field of view of a slide, with the damaged areas its level had to be read around. */
export interface FieldOfViewRead extends FieldOfView {
  damaged: DamagedArea[];
}

export async function findFieldOfView(reader: SlideReader, config: FovConfig = DEFAULT_FOV_CONFIG): Promise<FieldOfViewRead> {
  const level = chooseFovLevel(reader, config);
  const dims = reader.info.levels[level];
  if (!dims) throw new Error(`slide has no level ${level}`);
  const { image, damaged } = await readRegionAroundDamage(reader, 0, 0, level, dims.width, dims.height);
  return { ...computeFieldOfView(image, dims.downsample, level, config), damaged };
}

/** The mask as a greyscale PNG (255 = smear) for display over the slide. */
export async function encodeFovMaskPng(fov: FieldOfView): Promise<Buffer> {
  const grey = Buffer.alloc(fov.mask.length);
  for (let i = 0; i < fov.mask.length; i++) grey[i] = fov.mask[i] ? 255 : 0;
  return sharp(grey, { raw: { width: fov.width, height: fov.height, channels: 1 } }).png().toBuffer();
}
