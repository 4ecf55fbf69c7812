// Annotators: the people whose names go on every label event. A name is
// trimmed and NFC-normalised, so the same person typed twice is one row.

import type { StoreContext } from './store-context.ts';
import { invalid, notFound } from './store-error.ts';
import type { AnnotatorRecord } from '../domain/annotator.ts';
import { ANNOTATOR_ROLES, type AnnotatorRole } from '../domain/reading.ts';
import { checkId, checkOneOf, hasControlCharacters } from './validate.ts';

export const ANNOTATOR_NAME_MAX = 64;

export interface AnnotatorRepository {
  /** The annotator with this name, created on first use. */
  ensureAnnotator(name: string): AnnotatorRecord;
  getAnnotator(id: number): AnnotatorRecord;
  listAnnotators(): AnnotatorRecord[];
  /** A reader labels; an adjudicator decides disputed cells. Events keep the role they were made in. */
  setAnnotatorRole(id: number, role: AnnotatorRole): AnnotatorRecord;
}

const COLUMNS = 'id, name, role, created_at AS createdAt';

export function normaliseAnnotatorName(name: unknown): string {
  if (typeof name !== 'string') throw invalid('annotator name must be a string');
  const trimmed = name.normalize('NFC').trim();
  const length = [...trimmed].length;
  if (length === 0) throw invalid('annotator name is empty');
  if (length > ANNOTATOR_NAME_MAX) throw invalid(`annotator name is ${length} characters long; at most ${ANNOTATOR_NAME_MAX} are allowed`);
  if (hasControlCharacters(trimmed)) throw invalid('annotator name contains control characters');
  return trimmed;
}

export function createAnnotatorRepository(ctx: StoreContext): AnnotatorRepository {
  const byName = (name: string) =>
    ctx.sql(`SELECT ${COLUMNS} FROM annotators WHERE name = ?`).get(name) as AnnotatorRecord | undefined;
  return {
    ensureAnnotator(name) {
      const clean = normaliseAnnotatorName(name);
      return ctx.write(() => {
        const existing = byName(clean);
        if (existing) return existing;
        return ctx.sql(`INSERT INTO annotators (name, created_at) VALUES (?, ?) RETURNING ${COLUMNS}`)
          .get(clean, ctx.now()) as AnnotatorRecord;
      });
    },
    getAnnotator(id) {
      const row = ctx.sql(`SELECT ${COLUMNS} FROM annotators WHERE id = ?`).get(checkId(id, 'annotator id')) as AnnotatorRecord | undefined;
      if (!row) throw notFound('annotator', id);
      return row;
    },
    listAnnotators() {
      return ctx.sql(`SELECT ${COLUMNS} FROM annotators ORDER BY name`).all() as AnnotatorRecord[];
    },
    setAnnotatorRole(id, role) {
      const checked = checkOneOf(role, ANNOTATOR_ROLES, 'annotator role');
      return ctx.write(() => {
        const row = ctx.sql(`UPDATE annotators SET role = ? WHERE id = ? RETURNING ${COLUMNS}`).get(checked, checkId(id, 'annotator id')) as
          AnnotatorRecord | undefined;
        if (!row) throw notFound('annotator', id);
        return row;
      });
    },
  };
}
