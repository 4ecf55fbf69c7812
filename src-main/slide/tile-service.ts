// Transport-free Deep Zoom service: validates a request, finds the slide,
// reads and encodes the tile (cached, coalesced, concurrency-limited) and
// answers with a status, content type and body. The HTTP server and the
// Electron protocol are thin adapters over it, so both reject bad input the
// same way and neither can reach a file that was not registered.
// Per slide (unless the options fix them): the DZI covers the scanned bounds
// only (openslide.bounds-*, with limitBounds), and where the scanner stored JPEGs on a regular
// grid (MIRAX without camera overlap, mirax-stored-tiles.ts) the tile size is
// the stored image size with no overlap, so full-resolution JPEG tiles are
// the stored bytes, served without decoding (pass-through: their JPEG quality
// is the scanner's, not jpegQuality); every other tile is decoded and encoded.

import { SlideError } from './slide-error.ts';
import { DEFAULT_OVERLAP, DEFAULT_TILE_SIZE, createDeepZoomGeometry, dziXml, hasTile, tileRegion } from './deep-zoom.ts';
import type { DeepZoomGeometry, DeepZoomOptions } from './deep-zoom.ts';
import { DEFAULT_JPEG_QUALITY, DEFAULT_WEBP_QUALITY, TILE_CONTENT_TYPES, encodeBlankTile, renderTile } from './tile-encoder.ts';
import type { TileFormat } from './tile-encoder.ts';
import { TileCache } from './tile-cache.ts';
import { ReadLimiter } from './read-limiter.ts';
import { loadMiraxStoredTiles } from './mirax-stored-tiles.ts';
import type { MiraxStoredTiles } from './mirax-stored-tiles.ts';
import type { TileRegion } from './deep-zoom.ts';
import type { RegisteredSlide, SlideRegistry } from './slide-registry.ts';
import { SLIDE_ID_PATTERN } from './slide-registry.ts';

export const DEFAULT_TILE_CACHE_BYTES = 64 * 1024 * 1024;

export type TileErrorCode = 'bad-request' | 'not-found' | 'read-failed';

const STATUS_OF: Record<TileErrorCode, number> = { 'bad-request': 400, 'not-found': 404, 'read-failed': 500 };

export interface ServiceResponse {
  status: number;
  contentType: string;
  body: Buffer;
  /** True when the body never changes for this URL (tiles and DZI of a registered slide id). */
  immutable: boolean;
  /** Set on every non-200 answer; `body` is the same object as JSON. */
  error?: { code: TileErrorCode; message: string };
}

export interface SlideSummary {
  id: string;
  name: string;
  format: string;
  width: number;
  height: number;
  mppX: number | null;
  mppY: number | null;
  dzLevels: number;
  tileSize: number;
  overlap: number;
  /** Level-0 position of the DZI's pixel (0, 0): the scanned bounds' corner, or (0, 0). */
  originX: number;
  originY: number;
  tileFormat: TileFormat;
}

export interface TileServiceOptions extends Partial<Omit<DeepZoomOptions, 'bounds'>> {
  /**
   * Cut the DZI to the slide's scanned bounds (openslide.bounds-*, where the
   * slide has them; default on), as openslide-python's deepzoom_server does:
   * glass outside them costs no tiles. The DZI's pixel (0, 0) is then the
   * bounds' corner (geometry / listSlides originX, originY; getSlide's
   * dziOrigin), which the viewer adds to its image coordinates, since cells
   * are in level-0 pixels. false: the whole level 0, origin (0, 0).
   * tileSize / overlap, when given, apply to every slide; left out,
   * each slide gets its stored image size with no overlap where its stored
   * JPEGs line up (pass-through), else 254 + 1.
   */
  limitBounds?: boolean;
  /** Format named in the DZI (tiles are served in either format on request). */
  format?: TileFormat;
  jpegQuality?: number;
  webpQuality?: number;
  /** Bound on cached encoded tiles; 0 disables caching (coalescing stays on). */
  cacheBytes?: number;
  /** Tiles read + encoded at the same time; the rest queue. */
  readConcurrency?: number;
}

export function tileError(code: TileErrorCode, message: string): ServiceResponse {
  return {
    status: STATUS_OF[code],
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify({ code, message })),
    immutable: false,
    error: { code, message },
  };
}

function ok(contentType: string, body: Buffer): ServiceResponse {
  return { status: 200, contentType, body, immutable: true };
}

/** A non-negative decimal integer without sign, leading zeros or exponent, else null. */
function parseIndex(value: string | number): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  return /^(0|[1-9][0-9]{0,8})$/.test(value) ? Number(value) : null;
}

/** Request input quoted back in a message, cut short: a 100 KB URL should not make a 100 KB error. */
function echo(value: string | number): string {
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function parseFormat(value: string): TileFormat | null {
  if (value === 'jpeg' || value === 'jpg') return 'jpeg';
  if (value === 'webp') return 'webp';
  return null;
}

function checkQuality(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) throw new RangeError(`${name} must be an integer 1..100, got ${value}`);
  return value;
}

export class TileService {
  readonly registry: SlideRegistry;
  readonly cache: TileCache;
  readonly limiter: ReadLimiter;
  readonly format: TileFormat;
  readonly #tileSize: number | undefined;
  readonly #overlap: number | undefined;
  readonly #limitBounds: boolean;
  readonly #quality: Record<TileFormat, number>;
  readonly #layouts = new Map<string, Promise<SlideLayout>>();
  /** The same layouts once made, so a tile request needs no extra await. */
  readonly #ready = new Map<string, SlideLayout>();

  constructor(registry: SlideRegistry, options: TileServiceOptions = {}) {
    this.registry = registry;
    this.format = options.format ?? 'jpeg';
    this.#tileSize = options.tileSize;
    this.#overlap = options.overlap;
    this.#limitBounds = options.limitBounds ?? true;
    this.#quality = {
      jpeg: checkQuality('JPEG quality', options.jpegQuality ?? DEFAULT_JPEG_QUALITY),
      webp: checkQuality('WebP quality', options.webpQuality ?? DEFAULT_WEBP_QUALITY),
    };
    this.cache = new TileCache(options.cacheBytes ?? DEFAULT_TILE_CACHE_BYTES);
    this.limiter = new ReadLimiter(options.readConcurrency);
    registry.onRemove((id) => {
      const layout = this.#layouts.get(id);
      this.#layouts.delete(id);
      this.#ready.delete(id);
      void layout?.then((l) => l.stored?.close(), () => undefined);
      this.cache.deletePrefix(`${id}/`);
    });
  }

  /** Geometry of a registered slide (made once per slide; rejects when the slide has no usable pyramid). */
  async geometry(slide: RegisteredSlide): Promise<DeepZoomGeometry> {
    return (await this.#layout(slide)).geometry;
  }

  /** The stored JPEGs tiles are passed through from, or null (tests and benchmarks). */
  async storedTiles(slide: RegisteredSlide): Promise<MiraxStoredTiles | null> {
    return (await this.#layout(slide)).stored;
  }

  async listSlides(): Promise<SlideSummary[]> {
    return Promise.all(this.registry.list().map(async (slide) => {
      const { info } = slide.reader;
      const geometry = await this.#geometryOrError(slide);
      const usable = !('status' in geometry);
      return {
        id: slide.id, name: slide.name, format: info.format,
        width: info.levels[0]?.width ?? 0, height: info.levels[0]?.height ?? 0, mppX: info.mppX, mppY: info.mppY,
        dzLevels: usable ? geometry.levels.length : 0,
        tileSize: usable ? geometry.tileSize : 0,
        overlap: usable ? geometry.overlap : 0,
        originX: usable ? geometry.originX : 0,
        originY: usable ? geometry.originY : 0,
        tileFormat: this.format,
      };
    }));
  }

  async getDzi(slideId: string): Promise<ServiceResponse> {
    const found = this.#findSlide(slideId);
    if ('status' in found) return found;
    const geometry = await this.#geometryOrError(found);
    if ('status' in geometry) return geometry;
    return ok('application/xml; charset=utf-8', Buffer.from(dziXml(geometry, this.format)));
  }

  /**
   * One tile. Not an async function on purpose: a tile made once is answered
   * from the cache without a promise hop per step (the HTTP server's hot path).
   */
  getTile(
    slideId: string,
    dzLevel: string | number,
    col: string | number,
    row: string | number,
    format: string,
  ): Promise<ServiceResponse> {
    const found = this.#findSlide(slideId);
    if ('status' in found) return Promise.resolve(found);
    const level = parseIndex(dzLevel);
    const c = parseIndex(col);
    const r = parseIndex(row);
    if (level === null || c === null || r === null) {
      return Promise.resolve(tileError('bad-request', `Tile address ${echo(dzLevel)}/${echo(col)}_${echo(row)} is not three non-negative integers`));
    }
    const tileFormat = parseFormat(format);
    if (!tileFormat) return Promise.resolve(tileError('bad-request', `Tile format "${echo(format)}" is not one of jpeg, jpg, webp`));
    const layout = this.#ready.get(found.id);
    if (layout) return this.#tile(found, layout, level, c, r, tileFormat);
    return this.#layoutOrError(found).then((made) => ('status' in made ? made : this.#tile(found, made, level, c, r, tileFormat)));
  }

  #tile(slide: RegisteredSlide, layout: SlideLayout, level: number, c: number, r: number, format: TileFormat): Promise<ServiceResponse> {
    if (!hasTile(layout.geometry, level, c, r)) {
      return Promise.resolve(tileError('not-found', `Slide ${slide.name} has no tile ${level}/${c}_${r}`));
    }
    const key = `${slide.id}/${level}/${c}_${r}.${format}`;
    const contentType = TILE_CONTENT_TYPES[format];
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(ok(contentType, cached));
    return this.cache.getOrLoad(key, () => this.#renderTile(slide, layout, level, c, r, format)).then(
      (body) => ok(contentType, body),
      (error: unknown) => {
        if (error instanceof SlideError && error.code === 'closed') {
          return tileError('not-found', `Slide ${slide.name} was closed`);
        }
        const reason = error instanceof Error ? error.message : String(error);
        return tileError('read-failed', `Could not read tile ${level}/${c}_${r} of slide ${slide.name}: ${reason}`);
      },
    );
  }

  #findSlide(slideId: string): RegisteredSlide | ServiceResponse {
    if (!SLIDE_ID_PATTERN.test(slideId)) return tileError('bad-request', 'Malformed slide id');
    const slide = this.registry.get(slideId);
    return slide ?? tileError('not-found', 'No slide is open under this id');
  }

  async #geometryOrError(slide: RegisteredSlide): Promise<DeepZoomGeometry | ServiceResponse> {
    const layout = await this.#layoutOrError(slide);
    return 'status' in layout ? layout : layout.geometry;
  }

  async #layoutOrError(slide: RegisteredSlide): Promise<SlideLayout | ServiceResponse> {
    try {
      return await this.#layout(slide);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return tileError('read-failed', `Slide ${slide.name} has no usable image pyramid: ${reason}`);
    }
  }

  #layout(slide: RegisteredSlide): Promise<SlideLayout> {
    let layout = this.#layouts.get(slide.id);
    if (!layout) {
      layout = this.#makeLayout(slide);
      this.#layouts.set(slide.id, layout);
      layout.then((made) => {
        if (this.#layouts.get(slide.id) === layout) this.#ready.set(slide.id, made);
        else made.stored?.close(); // the slide was removed meanwhile
      }, () => this.#layouts.delete(slide.id));
    }
    return layout;
  }

  async #makeLayout(slide: RegisteredSlide): Promise<SlideLayout> {
    const { reader } = slide;
    const { info } = reader;
    // Unreadable stored tiles only cost the pass-through: tiles are then decoded as for any slide.
    const stored = await loadMiraxStoredTiles(info).catch(() => null);
    const bounds = this.#limitBounds ? info.bounds : null;
    const best = (d: number) => reader.bestLevelForDownsample(d);
    let tileSize = this.#tileSize;
    let overlap = this.#overlap;
    if (tileSize === undefined && overlap === undefined && stored && stored.levels.includes(0)
      && stored.imageWidth === stored.imageHeight) {
      // Full-resolution tiles are stored images when the grid starts on an image corner.
      const W = stored.imageWidth;
      const aligned = createDeepZoomGeometry(info.levels, best, { tileSize: W, overlap: 0, bounds });
      if (aligned.originX % W === 0 && aligned.originY % W === 0) return { geometry: aligned, stored };
    }
    tileSize ??= DEFAULT_TILE_SIZE;
    overlap ??= DEFAULT_OVERLAP;
    return { geometry: createDeepZoomGeometry(info.levels, best, { tileSize, overlap, bounds }), stored };
  }

  #renderTile(
    slide: RegisteredSlide,
    layout: SlideLayout,
    dzLevel: number,
    col: number,
    row: number,
    format: TileFormat,
  ): Promise<Buffer> {
    const { reader } = slide;
    const region = tileRegion(layout.geometry, reader.info.levels, dzLevel, col, row);
    const options = { format, quality: this.#quality[format], background: reader.info.backgroundColor };
    const stored = format === 'jpeg' ? storedTile(layout.stored, region) : null;
    if (stored === 'blank') return encodeBlankTile(region.tileWidth, region.tileHeight, options);
    if (stored) {
      return stored.then((jpeg) => jpeg ?? this.limiter.run(() => renderTile(reader, region, options)));
    }
    return this.limiter.run(() => renderTile(reader, region, options));
  }
}

interface SlideLayout {
  geometry: DeepZoomGeometry;
  stored: MiraxStoredTiles | null;
}

/**
 * The stored JPEG when the tile is exactly one stored image at its slide
 * level, 'blank' when it is exactly a grid cell OpenSlide draws nothing on,
 * else null.
 */
function storedTile(stored: MiraxStoredTiles | null, region: TileRegion): Promise<Buffer | null> | 'blank' | null {
  if (!stored) return null;
  const { imageWidth: W, imageHeight: H } = stored;
  if (region.tileWidth !== W || region.tileHeight !== H || region.levelWidth !== W || region.levelHeight !== H) return null;
  return stored.blank(region.slideLevel, region.x0, region.y0) ? 'blank' : stored.read(region.slideLevel, region.x0, region.y0);
}
