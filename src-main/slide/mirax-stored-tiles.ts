// The scanner's own JPEGs of a MIRAX slide, for Deep Zoom tiles that are
// exactly one stored image (pass-through: the bytes are served as they are,
// no decode, no encode). OpenSlide 3.4.1 has no API for raw tiles, so this
// reads Slidedat.ini, Index.dat and the position map itself
// (shared/docs/mirax-format.md) and answers only where OpenSlide would draw
// that one image, whole and alone, at exactly that place:
// - zero camera overlap, level 0's IMAGE_CONCAT_FACTOR 0, JPEG images of one
//   size W x H on the level, and OpenSlide's tile-size hint for the level equal
//   to W x H: OpenSlide drops the hints as soon as one tile of the level is off
//   its grid (openslide-vendor-mirax.c, insert_tile), so with them every image
//   of the level sits at (x / c, y / c) * (W, H) and no two overlap;
// - only levels where one image is one OpenSlide tile (c <= divisions: above
//   that OpenSlide cuts images per photo and skips inactive photos' parts);
// - the image's photo is active as OpenSlide decides it (has level-0 images,
//   and is photo (0, 0) or not at position (0, 0));
// - one index item at that place, whose bytes start with SOI, end with EOI
//   and declare W x H (OpenSlide decodes from the offset and ignores the
//   length; a wrong length would otherwise serve something else).
// Anything else (overlapping camera images, PNG or BMP levels, an odd index)
// answers null and the tile is decoded and encoded as usual.

import { close as closeFd, open as openFd, read as readFd } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { readIni } from './scan-file.ts';
import type { SlideInfo } from './slide-reader.ts';

const inflateAsync = promisify(inflate);
const POSITION_RECORD_BYTES = 9;

interface StoredImage { file: number; offset: number; length: number }

export interface MiraxStoredTiles {
  /** Size of every stored image on the levels served (W x H). */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Slide levels that can be served from stored images. */
  readonly levels: readonly number[];
  /**
   * The stored JPEG OpenSlide would draw alone over the W x H pixels of
   * `level` whose top-left is level-0 (x0, y0); null when there is none or
   * it is not exactly that rectangle. Rejects only on an I/O failure.
   */
  read(level: number, x0: number, y0: number): Promise<Buffer | null> | null;
  /**
   * True when OpenSlide draws nothing at all over those W x H pixels (no
   * image stored there, or its photo is inactive): the tile is plain
   * background, known without reading the slide.
   */
  blank(level: number, x0: number, y0: number): boolean;
  /** Closes the data files; later reads answer null. */
  close(): void;
}

/** The stored tiles of a MIRAX slide, or null when the slide does not qualify (see the top of this file). */
export async function loadMiraxStoredTiles(info: SlideInfo): Promise<MiraxStoredTiles | null> {
  if (info.format !== 'mirax' || !info.path.endsWith('.mrxs')) return null;
  const folder = join(dirname(info.path), basename(info.path, '.mrxs'));
  const ini = readIni(await readFile(join(folder, 'Slidedat.ini'), 'utf8'));
  const get = (group: string, key: string): string | undefined => ini.get(group)?.get(key);
  const int = (text: string | undefined): number | null => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : null);

  const imagesX = int(get('GENERAL', 'IMAGENUMBER_X'));
  const imagesY = int(get('GENERAL', 'IMAGENUMBER_Y'));
  const divisions = int(get('GENERAL', 'CameraImageDivisionsPerSide') ?? '1');
  const slideId = get('GENERAL', 'SLIDE_ID');
  const indexName = get('HIERARCHICAL', 'INDEXFILE');
  const levelCount = int(get('HIERARCHICAL', 'HIER_0_COUNT'));
  const fileCount = int(get('DATAFILE', 'FILE_COUNT'));
  if (!imagesX || !imagesY || !divisions || !slideId || !indexName || !levelCount || !fileCount) return null;
  if (imagesX % divisions !== 0 || imagesY % divisions !== 0 || levelCount !== info.levels.length) return null;
  const fileNames: string[] = [];
  for (let n = 0; n < fileCount; n++) {
    const name = get('DATAFILE', `FILE_${n}`);
    if (!name || !plainName(name)) return null;
    fileNames.push(join(folder, name));
  }
  if (!plainName(indexName)) return null;

  const section = (k: number) => ini.get(get('HIERARCHICAL', `HIER_0_VAL_${k}_SECTION`) ?? '');
  const level0 = section(0);
  const W = int(level0?.get('DIGITIZER_WIDTH'));
  const H = int(level0?.get('DIGITIZER_HEIGHT'));
  if (!W || !H || Number(level0?.get('OVERLAP_X')) !== 0 || Number(level0?.get('OVERLAP_Y')) !== 0) return null;
  if (int(level0?.get('IMAGE_CONCAT_FACTOR')) !== 0) return null;

  // Levels where one stored image is one OpenSlide tile on the W x H grid.
  const served: number[] = [];
  const concat: number[] = [];
  let c = 1;
  for (let k = 0; k < levelCount; k++) {
    const s = section(k);
    const factor = int(s?.get('IMAGE_CONCAT_FACTOR'));
    if (factor === null || factor < 0 || factor > 30) return null;
    if (k > 0) c *= 2 ** factor;
    concat.push(c);
    const hinted = info.properties[`openslide.level[${k}].tile-width`] === String(W)
      && info.properties[`openslide.level[${k}].tile-height`] === String(H);
    if (c <= divisions && hinted && s?.get('IMAGE_FORMAT') === 'JPEG'
      && int(s.get('DIGITIZER_WIDTH')) === W && int(s.get('DIGITIZER_HEIGHT')) === H
      && Number(s.get('OVERLAP_X')) === 0 && Number(s.get('OVERLAP_Y')) === 0) {
      served.push(k);
    }
  }
  if (served.length === 0) return null;

  const index = await readFile(join(folder, indexName));
  const table = new IndexTable(index, slideId);
  const hierTable = table.int(5 + Buffer.byteLength(slideId));
  const nonhierTable = table.int(5 + Buffer.byteLength(slideId) + 4);
  const itemsOf = (k: number) => table.hierItems(hierTable + k * 4);

  // Active photos: OpenSlide's rule at level 0 (get_tile_position).
  const photosX = imagesX / divisions;
  const photosY = imagesY / divisions;
  const positions = await readPositions(ini, table, nonhierTable, fileNames, photosX * photosY);
  const active = new Uint8Array(photosX * photosY);
  for (const item of itemsOf(0)) {
    const x = item.imageIndex % imagesX;
    const y = Math.floor(item.imageIndex / imagesX);
    if (y >= imagesY) return null;
    const photo = Math.floor(y / divisions) * photosX + Math.floor(x / divisions);
    const atZero = positions ? positions[photo * 2] === 0 && positions[photo * 2 + 1] === 0 : photo === 0;
    if (!atZero || photo === 0) active[photo] = 1;
  }

  const images = new Map<number, Map<number, StoredImage | null>>();
  for (const k of served) {
    const byIndex = new Map<number, StoredImage | null>();
    for (const item of itemsOf(k)) {
      const x = item.imageIndex % imagesX;
      const y = Math.floor(item.imageIndex / imagesX);
      const photo = Math.floor(y / divisions) * photosX + Math.floor(x / divisions);
      if (y >= imagesY || x % concat[k]! !== 0 || y % concat[k]! !== 0 || item.file >= fileCount) continue;
      if (!active[photo]) continue;
      // Two items at one place: which one OpenSlide draws is not ours to guess.
      byIndex.set(item.imageIndex, byIndex.has(item.imageIndex) ? null : item);
    }
    images.set(k, byIndex);
  }
  return new StoredTiles(W, H, imagesX, served, concat, images, fileNames);
}

function plainName(name: string): boolean {
  return !/[\\/\0]/.test(name) && name !== '.' && name !== '..';
}

class IndexTable {
  constructor(readonly bytes: Buffer, slideId: string) {
    if (bytes.toString('latin1', 0, 5) !== '01.02' || bytes.toString('latin1', 5, 5 + Buffer.byteLength(slideId)) !== slideId) {
      throw new RangeError('Index.dat does not match Slidedat.ini');
    }
  }

  int(at: number): number {
    if (at < 0 || at + 4 > this.bytes.length) throw new RangeError(`Index.dat has no int32 at ${at}`);
    return this.bytes.readInt32LE(at);
  }

  /** The items of one hier list (mirax-format.md 4.2): head (0, first page), pages of (count, next, items). */
  hierItems(entry: number): Array<{ imageIndex: number } & StoredImage> {
    const head = this.int(entry);
    if (this.int(head) !== 0) throw new RangeError('Index.dat list head without its 0');
    const items: Array<{ imageIndex: number } & StoredImage> = [];
    const seen = new Set<number>();
    for (let page = this.int(head + 4); page !== 0; page = this.int(page + 4)) {
      if (seen.has(page)) throw new RangeError('Index.dat pages form a loop');
      seen.add(page);
      const n = this.int(page);
      for (let i = 0; i < n; i++) {
        const at = page + 8 + i * 16;
        const item = { imageIndex: this.int(at), offset: this.int(at + 4), length: this.int(at + 8), file: this.int(at + 12) };
        if (item.imageIndex >= 0 && item.offset >= 0 && item.length > 0 && item.file >= 0) items.push(item);
      }
    }
    return items;
  }

  /** The one item of a nonhier record: 0 (head), page (1, next, 0, 0, offset, length, file). */
  nonhierItem(entry: number): StoredImage | null {
    const head = this.int(entry);
    if (head === 0 || this.int(head) !== 0) return null;
    const page = this.int(head + 4);
    if (page === 0 || this.int(page) !== 1) return null;
    return { offset: this.int(page + 16), length: this.int(page + 20), file: this.int(page + 24) };
  }
}

/**
 * Photo positions (x, y per photo, level-0 px) from VIMSLIDE_POSITION_BUFFER,
 * else the zlib StitchingIntensityLayer, as OpenSlide picks them; null when
 * the slide has neither (OpenSlide then puts photos on a regular grid).
 */
async function readPositions(ini: Map<string, Map<string, string>>, table: IndexTable, nonhierTable: number,
  files: string[], photos: number): Promise<Int32Array | null> {
  const hier = ini.get('HIERARCHICAL');
  const layers = Number(hier?.get('NONHIER_COUNT') ?? 0);
  let record = 0;
  const found: Partial<Record<'raw' | 'zlib', number>> = {};
  for (let i = 0; i < layers; i++) {
    const name = hier?.get(`NONHIER_${i}_NAME`);
    const count = Number(hier?.get(`NONHIER_${i}_COUNT`) ?? 0);
    if (name === 'VIMSLIDE_POSITION_BUFFER') found.raw ??= record;
    if (name === 'StitchingIntensityLayer') {
      for (let v = 0; v < count; v++) if (hier?.get(`NONHIER_${i}_VAL_${v}`) === 'StitchingIntensityLevel') found.zlib ??= record + v;
    }
    record += count;
  }
  const which = found.raw !== undefined ? 'raw' : found.zlib !== undefined ? 'zlib' : null;
  if (which === null) return null;
  const item = table.nonhierItem(nonhierTable + found[which]! * 4);
  if (!item || item.file >= files.length) throw new RangeError('the position map record is unusable');
  let blob = await readBytes(files[item.file]!, item.offset, item.length);
  if (which === 'zlib') blob = await inflateAsync(blob);
  if (blob.length !== photos * POSITION_RECORD_BYTES) throw new RangeError('the position map has the wrong size');
  const positions = new Int32Array(photos * 2);
  for (let p = 0; p < photos; p++) {
    positions[p * 2] = blob.readInt32LE(p * POSITION_RECORD_BYTES + 1);
    positions[p * 2 + 1] = blob.readInt32LE(p * POSITION_RECORD_BYTES + 5);
  }
  return positions;
}

async function readBytes(path: string, offset: number, length: number): Promise<Buffer> {
  const fd = await promisify(openFd)(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) => {
      readFd(fd, buffer, 0, length, offset, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead })));
    });
    if (bytesRead !== length) throw new RangeError(`${path} ends before byte ${offset + length}`);
    return buffer;
  } finally {
    closeFd(fd, () => undefined);
  }
}

/** Width and height a baseline or progressive JPEG declares, or null when `jpeg` is not a whole JPEG. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  const n = jpeg.length;
  if (n < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8 || jpeg[n - 2] !== 0xff || jpeg[n - 1] !== 0xd9) return null;
  let at = 2;
  while (at + 4 <= n) {
    if (jpeg[at] !== 0xff) return null;
    const marker = jpeg[at + 1]!;
    if (marker === 0xff) { at += 1; continue; }
    const length = jpeg.readUInt16BE(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > n) return null;
      return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null;
    at += 2 + length;
  }
  return null;
}

class StoredTiles implements MiraxStoredTiles {
  readonly #fds: Array<Promise<number> | null>;
  /** The same descriptors once open: a tile from an open file is one read and one promise. */
  readonly #openFds: Array<number | null>;
  #closed = false;
  // Files close only when no read is in flight: a closed descriptor's number
  // may be reused at once, and a late read would then read another file.
  #reading = 0;

  constructor(
    readonly imageWidth: number,
    readonly imageHeight: number,
    readonly imagesX: number,
    readonly levels: readonly number[],
    readonly concat: readonly number[],
    readonly images: ReadonlyMap<number, ReadonlyMap<number, StoredImage | null>>,
    readonly files: readonly string[],
  ) {
    this.#fds = files.map(() => null);
    this.#openFds = files.map(() => null);
  }

  read(level: number, x0: number, y0: number): Promise<Buffer | null> | null {
    const image = this.#imageAt(level, x0, y0);
    if (!image || this.#closed) return null;
    const fd = this.#openFds[image.file];
    return fd === null || fd === undefined ? this.#openAndRead(image) : this.#readAt(fd, image);
  }

  blank(level: number, x0: number, y0: number): boolean {
    return this.#imageAt(level, x0, y0) === undefined;
  }

  /** The image drawn alone over that grid cell; undefined: none is drawn there; null: not a grid cell, or unknowable. */
  #imageAt(level: number, x0: number, y0: number): StoredImage | null | undefined {
    const byIndex = this.images.get(level);
    const c = this.concat[level];
    if (!byIndex || c === undefined) return null;
    // Image (x, y) of this level covers level-0 pixels from (x * W, y * H).
    const W = this.imageWidth;
    const H = this.imageHeight;
    if (x0 < 0 || y0 < 0 || x0 % (W * c) !== 0 || y0 % (H * c) !== 0) return null;
    const x = x0 / W;
    const y = y0 / H;
    if (x >= this.imagesX) return undefined;
    return byIndex.get(y * this.imagesX + x);
  }

  /** The first read of a file: opens it (counted as a read in flight, so close() waits), then reads. */
  async #openAndRead(image: StoredImage): Promise<Buffer | null> {
    this.#reading += 1;
    try {
      return await this.#readAt(await this.#fd(image.file), image);
    } finally {
      this.#readDone();
    }
  }

  #readAt(fd: number, image: StoredImage): Promise<Buffer | null> {
    this.#reading += 1;
    const buffer = Buffer.allocUnsafe(image.length);
    return new Promise((resolve, reject) => {
      readFd(fd, buffer, 0, image.length, image.offset, (error, bytesRead) => {
        this.#readDone();
        if (error) reject(error);
        else resolve(bytesRead === image.length && this.#isWholeImage(buffer) ? buffer : null);
      });
    });
  }

  #isWholeImage(jpeg: Buffer): boolean {
    const size = jpegSize(jpeg);
    return size !== null && size.width === this.imageWidth && size.height === this.imageHeight;
  }

  #readDone(): void {
    this.#reading -= 1;
    if (this.#closed && this.#reading === 0) this.#closeFiles();
  }

  #fd(file: number): Promise<number> {
    let fd = this.#fds[file];
    if (!fd) {
      fd = promisify(openFd)(this.files[file]!, 'r');
      fd.then((n) => {
        // Not after close(): #closeFiles closes what it finds in #fds, this one included.
        if (this.#fds[file] === fd) this.#openFds[file] = n;
      }, () => { this.#fds[file] = null; });
      this.#fds[file] = fd;
    }
    return fd;
  }

  close(): void {
    this.#closed = true;
    if (this.#reading === 0) this.#closeFiles();
  }

  #closeFiles(): void {
    for (const fd of this.#fds) void fd?.then((n) => closeFd(n, () => undefined), () => undefined);
    this.#fds.fill(null);
    this.#openFds.fill(null);
  }
}
