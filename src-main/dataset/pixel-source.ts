// Where an export gets pixels: the scan through OpenSlide, or, for a smear
// imported without its scan ('slice-images' slides), the slice images the
// importer copied. Either way a level-0 box comes back as straight RGBA;
// areas with no pixels are transparent and become the background colour
// when encoded. All decoding and encoding runs on the libuv pool (OpenSlide,
// sharp). A region says whether it is opaque (nearly every region of a
// scan): its PNG then drops the alpha band instead of flattening it, the same
// pixels for about a third less encoding work.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import type { Box } from '../domain/geometry.ts';
import { intersectBoxes } from '../domain/geometry.ts';
import { openSlide } from '../slide/openslide-reader.ts';
import type { RgbaImage, SlideReader } from '../slide/slide-reader.ts';
import type { SliceRecord, SlideRecord } from '../domain/slide.ts';
import { DatasetError } from './dataset-error.ts';

/** A level-0 box of straight RGBA; opaque: every alpha is 255 (flattening would change nothing). */
export interface PixelRegion extends RgbaImage {
  readonly opaque: boolean;
}

export interface PixelSource {
  /** Identifies the pixels (for the resume keys): the scan's quickhash, or the image folder. */
  readonly identity: string;
  readonly background: [number, number, number];
  readRegion(box: Box): Promise<PixelRegion>;
  close(): void;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** True when every pixel's alpha is 255. One pass over 32-bit words (about 3 ms per million pixels), stopping at the first that is not. */
export function isOpaque(rgba: Uint8Array): boolean {
  const count = rgba.length >>> 2;
  if (LITTLE_ENDIAN && rgba.byteOffset % 4 === 0) {
    // Alpha is a little-endian word's top byte: an opaque pixel is >= 0xff000000.
    const words = new Uint32Array(rgba.buffer, rgba.byteOffset, count);
    for (let i = 0; i < count; i++) if (words[i]! < 0xff000000) return false;
    return true;
  }
  for (let i = 3; i < count * 4; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

function region(image: RgbaImage): PixelRegion {
  return { width: image.width, height: image.height, data: image.data, opaque: isOpaque(image.data) };
}

/** File name of an imported slice image inside its slide's folder (slide.path). */
export function importedSliceImageName(slice: { x: number; y: number }): string {
  return `${slice.x}_${slice.y}.png`;
}

/** Absolute path of an imported slice's image ('slice-images' slides: slide.path is the folder of these). */
export function importedSliceImagePath(slide: SlideRecord, slice: { x: number; y: number }): string {
  return join(slide.path, importedSliceImageName(slice));
}

/** What identifies a slide's pixels, known without opening it (resume keys). */
export function pixelIdentity(slide: SlideRecord): string {
  return slide.kind === 'slice-images' ? `images:${slide.path}` : `scan:${slide.quickhash ?? slide.path}`;
}

export async function openPixelSource(slide: SlideRecord, slices: readonly SliceRecord[]): Promise<PixelSource> {
  if (slide.kind === 'slice-images') return sliceImageSource(slide, slices);
  let reader: SlideReader;
  try {
    reader = await openSlide(slide.path);
  } catch (err) {
    throw new DatasetError('slide-unavailable', `cannot open the scan of smear ${slide.smearId}: ${(err as Error).message}`, slide.path);
  }
  return {
    identity: pixelIdentity(slide),
    background: reader.info.backgroundColor,
    readRegion: async (box) => {
      try {
        return region(await reader.readRegion(box.x, box.y, 0, box.width, box.height));
      } catch (err) {
        throw new DatasetError('slide-unavailable', `cannot read smear ${slide.smearId} at ${box.x},${box.y}: ${(err as Error).message}`, slide.path);
      }
    },
    close: () => reader.close(),
  };
}

function sliceImageSource(slide: SlideRecord, slices: readonly SliceRecord[]): PixelSource {
  const withImages = slices.filter((s) => existsSync(importedSliceImagePath(slide, s)));
  return {
    identity: pixelIdentity(slide),
    background: [255, 255, 255],
    async readRegion(box) {
      const parts: OverlayOptions[] = [];
      for (const s of withImages) {
        const part = intersectBoxes(box, s);
        if (!part) continue;
        const input = await sharp(importedSliceImagePath(slide, s))
          .extract({ left: part.x - s.x, top: part.y - s.y, width: part.width, height: part.height })
          .ensureAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true })
          .catch((err: Error) => {
            throw new DatasetError('slide-unavailable', `cannot read the slice image ${importedSliceImagePath(slide, s)}: ${err.message}`, importedSliceImagePath(slide, s));
          });
        parts.push({ input: input.data, raw: { width: input.info.width, height: input.info.height, channels: 4 }, left: part.x - box.x, top: part.y - box.y });
      }
      const canvas = sharp({ create: { width: box.width, height: box.height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } });
      const { data, info } = await (parts.length ? canvas.composite(parts) : canvas).raw().toBuffer({ resolveWithObject: true });
      return region({ width: info.width, height: info.height, data });
    },
    close: () => undefined,
  };
}

export interface PngOptions {
  /** zlib level 0-9. */
  compression: number;
  /** libpng's adaptive row filters (smaller files, about twice the encoding work); default: none. */
  adaptiveFiltering?: boolean;
  crop?: Box;
  overlaySvg?: string;
}

function pngPipeline(image: PixelRegion, background: readonly [number, number, number], options: PngOptions): Sharp {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (options.crop) pipeline = pipeline.extract({ left: options.crop.x, top: options.crop.y, width: options.crop.width, height: options.crop.height });
  // An opaque region flattens to its own RGB: dropping the band gives the same PNG without the blend.
  // Not under an overlay: sharp's composite onto a flattened image gives RGBA (alpha 255), and
  // annotated images keep that form.
  pipeline = image.opaque && !options.overlaySvg
    ? pipeline.removeAlpha()
    : pipeline.flatten({ background: { r: background[0], g: background[1], b: background[2] } });
  if (options.overlaySvg) pipeline = pipeline.composite([{ input: Buffer.from(options.overlaySvg) }]);
  return pipeline.png({ compressionLevel: options.compression, adaptiveFiltering: options.adaptiveFiltering ?? false });
}

/**
 * PNG of an RGBA region (or a box of it) flattened onto the background, with an optional SVG overlay.
 * (sharp hands a PNG over whole, also through its stream interface: the file goes to the target once encoded.)
 */
export function encodePng(image: PixelRegion, background: readonly [number, number, number], options: PngOptions): Promise<Buffer> {
  return pngPipeline(image, background, options).toBuffer();
}
