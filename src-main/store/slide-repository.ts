// Slides: one row per scan (or per smear imported without its scan), found
// again by path; OpenSlide's quickhash tells whether the file changed since.

import { basename, extname, resolve } from 'node:path';
import { randomUid, slideUidOf } from './stable-ids.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError, invalid, notFound } from './store-error.ts';
import type { NewSlide, UpsertSlideResult } from './types.ts';
import type { SlideKind, SlideRecord } from '../domain/slide.ts';
import {
  checkId, checkInt, checkOneOf, checkOptionalFinite, checkOptionalText, checkText, hasControlCharacters,
} from './validate.ts';

export const SMEAR_ID_MAX = 128;
const SLIDE_KINDS: readonly SlideKind[] = ['scan', 'slice-images'];
// Smear ids become parts of file names on every platform the datasets travel to.
const FILE_NAME_UNSAFE = /[/\\:*?"<>|]/;

export interface UpsertSlideOptions {
  /** What to do when the file at a known path has another quickhash: refuse (default) or take the new metadata. */
  ifHashDiffers?: 'error' | 'update';
}

export interface SlideRepository {
  upsertSlide(input: NewSlide, options?: UpsertSlideOptions): UpsertSlideResult;
  getSlide(id: number): SlideRecord;
  findSlideByPath(path: string): SlideRecord | null;
  findSlideBySmearId(smearId: string): SlideRecord | null;
  listSlides(): SlideRecord[];
  updateSlide(id: number, patch: { smearId?: string; fovMaskPath?: string | null }): SlideRecord;
}

export const SLIDE_COLUMNS = `id, path, format, quickhash, width, height, mpp_x AS mppX, mpp_y AS mppY,
  smear_id AS smearId, fov_mask_path AS fovMaskPath, kind, created_at AS createdAt`;

/** The smear id a scan gets when the user gives none: its file name without the extension. */
export function smearIdFromPath(path: string): string {
  const name = basename(path);
  const stem = name.slice(0, name.length - extname(name).length);
  return stem || name;
}

export function checkSmearId(value: unknown): string {
  if (typeof value !== 'string') throw invalid('smear id must be a string');
  const id = value.normalize('NFC').trim();
  if (id.length === 0) throw invalid('smear id is empty');
  if (id.length > SMEAR_ID_MAX) throw invalid(`smear id is longer than ${SMEAR_ID_MAX} characters`);
  if (hasControlCharacters(id) || FILE_NAME_UNSAFE.test(id)) {
    throw invalid(`smear id "${id}" contains a character that cannot go into a file name (/ \\ : * ? " < > | or a control character)`);
  }
  return id;
}

export function createSlideRepository(ctx: StoreContext): SlideRepository {
  const byPath = (path: string) =>
    (ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides WHERE path = ?`).get(path) as SlideRecord | undefined) ?? null;
  const bySmearId = (smearId: string) =>
    (ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides WHERE smear_id = ?`).get(smearId) as SlideRecord | undefined) ?? null;
  const get = (id: number): SlideRecord => {
    const row = ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides WHERE id = ?`).get(checkId(id, 'slide id')) as SlideRecord | undefined;
    if (!row) throw notFound('slide', id);
    return row;
  };
  const claimSmearId = (smearId: string, slideId: number | null) => {
    const holder = bySmearId(smearId);
    if (holder && holder.id !== slideId) {
      throw new StoreError('conflict', `smear id "${smearId}" is already used by ${holder.path}; give this slide another smear id`);
    }
  };

  return {
    upsertSlide(input, options = {}) {
      const slide = checkNewSlide(input);
      return ctx.write(() => {
        const existing = byPath(slide.path);
        if (!existing) {
          const smearId = input.smearId === undefined ? checkSmearId(smearIdFromPath(slide.path)) : checkSmearId(input.smearId);
          claimSmearId(smearId, null);
          // The same scan and smear id give the same id on every workstation (work packages merge by it).
          const uid = slide.quickhash ? slideUidOf(slide.quickhash, smearId) : randomUid();
          const row = ctx.sql(`INSERT INTO slides (path, format, quickhash, width, height, mpp_x, mpp_y, smear_id, fov_mask_path, kind, created_at, uid)
            VALUES (@path, @format, @quickhash, @width, @height, @mppX, @mppY, @smearId, @fovMaskPath, @kind, @createdAt, @uid)
            RETURNING ${SLIDE_COLUMNS}`).get({ ...slide, smearId, createdAt: ctx.now(), uid }) as SlideRecord;
          return { slide: row, created: true, updated: false };
        }
        const hashDiffers = slide.quickhash !== null && existing.quickhash !== null && slide.quickhash !== existing.quickhash;
        if (hashDiffers && (options.ifHashDiffers ?? 'error') === 'error') {
          throw new StoreError('conflict',
            `${slide.path} has changed since it was added (quickhash ${slide.quickhash}, was ${existing.quickhash}); ` +
            'reingest it to replace its cells');
        }
        if (!hashDiffers && existing.quickhash !== null) return { slide: existing, created: false, updated: false };
        // A new file at the same path (or the first quickhash we learn): take its metadata; smear id and FOV mask stay.
        const row = ctx.sql(`UPDATE slides SET format = @format, quickhash = @quickhash, width = @width, height = @height,
            mpp_x = @mppX, mpp_y = @mppY, kind = @kind WHERE id = @id RETURNING ${SLIDE_COLUMNS}`)
          .get({ ...slide, id: existing.id }) as SlideRecord;
        return { slide: row, created: false, updated: JSON.stringify(row) !== JSON.stringify(existing) };
      });
    },
    getSlide: get,
    findSlideByPath(path) {
      const given = checkText(path, 'slide path');
      return byPath(given) ?? byPath(resolveSlidePath(given));
    },
    findSlideBySmearId(smearId) {
      return bySmearId(checkSmearId(smearId));
    },
    listSlides() {
      return ctx.sql(`SELECT ${SLIDE_COLUMNS} FROM slides ORDER BY smear_id, id`).all() as SlideRecord[];
    },
    updateSlide(id, patch) {
      return ctx.write(() => {
        let slide = get(id);
        if (patch.smearId !== undefined) {
          const smearId = checkSmearId(patch.smearId);
          claimSmearId(smearId, slide.id);
          slide = ctx.sql(`UPDATE slides SET smear_id = ? WHERE id = ? RETURNING ${SLIDE_COLUMNS}`).get(smearId, slide.id) as SlideRecord;
        }
        if (patch.fovMaskPath !== undefined) {
          const fovMaskPath = checkOptionalText(patch.fovMaskPath, 'FOV mask path');
          slide = ctx.sql(`UPDATE slides SET fov_mask_path = ? WHERE id = ? RETURNING ${SLIDE_COLUMNS}`).get(fovMaskPath, slide.id) as SlideRecord;
        }
        return slide;
      });
    },
  };
}

// Scan paths are stored absolute so the same file is found from any working directory.
function resolveSlidePath(path: string): string {
  return resolve(path);
}

function checkNewSlide(input: NewSlide) {
  if (typeof input !== 'object' || input === null) throw invalid('slide must be an object');
  const kind = checkOneOf(input.kind ?? 'scan', SLIDE_KINDS, 'slide kind');
  const rawPath = checkText(input.path, 'slide path');
  return {
    path: kind === 'scan' ? resolveSlidePath(rawPath) : rawPath,
    format: checkText(input.format, 'slide format', 64),
    quickhash: checkOptionalText(input.quickhash, 'quickhash', 256),
    width: checkInt(input.width, 'slide width', 0),
    height: checkInt(input.height, 'slide height', 0),
    mppX: positiveOrNull(input.mppX, 'mppX'),
    mppY: positiveOrNull(input.mppY, 'mppY'),
    fovMaskPath: checkOptionalText(input.fovMaskPath, 'FOV mask path'),
    kind,
  };
}

function positiveOrNull(value: unknown, what: string): number | null {
  const n = checkOptionalFinite(value, what);
  if (n !== null && n <= 0) throw invalid(`${what} must be > 0, got ${n}`);
  return n;
}
