// Loads the Node-API OpenSlide addon (native/build/Release/openslide_binding.node)
// once, lazily, and describes its shape. A missing or unloadable addon becomes
// a SlideError saying how to build it, never a crash at import time.
import { createRequire } from 'node:module';
import { OPENSLIDE_BINDING_PATH } from '../files/app-layout.ts';
import { SlideError } from './slide-error.ts';

/** What the addon rejects / throws with: `code` matches SlideErrorCode. */
export interface NativeSlideError extends Error {
  code: 'not-found' | 'unsupported-format' | 'openslide' | 'closed' | 'bad-argument';
  path: string;
  /** The message without the path. */
  reason: string;
}

export interface NativeLevel {
  width: number;
  height: number;
  downsample: number;
}

export interface NativeJpegOptions {
  /** 1..100, libjpeg's scale (PIL's too). */
  quality: number;
  /** Painted under transparent pixels; integers 0..255. */
  background: readonly [number, number, number];
}

/** One open OpenSlide handle. Metadata is cached at open. */
export interface NativeSlide {
  readonly path: string;
  readonly vendor: string;
  readonly levels: NativeLevel[];
  readonly properties: Record<string, string>;
  readonly associatedImages: Record<string, { width: number; height: number }>;
  readonly closed: boolean;
  bestLevelForDownsample(downsample: number): number;
  /**
   * Straight RGBA, width * height * 4 bytes; with `background`, composited on it in the
   * same pass (alpha 255 everywhere: unscanned areas read as that colour).
   */
  readRegion(x0: number, y0: number, level: number, width: number, height: number,
    background?: readonly [number, number, number]): Promise<Buffer>;
  /**
   * The same read, composited on `background` and encoded as a baseline JPEG
   * (4:2:0, no Huffman optimisation) on the libuv pool. null when every pixel
   * is transparent (nothing scanned there): such a region is not encoded.
   * width and height are at most 65500 (JPEG's limit).
   */
  readRegionJpeg(x0: number, y0: number, level: number, width: number, height: number,
    options: NativeJpegOptions): Promise<Buffer | null>;
  readAssociatedImage(name: string): Promise<{ width: number; height: number; data: Buffer }>;
  /** Safe with reads in flight: the handle is freed when the last one ends. */
  close(): void;
}

/** glibc malloc settings in bytes (arenaMax: a count); all 0 when not applied. */
export interface AllocatorTuning {
  applied: boolean;
  reason: string;
  mmapThreshold: number;
  trimThreshold: number;
  arenaMax: number;
}

export interface OpenSlideBinding {
  detectVendor(path: string): string | null;
  open(path: string): Promise<NativeSlide>;
  /** libopenslide's version, e.g. `3.4.1`. */
  version(): string;
  /**
   * The malloc settings the addon applied when it loaded (glibc only; see
   * native/README.md): heap memory kept so OpenSlide's tile churn does not
   * page-fault. `reason` says why not when `applied` is false.
   */
  allocatorTuning(): AllocatorTuning;
  /** Test hook: premultiplied native-endian ARGB words -> straight RGBA, in place. */
  premultipliedArgbToRgba(buffer: Buffer): Buffer;
  /** How many OpenSlide handles are open in this process (tests: close, finalizer). */
  liveHandles(): number;
}

let loaded: OpenSlideBinding | null = null;
let loadError: SlideError | null = null;

/**
 * The addon path (app-layout.ts: unpacked beside the asar in a package);
 * SMEARLAB_OPENSLIDE_BINDING overrides it, e.g. for a binding built elsewhere.
 */
export function openSlideAddonPath(): string {
  return process.env['SMEARLAB_OPENSLIDE_BINDING'] ?? OPENSLIDE_BINDING_PATH;
}

/** Loads the addon or throws a SlideError ('unsupported-format') naming the fix. */
export function loadOpenSlideBinding(): OpenSlideBinding {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  const path = openSlideAddonPath();
  try {
    loaded = createRequire(import.meta.url)(path) as OpenSlideBinding;
    return loaded;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loadError = new SlideError('unsupported-format', path,
      `The OpenSlide binding could not be loaded (${why}); build it with \`npm run setup\``);
    throw loadError;
  }
}

export function isNativeSlideError(err: unknown): err is NativeSlideError {
  return err instanceof Error && typeof (err as Partial<NativeSlideError>).code === 'string'
    && typeof (err as Partial<NativeSlideError>).reason === 'string';
}
