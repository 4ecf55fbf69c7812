// Transport-free Deep Zoom service: validates a request, finds the slide,
// reads and encodes the tile (cached, coalesced, concurrency-limited) and
// answers with a status, content type and body. The HTTP server and the
// Electron protocol are thin adapters over it, so both reject bad input the
// same way and neither can reach a file that was not registered.

import { SlideError } from './slide-error.ts';
import { createDeepZoomGeometry, dziXml, hasTile, tileRegion } from './deep-zoom.ts';
import type { DeepZoomGeometry, DeepZoomOptions } from './deep-zoom.ts';
import { DEFAULT_JPEG_QUALITY, DEFAULT_WEBP_QUALITY, TILE_CONTENT_TYPES, renderTile } from './tile-encoder.ts';
import type { TileFormat } from './tile-encoder.ts';
import { TileCache } from './tile-cache.ts';
import { ReadLimiter } from './read-limiter.ts';
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
  tileFormat: TileFormat;
}

export interface TileServiceOptions extends Partial<DeepZoomOptions> {
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
  readonly #dzOptions: Partial<DeepZoomOptions>;
  readonly #quality: Record<TileFormat, number>;
  readonly #geometries = new Map<string, DeepZoomGeometry>();

  constructor(registry: SlideRegistry, options: TileServiceOptions = {}) {
    this.registry = registry;
    this.format = options.format ?? 'jpeg';
    this.#dzOptions = { tileSize: options.tileSize, overlap: options.overlap };
    this.#quality = {
      jpeg: checkQuality('JPEG quality', options.jpegQuality ?? DEFAULT_JPEG_QUALITY),
      webp: checkQuality('WebP quality', options.webpQuality ?? DEFAULT_WEBP_QUALITY),
    };
    this.cache = new TileCache(options.cacheBytes ?? DEFAULT_TILE_CACHE_BYTES);
    this.limiter = new ReadLimiter(options.readConcurrency);
    registry.onRemove((id) => {
      this.#geometries.delete(id);
      this.cache.deletePrefix(`${id}/`);
    });
  }

  /** Geometry of a registered slide (computed once per slide). */
  geometry(slide: RegisteredSlide): DeepZoomGeometry {
    let geometry = this.#geometries.get(slide.id);
    if (!geometry) {
      const reader = slide.reader;
      geometry = createDeepZoomGeometry(reader.info.levels, (d) => reader.bestLevelForDownsample(d), this.#dzOptions);
      this.#geometries.set(slide.id, geometry);
    }
    return geometry;
  }

  listSlides(): SlideSummary[] {
    return this.registry.list().map((slide) => {
      const { info } = slide.reader;
      const geometry = this.#geometryOrError(slide);
      const usable = !('status' in geometry);
      return {
        id: slide.id, name: slide.name, format: info.format,
        width: info.levels[0]?.width ?? 0, height: info.levels[0]?.height ?? 0, mppX: info.mppX, mppY: info.mppY,
        dzLevels: usable ? geometry.levels.length : 0,
        tileSize: usable ? geometry.tileSize : 0,
        overlap: usable ? geometry.overlap : 0,
        tileFormat: this.format,
      };
    });
  }

  async getDzi(slideId: string): Promise<ServiceResponse> {
    const found = this.#findSlide(slideId);
    if ('status' in found) return found;
    const geometry = this.#geometryOrError(found);
    if ('status' in geometry) return geometry;
    return ok('application/xml; charset=utf-8', Buffer.from(dziXml(geometry, this.format)));
  }

  async getTile(
    slideId: string,
    dzLevel: string | number,
    col: string | number,
    row: string | number,
    format: string,
  ): Promise<ServiceResponse> {
    const found = this.#findSlide(slideId);
    if ('status' in found) return found;
    const level = parseIndex(dzLevel);
    const c = parseIndex(col);
    const r = parseIndex(row);
    if (level === null || c === null || r === null) {
      return tileError('bad-request', `Tile address ${echo(dzLevel)}/${echo(col)}_${echo(row)} is not three non-negative integers`);
    }
    const tileFormat = parseFormat(format);
    if (!tileFormat) return tileError('bad-request', `Tile format "${echo(format)}" is not one of jpeg, jpg, webp`);

    const geometry = this.#geometryOrError(found);
    if ('status' in geometry) return geometry;
    if (!hasTile(geometry, level, c, r)) {
      return tileError('not-found', `Slide ${found.name} has no tile ${level}/${c}_${r}`);
    }
    const key = `${found.id}/${level}/${c}_${r}.${tileFormat}`;
    try {
      const body = await this.cache.getOrLoad(key, () => this.#renderTile(found, geometry, level, c, r, tileFormat));
      return ok(TILE_CONTENT_TYPES[tileFormat], body);
    } catch (error) {
      if (error instanceof SlideError && error.code === 'closed') {
        return tileError('not-found', `Slide ${found.name} was closed`);
      }
      const reason = error instanceof Error ? error.message : String(error);
      return tileError('read-failed', `Could not read tile ${level}/${c}_${r} of slide ${found.name}: ${reason}`);
    }
  }

  #findSlide(slideId: string): RegisteredSlide | ServiceResponse {
    if (!SLIDE_ID_PATTERN.test(slideId)) return tileError('bad-request', 'Malformed slide id');
    const slide = this.registry.get(slideId);
    return slide ?? tileError('not-found', 'No slide is open under this id');
  }

  #geometryOrError(slide: RegisteredSlide): DeepZoomGeometry | ServiceResponse {
    try {
      return this.geometry(slide);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return tileError('read-failed', `Slide ${slide.name} has no usable image pyramid: ${reason}`);
    }
  }

  #renderTile(
    slide: RegisteredSlide,
    geometry: DeepZoomGeometry,
    dzLevel: number,
    col: number,
    row: number,
    format: TileFormat,
  ): Promise<Buffer> {
    const { reader } = slide;
    const region = tileRegion(geometry, reader.info.levels, dzLevel, col, row);
    return this.limiter.run(() => renderTile(reader, region, {
      format,
      quality: this.#quality[format],
      background: reader.info.backgroundColor,
    }));
  }
}
