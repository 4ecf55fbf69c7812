// SlideReader over libopenslide (MIRAX first, every format OpenSlide reads).
// Turns native failures into SlideError, and survives OpenSlide's sticky
// error state (one failed read poisons a handle for good) by reopening the
// slide behind the caller's back.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SlideError } from './slide-error.ts';
import { assertScanFile, isRegularFileSync } from './scan-file.ts';
import type { JpegRegionOptions, RgbaImage, SlideBounds, SlideInfo, SlideLevel, SlideReader } from './slide-reader.ts';
import { isNativeSlideError, loadOpenSlideBinding } from './openslide-native.ts';
import type { NativeSlide, OpenSlideBinding } from './openslide-native.ts';

/**
 * OpenSlide's vendor string for the file (`mirax`, `generic-tiff`, ...), or
 * null when OpenSlide does not recognise it or the binding is not built.
 * Reads a few bytes synchronously; keep it off hot paths.
 */
export function detectSlideFormat(path: string): string | null {
  let binding: OpenSlideBinding;
  try {
    binding = loadOpenSlideBinding();
  } catch {
    return null;
  }
  // OpenSlide would block on a named pipe; only regular files are asked about.
  return isRegularFileSync(path) ? binding.detectVendor(path) : null;
}

/**
 * Opens a slide off the JS thread. Rejects with SlideError: 'not-found',
 * 'unsupported-format' (not a regular file, see scan-file.ts; or OpenSlide
 * does not recognise it; for .mrxs the message says what is missing), or
 * 'openslide' (OpenSlide's own reason).
 */
export async function openSlide(path: string): Promise<SlideReader> {
  const absolute = resolve(path);
  await assertScanFile(absolute);
  const binding = loadOpenSlideBinding();
  let slide: NativeSlide;
  try {
    slide = await binding.open(absolute);
  } catch (err) {
    throw explainOpenError(err, absolute);
  }
  return new OpenSlideReader(binding, slide);
}

function explainOpenError(err: unknown, path: string): SlideError {
  const error = toSlideError(err, path);
  if (error.code !== 'unsupported-format' || extname(path).toLowerCase() !== '.mrxs') return error;
  // OpenSlide only says "not recognised"; for MIRAX the cause is nearly always one of these.
  if (extname(path) !== '.mrxs') {
    return new SlideError('unsupported-format', path,
      'OpenSlide 3.4.1 recognises MIRAX only with a lower-case .mrxs extension; rename the file');
  }
  const folder = join(dirname(path), basename(path, '.mrxs'));
  if (!existsSync(join(folder, 'Slidedat.ini'))) {
    return new SlideError('unsupported-format', path,
      `Not a readable MIRAX slide: its data folder ${folder} with Slidedat.ini is missing (it must sit next to the .mrxs file)`);
  }
  return error;
}

function toSlideError(err: unknown, path: string): SlideError {
  if (err instanceof SlideError) return err;
  if (isNativeSlideError(err)) return new SlideError(err.code, err.path || path, err.reason);
  const message = err instanceof Error ? err.message : String(err);
  return new SlideError('openslide', path, message);
}

function closedError(path: string): SlideError {
  return new SlideError('closed', path, 'The slide is closed');
}

class OpenSlideReader implements SlideReader {
  readonly info: SlideInfo;
  readonly #binding: OpenSlideBinding;
  readonly #path: string;
  #slide: NativeSlide | null;
  #reopening: Promise<NativeSlide> | null = null;
  #closed = false;

  constructor(binding: OpenSlideBinding, slide: NativeSlide) {
    this.#binding = binding;
    this.#path = slide.path;
    this.#slide = slide;
    this.info = slideInfo(slide);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async readRegion(x0: number, y0: number, level: number, width: number, height: number): Promise<RgbaImage> {
    const data = await this.#withSlide((slide) => slide.readRegion(x0, y0, level, width, height));
    return { width, height, data };
  }

  async readRegionOnBackground(x0: number, y0: number, level: number, width: number, height: number): Promise<RgbaImage> {
    const background = this.info.backgroundColor;
    const data = await this.#withSlide((slide) => slide.readRegion(x0, y0, level, width, height, background));
    return { width, height, data };
  }

  readRegionJpeg(x0: number, y0: number, level: number, width: number, height: number,
    options: JpegRegionOptions): Promise<Buffer | null> {
    return this.#withSlide((slide) => slide.readRegionJpeg(x0, y0, level, width, height, options));
  }

  readAssociatedImage(name: string): Promise<RgbaImage> {
    return this.#withSlide((slide) => slide.readAssociatedImage(name));
  }

  bestLevelForDownsample(downsample: number): number {
    if (this.#closed) throw closedError(this.#path);
    if (typeof downsample !== 'number' || Number.isNaN(downsample)) {
      throw new SlideError('bad-argument', this.#path, `bestLevelForDownsample needs a number, got ${String(downsample)}`);
    }
    return bestLevelForDownsample(this.info.levels, downsample);
  }

  close(): void {
    this.#closed = true;
    this.#slide?.close();
    this.#slide = null;
  }

  async #withSlide<T>(operation: (slide: NativeSlide) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError(this.#path);
    // No await when a handle is ready: the native call is queued before the
    // caller's next statement, so a close() right after still lets it finish.
    const slide = this.#slide ?? (await this.#sharedReopen());
    try {
      return await operation(slide);
    } catch (err) {
      const error = toSlideError(err, this.#path);
      // 'closed' while the reader is open means another call retired this handle.
      const handleFailed = error.code === 'openslide' || (error.code === 'closed' && !this.#closed);
      if (!handleFailed) throw error;
      this.#retire(slide);
      if (this.#closed) throw closedError(this.#path);
      return this.#retryAlone(operation);
    }
  }

  /**
   * OpenSlide keeps one sticky error per handle, so a failure cannot be
   * pinned on the read that saw it: reads in flight beside the bad one fail
   * too. Each failed read gets one more try on a handle of its own: innocent
   * reads succeed, the bad one fails with its own message, and it cannot
   * poison anybody else's retry.
   */
  async #retryAlone<T>(operation: (slide: NativeSlide) => Promise<T>): Promise<T> {
    const slide = await this.#openSame();
    try {
      return await operation(slide);
    } catch (err) {
      throw toSlideError(err, this.#path);
    } finally {
      slide.close();
    }
  }

  #sharedReopen(): Promise<NativeSlide> {
    this.#reopening ??= this.#reopenShared();
    return this.#reopening;
  }

  async #reopenShared(): Promise<NativeSlide> {
    try {
      const slide = await this.#openSame();
      if (this.#closed) {
        slide.close();
        throw closedError(this.#path);
      }
      this.#slide = slide;
      return slide;
    } finally {
      this.#reopening = null;
    }
  }

  /** Opens the path again and checks it is still the same slide. */
  async #openSame(): Promise<NativeSlide> {
    let slide: NativeSlide;
    try {
      slide = await this.#binding.open(this.#path);
    } catch (err) {
      throw toSlideError(err, this.#path);
    }
    if ((slide.properties['openslide.quickhash-1'] ?? null) !== this.info.quickhash) {
      slide.close();
      throw new SlideError('openslide', this.#path, 'The slide changed on disk since it was opened; open it again');
    }
    return slide;
  }

  /** Drops a handle in OpenSlide's error state; reads still on it finish first. */
  #retire(slide: NativeSlide): void {
    if (this.#slide === slide) this.#slide = null;
    slide.close();
  }
}

/** OpenSlide's rule: the deepest level whose downsample does not exceed the request. */
function bestLevelForDownsample(levels: SlideLevel[], downsample: number): number {
  let best = 0;
  for (let i = 1; i < levels.length; i++) {
    if (downsample < (levels[i]?.downsample ?? Infinity)) break;
    best = i;
  }
  return best;
}

function slideInfo(slide: NativeSlide): SlideInfo {
  const props = slide.properties;
  return {
    path: slide.path,
    format: slide.vendor,
    levels: slide.levels.map(({ width, height, downsample }) => ({ width, height, downsample })),
    properties: { ...props },
    mppX: positiveNumber(props['openslide.mpp-x']) ?? tiffMpp(props, 'tiff.XResolution'),
    mppY: positiveNumber(props['openslide.mpp-y']) ?? tiffMpp(props, 'tiff.YResolution'),
    objectivePower: positiveNumber(props['openslide.objective-power']),
    backgroundColor: parseRgbHex(props['openslide.background-color']) ?? [255, 255, 255],
    bounds: parseBounds(props),
    quickhash: props['openslide.quickhash-1'] ?? null,
    associatedImages: Object.keys(slide.associatedImages),
  };
}

function positiveNumber(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

// OpenSlide 4 derives mpp from a TIFF resolution in centimetres; 3.4.1 only
// lists the tags. Inch resolutions are skipped as OpenSlide 4 does: they are
// mostly a 72 dpi default, not a measurement.
function tiffMpp(props: Record<string, string>, key: string): number | null {
  if (props['tiff.ResolutionUnit'] !== 'centimeter') return null;
  const pxPerCm = positiveNumber(props[key]);
  return pxPerCm === null ? null : 10000 / pxPerCm;
}

function parseRgbHex(text: string | undefined): [number, number, number] | null {
  if (text === undefined || !/^[0-9a-fA-F]{6}$/.test(text)) return null;
  const n = Number.parseInt(text, 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function parseBounds(props: Record<string, string>): SlideBounds | null {
  const values = ['x', 'y', 'width', 'height'].map((k) => props[`openslide.bounds-${k}`]);
  const numbers = values.map((v) => (v === undefined || v.trim() === '' ? NaN : Number(v)));
  if (!numbers.every(Number.isInteger)) return null;
  const [x, y, width, height] = numbers as [number, number, number, number];
  return { x, y, width, height };
}
