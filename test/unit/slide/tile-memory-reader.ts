// An in-memory SlideReader for tile unit tests: a generated RGBA pyramid with
// OpenSlide's level rules (downsamples 1, 2, 4, ...; bestLevelForDownsample
// picks the largest level not finer than asked), a read counter, and hooks
// to slow reads down or make them fail. Integration tests use the real reader.

import { boxesIntersect } from '../../../src-main/domain/geometry.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import type { RgbaImage, SlideBounds, SlideInfo, SlideLevel, SlideReader } from '../../../src-main/slide/slide-reader.ts';

export type PixelFn = (x0: number, y0: number) => [number, number, number, number];

export interface MemoryReaderOptions {
  width: number;
  height: number;
  levelCount?: number;
  background?: [number, number, number];
  /** Level-0 colour at (x, y); default a smooth opaque gradient. */
  pixel?: PixelFn;
  /** Resolves before each read completes (e.g. a gate the test opens). */
  beforeRead?: () => Promise<void>;
  /** Thrown by every read when set. */
  failWith?: Error;
  /** Damaged tiles: a read at `level` touching level-0 `box` fails like OpenSlide's on a corrupt JPEG. */
  damaged?: Array<{ level: number; box: Box }>;
  /** The scanned bounds (openslide.bounds-*); default none. */
  bounds?: SlideBounds | null;
}

export const gradient: PixelFn = (x, y) => [x % 256, y % 256, (x + y) % 256, 255];

export class MemorySlideReader implements SlideReader {
  readonly info: SlideInfo;
  reads = 0;
  readonly readLog: Array<{ x0: number; y0: number; level: number; width: number; height: number }> = [];
  #closed = false;
  readonly #pixel: PixelFn;
  readonly #options: MemoryReaderOptions;

  constructor(options: MemoryReaderOptions) {
    this.#options = options;
    this.#pixel = options.pixel ?? gradient;
    const levels: SlideLevel[] = [];
    for (let k = 0; k < (options.levelCount ?? 1); k++) {
      const downsample = 2 ** k;
      levels.push({ width: Math.floor(options.width / downsample), height: Math.floor(options.height / downsample), downsample });
    }
    this.info = {
      path: '/memory/test.mrxs', format: 'memory', levels, properties: {},
      mppX: 0.25, mppY: 0.25, objectivePower: 20,
      backgroundColor: options.background ?? [255, 255, 255],
      bounds: options.bounds ?? null, quickhash: null, associatedImages: [],
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  bestLevelForDownsample(downsample: number): number {
    const { levels } = this.info;
    for (let i = 1; i < levels.length; i++) {
      if (downsample < (levels[i]?.downsample ?? Infinity)) return i - 1;
    }
    return levels.length - 1;
  }

  async readRegion(x0: number, y0: number, level: number, width: number, height: number): Promise<RgbaImage> {
    if (this.#closed) throw new SlideError('closed', this.info.path, 'slide is closed');
    const lvl = this.info.levels[level];
    if (!lvl || width < 1 || height < 1) throw new SlideError('bad-argument', this.info.path, `bad read ${level} ${width}x${height}`);
    this.reads += 1;
    this.readLog.push({ x0, y0, level, width, height });
    if (this.#options.beforeRead) await this.#options.beforeRead();
    if (this.#options.failWith) throw this.#options.failWith;
    const area = { x: x0, y: y0, width: width * lvl.downsample, height: height * lvl.downsample };
    if (this.#options.damaged?.some((d) => d.level === level && boxesIntersect(d.box, area))) {
      throw new SlideError('openslide', this.info.path,
        `Cannot read level ${level} region at (${x0}, ${y0}) size ${width}x${height}: Not a JPEG file: starts with 0x00 0x00`);
    }
    const data = Buffer.alloc(width * height * 4);
    const lx0 = Math.floor(x0 / lvl.downsample);
    const ly0 = Math.floor(y0 / lvl.downsample);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const lx = lx0 + x;
        const ly = ly0 + y;
        if (lx < 0 || ly < 0 || lx >= lvl.width || ly >= lvl.height) continue;
        const p = this.#pixel(lx * lvl.downsample, ly * lvl.downsample);
        data.set(p, (y * width + x) * 4);
      }
    }
    return { width, height, data };
  }

  async readAssociatedImage(name: string): Promise<RgbaImage> {
    throw new SlideError('bad-argument', this.info.path, `no associated image ${name}`);
  }

  close(): void {
    this.#closed = true;
  }
}
