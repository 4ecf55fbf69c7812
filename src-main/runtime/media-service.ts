// Binary resources besides tiles: cell crops (the box, and the box with its
// surroundings), library thumbnails and field-of-view masks. Transport-free
// like the tile service: answers a status, content type and body, so the
// HTTP server and the Electron protocol serve the same bytes.

import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { contextBoxOf } from '../api/cell-geometry.ts';
import { toApiError } from '../api/errors.ts';
import { HTTP_STATUS_OF } from '../api/errors.ts';
import { renderCellCrop } from '../pipeline/cell-crop.ts';
import { readRegionOnBackground } from '../slide/flatten-onto.ts';
import type { ServiceResponse } from '../slide/tile-service.ts';
import type { ReadLimiter } from '../slide/read-limiter.ts';
import type { SlideReader } from '../slide/slide-reader.ts';
import type { Store } from '../store/index.ts';
import type { ScanAccess } from './scan-access.ts';

export const THUMBNAIL_SIDE = 256;
/** Largest pyramid level read whole for a thumbnail (pixels). */
const THUMBNAIL_SOURCE_MAX_PIXELS = 4096 * 4096;
const THUMBNAILS_KEPT = 64;

export type CropKind = 'crop' | 'context';

function ok(contentType: string, body: Buffer): ServiceResponse {
  return { status: 200, contentType, body, immutable: false };
}

function failure(error: unknown): ServiceResponse {
  const apiError = toApiError(error);
  const status = apiError.code === 'slide-unavailable' ? 404 : HTTP_STATUS_OF[apiError.code];
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify({ code: apiError.code, message: apiError.message })),
    immutable: false,
  };
}

async function renderThumbnail(reader: SlideReader): Promise<Buffer> {
  const [level0] = reader.info.levels;
  if (!level0) throw new Error('the slide has no levels');
  const level = reader.bestLevelForDownsample(Math.max(level0.width, level0.height) / THUMBNAIL_SIDE);
  const { width, height } = reader.info.levels[level]!;
  if (width * height > THUMBNAIL_SOURCE_MAX_PIXELS) throw new Error(`the smallest level is too large for a thumbnail (${width} x ${height})`);
  const image = await readRegionOnBackground(reader, 0, 0, level, width, height);
  return sharp(image.data, { raw: { width, height, channels: 4 } })
    .removeAlpha()
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' })
    .jpeg({ quality: 80 })
    .toBuffer();
}

export class MediaService {
  readonly #store: Store;
  readonly #scans: ScanAccess;
  readonly #limiter: ReadLimiter;
  readonly #thumbnails = new Map<number, Promise<Buffer>>();

  constructor(store: Store, scans: ScanAccess, limiter: ReadLimiter) {
    this.#store = store;
    this.#scans = scans;
    this.#limiter = limiter;
  }

  async cellImage(cellId: number, kind: CropKind, format: 'jpeg' | 'png'): Promise<ServiceResponse> {
    try {
      const cell = this.#store.getCell(cellId);
      let reader;
      try {
        ({ reader } = await this.#scans.open(this.#store.getSlide(cell.slideId)));
      } catch (error) {
        // The scan is not here (another workstation's): the small crop a work package brought, if any.
        const cached = this.#store.cachedCrop(cellId);
        if (cached) return ok('image/jpeg', cached);
        throw error;
      }
      const box = kind === 'crop' ? cell.box : contextBoxOf(cell.box);
      const body = await this.#limiter.run(() => renderCellCrop(reader, box, format));
      return ok(format === 'png' ? 'image/png' : 'image/jpeg', body);
    } catch (error) {
      return failure(error);
    }
  }

  async thumbnail(slideId: number): Promise<ServiceResponse> {
    try {
      let pending = this.#thumbnails.get(slideId);
      if (!pending) {
        const slide = this.#store.getSlide(slideId);
        pending = this.#scans.open(slide).then(({ reader }) => this.#limiter.run(() => renderThumbnail(reader)));
        pending.catch(() => this.#thumbnails.delete(slideId));
        if (this.#thumbnails.size >= THUMBNAILS_KEPT) this.#thumbnails.delete(this.#thumbnails.keys().next().value!);
        this.#thumbnails.set(slideId, pending);
      }
      return ok('image/jpeg', await pending);
    } catch (error) {
      return failure(error);
    }
  }

  async fovMask(slideId: number): Promise<ServiceResponse> {
    try {
      const slide = this.#store.getSlide(slideId);
      if (slide.fovMaskPath === null) return failure({ code: 'not-found', message: `Slide ${slideId} has no field-of-view mask yet`, detail: null });
      return ok('image/png', await readFile(slide.fovMaskPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return failure({ code: 'not-found', message: `The field-of-view mask of slide ${slideId} is missing on disk`, detail: null });
      }
      return failure(error);
    }
  }
}
