// Reads a region of a scan that may hold damaged tiles (a corrupt JPEG, a
// truncated or missing data file) without giving up on the whole region.
// OpenSlide fails a read if any tile under it fails, so a failed region is
// split in four, again and again, until the pieces that fail are small; each
// of those is read from another level (finer first, then coarser) and
// resized, or left transparent (no data: glass to the FOV, background to a
// slice) when no level has it. Every piece that failed at the level asked
// for is reported as a DamagedArea in level-0 px, so the damage can be shown
// and counted. Reading a healthy region costs exactly one read, as before.
import { intersectBoxes } from '../domain/geometry.ts';
import type { Box } from '../domain/geometry.ts';
import type { DamagedArea } from '../domain/slide.ts';
import { flattenOnto, readRegionOnBackground } from './flatten-onto.ts';
import { SlideError } from './slide-error.ts';
import type { RgbaImage, SlideReader } from './slide-reader.ts';

export interface ReadAroundOptions {
  /** A failed piece is split until both sides are at most this many level px. */
  minSide: number;
  /** A finer level is tried for a failed piece only when it needs at most this many times its pixels. */
  maxFallbackPixelRatio: number;
  /** A coarser level is tried only up to this many times the downsample asked for (more is too blurred to use). */
  maxCoarserFactor: number;
}

export const DEFAULT_READ_AROUND_OPTIONS: ReadAroundOptions = Object.freeze({
  minSide: 64,
  // Two levels finer at most: a coarse FOV piece never turns into a level-0 read of a whole tile row.
  maxFallbackPixelRatio: 16,
  maxCoarserFactor: 4,
});

export interface ReadAroundResult {
  /** The region, transparent where nothing could be read. */
  image: RgbaImage;
  /** Empty when the region read in one go. */
  damaged: DamagedArea[];
}

/** A read failure that is the file's fault (damaged or missing data), not the caller's. */
export function isDamagedRead(err: unknown): err is SlideError {
  return err instanceof SlideError && err.code === 'openslide';
}

/** OpenSlide's reason without the region it names and the path SlideError appends. */
export function damageReason(err: SlideError): string {
  let message = err.message;
  const suffix = ` (${err.path})`;
  if (message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  return message.replace(/^Cannot read level \d+ region at \([^)]*\) size \d+x\d+: /, '').trim() || 'unreadable';
}

/** A piece that failed at the level asked for, in level px relative to the region. */
interface FailedPiece {
  x: number;
  y: number;
  width: number;
  height: number;
  reason: string;
  recoveredFrom: number | null;
}

/**
 * Like reader.readRegion, but reads around damage. Rejects (with the first
 * read's error) only when no pixel of the region could be read at any level,
 * or for errors that are not damage ('closed', 'bad-argument').
 */
export async function readRegionAroundDamage(
  reader: SlideReader, x0: number, y0: number, level: number, width: number, height: number,
  options: ReadAroundOptions = DEFAULT_READ_AROUND_OPTIONS,
): Promise<ReadAroundResult> {
  let first: SlideError;
  try {
    return { image: await reader.readRegion(x0, y0, level, width, height), damaged: [] };
  } catch (err) {
    if (!isDamagedRead(err)) throw err;
    first = err;
  }
  const downsample = reader.info.levels[level]?.downsample ?? 1;
  const out: RgbaImage = { width, height, data: Buffer.alloc(width * height * 4) };
  const failed: FailedPiece[] = [];
  let readPixels = 0;
  const at = (levelOffset: number, origin: number) => Math.round(origin + levelOffset * downsample);

  const piece = async (x: number, y: number, w: number, h: number, known?: SlideError): Promise<void> => {
    let error = known;
    if (!error) {
      try {
        blit(out, await reader.readRegion(at(x, x0), at(y, y0), level, w, h), x, y);
        readPixels += w * h;
        return;
      } catch (err) {
        if (!isDamagedRead(err)) throw err;
        error = err;
      }
    }
    if (w > options.minSide || h > options.minSide) {
      const w1 = w > options.minSide ? Math.ceil(w / 2) : w;
      const h1 = h > options.minSide ? Math.ceil(h / 2) : h;
      // One after the other: each failure reopens the slide, and reads in flight would share its fate.
      for (const [dx, dy, pw, ph] of [[0, 0, w1, h1], [w1, 0, w - w1, h1], [0, h1, w1, h - h1], [w1, h1, w - w1, h - h1]] as const) {
        if (pw > 0 && ph > 0) await piece(x + dx, y + dy, pw, ph);
      }
      return;
    }
    const box = { x: at(x, x0), y: at(y, y0), width: Math.ceil(w * downsample), height: Math.ceil(h * downsample) };
    const recoveredFrom = await readFromOtherLevel(reader, box, level, out, { x, y, width: w, height: h }, options);
    failed.push({ x, y, width: w, height: h, reason: damageReason(error), recoveredFrom });
  };

  await piece(0, 0, width, height, first);
  if (readPixels === 0 && failed.every((f) => f.recoveredFrom === null)) throw first;
  const level0 = reader.info.levels[0];
  const slide: Box = { x: 0, y: 0, width: level0?.width ?? 0, height: level0?.height ?? 0 };
  const damaged = mergePieces(failed).flatMap((p): DamagedArea[] => {
    const box = intersectBoxes({ x: at(p.x, x0), y: at(p.y, y0), width: Math.ceil(p.width * downsample), height: Math.ceil(p.height * downsample) }, slide);
    return box ? [{ box, level, reason: p.reason, recoveredFrom: p.recoveredFrom }] : [];
  });
  return { image: out, damaged };
}

/**
 * readRegionAroundDamage composited on the slide's background colour: every pixel opaque,
 * unscanned and unreadable areas glass. A healthy region is one read composited natively
 * where the reader can; a damaged one is read again around its damage, then flattened.
 */
export async function readOpaqueRegionAroundDamage(
  reader: SlideReader, x0: number, y0: number, level: number, width: number, height: number,
): Promise<ReadAroundResult> {
  try {
    return { image: await readRegionOnBackground(reader, x0, y0, level, width, height), damaged: [] };
  } catch (err) {
    if (!isDamagedRead(err)) throw err;
  }
  const read = await readRegionAroundDamage(reader, x0, y0, level, width, height);
  flattenOnto(read.image, reader.info.backgroundColor);
  return read;
}

/** Levels to try for a piece that failed at `level`: finer ones first (exact pixels), then coarser. */
function fallbackLevels(levelCount: number, level: number): number[] {
  const finer = Array.from({ length: level }, (_, i) => level - 1 - i);
  const coarser = Array.from({ length: levelCount - level - 1 }, (_, i) => level + 1 + i);
  return [...finer, ...coarser];
}

/** Reads level-0 `box` from another level into `target` of `out`; the level used, or null. */
async function readFromOtherLevel(
  reader: SlideReader, box: Box, level: number, out: RgbaImage, target: Box, options: ReadAroundOptions,
): Promise<number | null> {
  const asked = reader.info.levels[level]!.downsample;
  for (const other of fallbackLevels(reader.info.levels.length, level)) {
    const ds = reader.info.levels[other]!.downsample;
    if (ds > asked * options.maxCoarserFactor) continue;
    const w = Math.max(1, Math.ceil(box.width / ds));
    const h = Math.max(1, Math.ceil(box.height / ds));
    if (w * h > options.maxFallbackPixelRatio * target.width * target.height) continue;
    let image: RgbaImage;
    try {
      image = await reader.readRegion(box.x, box.y, other, w, h);
    } catch (err) {
      if (!isDamagedRead(err)) throw err;
      continue;
    }
    if (w !== target.width || h !== target.height) {
      // Loaded on first use: a slice worker seldom resizes, and sharp costs ~130 ms of its start.
      const { default: sharp } = await import('sharp');
      const { data, info } = await sharp(image.data, { raw: { width: w, height: h, channels: 4 } })
        .resize(target.width, target.height, { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      image = { width: info.width, height: info.height, data };
    }
    blit(out, image, target.x, target.y);
    return other;
  }
  return null;
}

function blit(out: RgbaImage, piece: RgbaImage, x: number, y: number): void {
  const rowBytes = piece.width * 4;
  for (let row = 0; row < piece.height; row++) {
    piece.data.copy(out.data, ((y + row) * out.width + x) * 4, row * rowBytes, (row + 1) * rowBytes);
  }
}

/** Joins pieces that share a whole edge and say the same thing, so one damaged tile is a box or two, not dozens. */
export function mergePieces<T extends Box & { reason: string; recoveredFrom: number | null }>(pieces: readonly T[]): T[] {
  let boxes = pieces.map((p) => ({ ...p }));
  for (let count = -1; count !== boxes.length;) {
    count = boxes.length;
    boxes = mergeRuns(boxes, 'x');
    boxes = mergeRuns(boxes, 'y');
  }
  return boxes;
}

/** One pass along an axis: pieces in the same row (or column) of the same size across, edge to edge, become one. */
function mergeRuns<T extends Box & { reason: string; recoveredFrom: number | null }>(boxes: T[], axis: 'x' | 'y'): T[] {
  const [along, size, across, thickness] = axis === 'x' ? ['x', 'width', 'y', 'height'] as const : ['y', 'height', 'x', 'width'] as const;
  const key = (b: T) => `${b[across]}|${b[thickness]}|${b.reason}|${b.recoveredFrom}`;
  const sorted = [...boxes].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a[along] - b[along]));
  const out: T[] = [];
  for (const box of sorted) {
    const last = out.at(-1);
    if (last && key(last) === key(box) && last[along] + last[size] === box[along]) last[size] += box[size];
    else out.push({ ...box });
  }
  return out;
}
