// Cell crops: the APACC file name of a cell image, and rendering a crop from
// the slide. Crops are rendered on demand by default (cheaper than encoding a
// PNG for every candidate at ingest: see the pipeline benchmark), and written
// at ingest only when asked (--save-crops, the paper's save_image).
import sharp from 'sharp';
import type { Box, Point } from '../domain/geometry.ts';
import type { SlideReader } from '../slide/slide-reader.ts';
import { readRegionOnBackground } from '../slide/flatten-onto.ts';

/** Largest crop rendered, per side (level-0 px): far above any APACC box (540 px). */
export const MAX_CROP_SIDE = 4096;

/** `{smear id}_{slice x}-{slice y}_{cell no}_{cx}-{cy}_{date}.png`, cx/cy = crop centre in slice px. */
export function apaccCellFileName(smearId: string, slice: Point, cellNumber: number, cropCentreInSlice: Point, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  return `${smearId}_${slice.x}-${slice.y}_${cellNumber}_${cropCentreInSlice.x}-${cropCentreInSlice.y}_${day}.png`;
}

/** Crop centre in slice px as the APACC name carries it: floor of the box centre relative to the slice. */
export function cropCentreInSlice(box: Box, slice: Point): Point {
  return { x: Math.floor(box.x + box.width / 2 - slice.x), y: Math.floor(box.y + box.height / 2 - slice.y) };
}

export async function renderCellCrop(reader: SlideReader, box: Box, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  if (!(box.width > 0 && box.height > 0 && box.width <= MAX_CROP_SIDE && box.height <= MAX_CROP_SIDE)) {
    throw new RangeError(`crop ${box.width}x${box.height} is outside 1..${MAX_CROP_SIDE} px a side`);
  }
  const image = await readRegionOnBackground(reader, box.x, box.y, 0, box.width, box.height);
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).removeAlpha();
  return format === 'png' ? pipeline.png({ compressionLevel: 6 }).toBuffer() : pipeline.jpeg({ quality: 90 }).toBuffer();
}
