// Reads and encodes one Deep Zoom tile. JPEG tiles that need no shrinking
// (on MIRAX every DZ level down to the smallest slide level) come finished
// from the reader's native fast path: read, composite on the background and
// libjpeg-turbo encode in one job on the libuv pool, ~0.15 ms on top of
// OpenSlide's read where sharp cost ~1 ms. The rest (WebP, shrinks between slide levels, readers without
// the fast path) go through sharp from straight RGBA: composite, Lanczos
// shrink, encode; the JS thread only classifies alpha (one fast pass) to skip
// work. Unscanned regions reuse a pre-encoded background tile either way.
// See test/bench/tiles-bench.ts for what each step costs.

import { endianness } from 'node:os';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { RgbaImage, SlideReader } from './slide-reader.ts';
import type { TileRegion } from './deep-zoom.ts';
import type { TileFormat } from '../domain/tile-format.ts';

export { TILE_FORMATS, type TileFormat } from '../domain/tile-format.ts';



export const TILE_CONTENT_TYPES: Readonly<Record<TileFormat, string>> = {
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** A usual Deep Zoom setting; configurable, and the benchmark passes the same value to the reference. */
export const DEFAULT_JPEG_QUALITY = 80;
export const DEFAULT_WEBP_QUALITY = 80;

export interface TileEncodeOptions {
  format: TileFormat;
  /** 1..100. */
  quality: number;
  /** Colour painted under transparent (unscanned) pixels. */
  background: readonly [number, number, number];
}

export type AlphaCoverage = 'transparent' | 'opaque' | 'mixed';

const littleEndian = endianness() === 'LE';

/**
 * Whether a region is all unscanned (every byte 0: OpenSlide's transparent
 * pixel), all opaque, or a mix. One pass over 32-bit words, ~0.1 ms for a
 * 256 x 256 tile on the JS thread; it saves far more on the pool: a
 * transparent tile is not encoded at all, an opaque one skips sharp's flatten
 * (which works in floating point and costs ~0.5 ms).
 */
export function alphaCoverage(image: RgbaImage): AlphaCoverage {
  const { data } = image;
  let and = 0xff;
  let or = 0;
  if (littleEndian && data.byteOffset % 4 === 0 && data.length % 4 === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length >>> 2);
    let andWord = 0xffffffff;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      andWord &= w;
      or |= w;
    }
    and = andWord >>> 24; // alpha is the high byte of a little-endian RGBA word
  } else {
    for (let i = 0; i < data.length; i += 4) {
      and &= data[i + 3]!;
      or |= data[i]! | data[i + 1]! | data[i + 2]! | data[i + 3]!;
    }
  }
  if (or === 0) return 'transparent';
  return and === 0xff ? 'opaque' : 'mixed';
}

/**
 * Encodes `image` as a `width` x `height` tile. Shrinking uses Lanczos-3 (what
 * DeepZoomGenerator uses through PIL); sharp premultiplies alpha around the
 * resize, so transparent edges do not bleed dark.
 */
export async function encodeTile(
  image: RgbaImage,
  width: number,
  height: number,
  options: TileEncodeOptions,
): Promise<Buffer> {
  if (image.data.length !== image.width * image.height * 4) {
    throw new RangeError(`RGBA buffer holds ${image.data.length} bytes, expected ${image.width} x ${image.height} x 4`);
  }
  const coverage = alphaCoverage(image);
  if (coverage === 'transparent') return encodeBlankTile(width, height, options);
  const [r, g, b] = options.background;
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  pipeline = coverage === 'opaque' ? pipeline.removeAlpha() : pipeline.flatten({ background: { r, g, b } });
  if (image.width !== width || image.height !== height) {
    pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  }
  return encodeAs(pipeline, options).toBuffer();
}

function encodeAs(pipeline: Sharp, options: TileEncodeOptions): Sharp {
  return options.format === 'jpeg'
    // Plain baseline JPEG, like PIL's default: two-pass Huffman optimisation
    // saves ~5 % of bytes but costs ~20 % of the encode time.
    ? pipeline.jpeg({ quality: options.quality, mozjpeg: false, optimiseCoding: false, chromaSubsampling: '4:2:0' })
    : pipeline.webp({ quality: options.quality, effort: 2 });
}

/** Reads the slide region behind a tile and encodes it (see the top of this file for the two paths). */
export async function renderTile(reader: SlideReader, region: TileRegion, options: TileEncodeOptions): Promise<Buffer> {
  const { x0, y0, slideLevel, levelWidth, levelHeight, tileWidth, tileHeight } = region;
  const exact = levelWidth === tileWidth && levelHeight === tileHeight;
  if (options.format === 'jpeg' && exact && reader.readRegionJpeg) {
    const { quality, background } = options;
    const jpeg = await reader.readRegionJpeg(x0, y0, slideLevel, levelWidth, levelHeight, { quality, background });
    return jpeg ?? encodeBlankTile(tileWidth, tileHeight, options);
  }
  const rgba = await reader.readRegion(x0, y0, slideLevel, levelWidth, levelHeight);
  return encodeTile(rgba, tileWidth, tileHeight, options);
}

const BLANK_TILES_KEPT = 256;
const blankTiles = new Map<string, Promise<Buffer>>();

/**
 * An encoded tile of plain background colour. Large parts of a slide are
 * unscanned: those tiles are encoded once per size and format, not per request.
 */
export function encodeBlankTile(width: number, height: number, options: TileEncodeOptions): Promise<Buffer> {
  const [r, g, b] = options.background;
  const key = `${options.format}/${options.quality}/${width}x${height}/${r},${g},${b}`;
  const known = blankTiles.get(key);
  if (known) return known;
  if (blankTiles.size >= BLANK_TILES_KEPT) blankTiles.clear();
  const tile = encodeAs(sharp({ create: { width, height, channels: 3, background: { r, g, b } } }), options).toBuffer();
  tile.catch(() => blankTiles.delete(key));
  blankTiles.set(key, tile);
  return tile;
}
