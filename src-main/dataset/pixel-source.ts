// Where an export gets pixels: the scan through OpenSlide, or, for a smear
// imported without its scan ('slice-images' slides), the slice images the
// importer copied. Either way a level-0 box comes back as straight RGBA;
// areas with no pixels are transparent and become the background colour
// when encoded. All decoding runs on the libuv pool (OpenSlide, sharp).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import type { Box } from '../domain/geometry.ts';
import { intersectBoxes } from '../domain/geometry.ts';
import { openSlide } from '../slide/openslide-reader.ts';
import type { RgbaImage, SlideReader } from '../slide/slide-reader.ts';
import type { SliceRecord, SlideRecord } from '../domain/slide.ts';
import { DatasetError } from './dataset-error.ts';

export interface PixelSource {
  /** Identifies the pixels (for the resume keys): the scan's quickhash, or the image folder. */
  readonly identity: string;
  readonly background: [number, number, number];
  readRegion(box: Box): Promise<RgbaImage>;
  close(): void;
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
        return await reader.readRegion(box.x, box.y, 0, box.width, box.height);
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
      return { width: info.width, height: info.height, data };
    },
    close: () => undefined,
  };
}

export interface PngOptions {
  compression: number;
  crop?: Box;
  overlaySvg?: string;
}

function pngPipeline(image: RgbaImage, background: readonly [number, number, number], options: PngOptions): Sharp {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  if (options.crop) pipeline = pipeline.extract({ left: options.crop.x, top: options.crop.y, width: options.crop.width, height: options.crop.height });
  pipeline = pipeline.flatten({ background: { r: background[0], g: background[1], b: background[2] } });
  if (options.overlaySvg) pipeline = pipeline.composite([{ input: Buffer.from(options.overlaySvg) }]);
  return pipeline.png({ compressionLevel: options.compression, adaptiveFiltering: false });
}

/** PNG of an RGBA region (or a box of it) flattened onto the background, with an optional SVG overlay. */
export function encodePng(image: RgbaImage, background: readonly [number, number, number], options: PngOptions): Promise<Buffer> {
  return pngPipeline(image, background, options).toBuffer();
}

/** The same PNG as encodePng, as the encoder's output stream (libvips on the libuv pool): pieces arrive while it encodes. */
export function encodePngStream(image: RgbaImage, background: readonly [number, number, number], options: PngOptions): AsyncIterable<Buffer> {
  return pngPipeline(image, background, options);
}
