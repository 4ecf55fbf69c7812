// Reads one slice (plus its margin) at the segmenter's working scale: from the
// best pyramid level, resized by sharp only when that level is not exactly the
// scale wanted, and flattened onto the slide's background colour so unscanned
// (transparent) areas look like glass to the segmenter.
import sharp from 'sharp';
import type { Box, Point } from '../../domain/geometry.ts';
import type { RgbaImage, SlideReader } from '../../slide/slide-reader.ts';

export interface SliceImage {
  image: RgbaImage;
  /** Level-0 position of image pixel (0, 0). */
  origin: Point;
  /** Level-0 px per image px. */
  downsample: number;
}

/** The level-0 area to read for a slice: the slice grown by the margin, aligned to the downsample. */
export function sliceReadArea(slice: Box, margin: number, downsample: number): Box {
  const x = slice.x - margin;
  const y = slice.y - margin;
  const width = Math.ceil((slice.width + 2 * margin) / downsample) * downsample;
  const height = Math.ceil((slice.height + 2 * margin) / downsample) * downsample;
  return { x, y, width, height };
}

export function flattenOnto(image: RgbaImage, background: readonly [number, number, number]): void {
  const d = image.data;
  const [br, bg, bb] = background;
  for (let p = 0; p < d.length; p += 4) {
    const a = d[p + 3]!;
    if (a === 255) continue;
    const k = a / 255;
    d[p] = Math.round(d[p]! * k + br * (1 - k));
    d[p + 1] = Math.round(d[p + 1]! * k + bg * (1 - k));
    d[p + 2] = Math.round(d[p + 2]! * k + bb * (1 - k));
    d[p + 3] = 255;
  }
}

export async function readSliceImage(reader: SlideReader, slice: Box, margin: number, downsample: number): Promise<SliceImage> {
  const area = sliceReadArea(slice, margin, downsample);
  const level = reader.bestLevelForDownsample(downsample);
  const levelDownsample = reader.info.levels[level]?.downsample ?? 1;
  const width = area.width / downsample;
  const height = area.height / downsample;
  const levelWidth = Math.ceil(area.width / levelDownsample);
  const levelHeight = Math.ceil(area.height / levelDownsample);
  let image = await reader.readRegion(area.x, area.y, level, levelWidth, levelHeight);
  if (levelWidth !== width || levelHeight !== height) {
    const { data, info } = await sharp(image.data, { raw: { width: levelWidth, height: levelHeight, channels: 4 } })
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    image = { width: info.width, height: info.height, data };
  }
  flattenOnto(image, reader.info.backgroundColor);
  return { image, origin: { x: area.x, y: area.y }, downsample };
}
