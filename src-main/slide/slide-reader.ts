// The one image-source abstraction: a whole-slide image in level-0 pixel
// coordinates that can read RGBA regions at any level. Every format reader
// (OpenSlide today) implements it; tiles, the pipeline and export use only it.

export interface SlideLevel {
  width: number;
  height: number;
  /** Level-0 pixels per pixel of this level. */
  downsample: number;
}

export interface SlideBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SlideInfo {
  path: string;
  /** OpenSlide vendor string, e.g. `mirax`, `generic-tiff`. */
  format: string;
  levels: SlideLevel[];
  /** Every property OpenSlide reports, verbatim. */
  properties: Record<string, string>;
  /** Micrometres per level-0 pixel, when the scan records it. */
  mppX: number | null;
  mppY: number | null;
  objectivePower: number | null;
  /** Background (glass / unscanned) colour; white when the scan does not say. */
  backgroundColor: [number, number, number];
  /** Bounding box of the scanned area in level-0 pixels, when known. */
  bounds: SlideBounds | null;
  quickhash: string | null;
  /** Names of associated images (label, macro, thumbnail, ...). */
  associatedImages: string[];
}

/** Straight (not premultiplied) RGBA pixels, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Buffer;
}

export interface JpegRegionOptions {
  /** 1..100. */
  quality: number;
  /** Colour painted under transparent (unscanned) pixels. */
  background: readonly [number, number, number];
}

export interface SlideReader {
  readonly info: SlideInfo;
  /**
   * Reads `width` x `height` pixels of `level`, whose top-left corner is at
   * level-0 coordinates (x0, y0), like openslide_read_region. Areas with no
   * scanned data come back transparent (alpha 0).
   */
  readRegion(x0: number, y0: number, level: number, width: number, height: number): Promise<RgbaImage>;
  /**
   * Optional fast path for the pipeline: the same region composited on the slide's
   * background colour (info.backgroundColor) while it is converted, so every pixel is
   * opaque and unscanned areas read as glass. Readers that do not offer it leave it
   * undefined; callers fall back to readRegion and flattenOnto.
   */
  readRegionOnBackground?(x0: number, y0: number, level: number, width: number, height: number): Promise<RgbaImage>;
  /**
   * Optional fast path for tile servers: the same region composited on
   * `background` and encoded as JPEG without leaving native code. Resolves
   * with null when every pixel is transparent (nothing scanned there), so the
   * caller can answer with a background tile it already has. Readers that do
   * not offer it leave it undefined; callers fall back to readRegion.
   */
  readRegionJpeg?(x0: number, y0: number, level: number, width: number, height: number,
    options: JpegRegionOptions): Promise<Buffer | null>;
  bestLevelForDownsample(downsample: number): number;
  readAssociatedImage(name: string): Promise<RgbaImage>;
  /** Releases the native handle. Later calls reject with a SlideError whose code is 'closed'. */
  close(): void;
  readonly closed: boolean;
}
