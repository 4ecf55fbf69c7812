// AI assist in SQLite: feature vectors per cell, the models (trained or
// loaded) and each reader's current suggestions. Suggestions are derived
// data, replaced whole by each model; labels stay the reader's own events.

import { CELL_CLASS_NAMES, type CellClassName } from '../domain/cell-class.ts';
import type { AssistModelInfo, AssistSummary, CellSuggestion } from '../domain/assist.ts';
import { LIVE_CELL } from './cell-rows.ts';
import type { StoreContext } from './store-context.ts';
import { invalid, notFound } from './store-error.ts';
import { checkId } from './validate.ts';

export interface NewAssistModel {
  slideId: number | null;
  annotatorId: number | null;
  kind: 'in-app' | 'onnx';
  name: string;
  model: unknown;
  labels: number;
  report: Record<string, unknown> | null;
}

export interface FeatureRows {
  cellIds: number[];
  /** One vector per cell id, in the same order. */
  vectors: Float32Array[];
}

export interface AssistRepository {
  saveCellFeatures(version: number, rows: ReadonlyArray<{ cellId: number; vector: ArrayLike<number> }>): void;
  /** Live cells of the slide without a feature vector of this version. */
  cellsWithoutFeatures(slideId: number, version: number): number[];
  /** Feature vectors of the slide's live cells (of this version). */
  featureRows(slideId: number, version: number): FeatureRows;
  saveAssistModel(model: NewAssistModel): number;
  /** Replaces the reader's suggestions on the slide with the model's (p in CELL_CLASS_NAMES order per cell). */
  replaceSuggestions(annotatorId: number, slideId: number, modelId: number, rows: ReadonlyArray<{ cellId: number; p: ArrayLike<number> }>): number;
  suggestionFor(cellId: number, annotatorId: number): CellSuggestion | null;
  latestAssistModel(slideId: number, annotatorId: number): AssistModelInfo | null;
  assistSummary(slideId: number, annotatorId: number): AssistSummary;
}

const P_COLUMNS = CELL_CLASS_NAMES.map((c) => `p_${c}`);

interface ModelRow { id: number; kind: 'in-app' | 'onnx'; name: string; labels: number; createdAt: number; report: string | null }

function toInfo(row: ModelRow): AssistModelInfo {
  return { id: row.id, kind: row.kind, name: row.name, labels: row.labels, createdAt: row.createdAt, report: row.report ? JSON.parse(row.report) : null };
}

/** The reader's current suggestion for the cell (the most probable class), or null. */
export function readSuggestion(ctx: StoreContext, cellId: number, annotatorId: number): CellSuggestion | null {
  const row = ctx.sqlRaw(`SELECT ${P_COLUMNS.join(', ')}, model_id FROM suggestions WHERE annotator_id = ? AND cell_id = ?`)
    .get(annotatorId, cellId) as number[] | undefined;
  if (!row) return null;
  let best = 0;
  for (let k = 1; k < CELL_CLASS_NAMES.length; k++) if (row[k]! > row[best]!) best = k;
  return {
    label: CELL_CLASS_NAMES[best]!, p: row[best]!, modelId: row[4]!,
    probabilities: Object.fromEntries(CELL_CLASS_NAMES.map((c, k) => [c, row[k]!])) as Record<CellClassName, number>,
  };
}

export function createAssistRepository(ctx: StoreContext): AssistRepository {
  const suggestionFor = (cellId: number, annotatorId: number) => readSuggestion(ctx, cellId, annotatorId);
  const latest = (slideId: number, annotatorId: number) => {
    const row = ctx.sql(`SELECT m.id, m.kind, m.name, m.labels, m.created_at AS createdAt, m.report FROM assist_models m
      WHERE m.id = (SELECT s.model_id FROM suggestions s JOIN cells c ON c.id = s.cell_id WHERE s.annotator_id = ? AND c.slide_id = ?
        ORDER BY s.model_id DESC LIMIT 1)`).get(annotatorId, slideId) as ModelRow | undefined;
    return row ? toInfo(row) : null;
  };
  return {
    saveCellFeatures(version, rows) {
      if (!Number.isInteger(version) || version < 1) throw invalid(`feature version must be a positive integer, got ${version}`);
      ctx.write(() => {
        const upsert = ctx.sql(`INSERT INTO cell_features (cell_id, version, vector) VALUES (?, ?, ?)
          ON CONFLICT (cell_id) DO UPDATE SET version = excluded.version, vector = excluded.vector`);
        for (const r of rows) {
          const vector = Float32Array.from(r.vector);
          if (!vector.every(Number.isFinite)) throw invalid(`feature vector of cell ${r.cellId} holds a value that is not finite`);
          upsert.run(checkId(r.cellId, 'cell id'), version, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
        }
      });
    },
    cellsWithoutFeatures(slideId, version) {
      return ctx.sql(`SELECT c.id FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id LEFT JOIN cell_features f ON f.cell_id = c.id
        WHERE c.slide_id = ? AND ${LIVE_CELL} AND (f.cell_id IS NULL OR f.version <> ?) ORDER BY c.id`).pluck().all(checkId(slideId, 'slide id'), version) as number[];
    },
    featureRows(slideId, version) {
      const rows = ctx.sqlRaw(`SELECT c.id, f.vector FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id JOIN cell_features f ON f.cell_id = c.id
        WHERE c.slide_id = ? AND ${LIVE_CELL} AND f.version = ? ORDER BY c.id`).all(checkId(slideId, 'slide id'), version) as Array<[number, Buffer]>;
      return {
        cellIds: rows.map((r) => r[0]),
        vectors: rows.map((r) => new Float32Array(r[1].buffer.slice(r[1].byteOffset, r[1].byteOffset + r[1].byteLength))),
      };
    },
    saveAssistModel(m) {
      return Number(ctx.sql(`INSERT INTO assist_models (slide_id, annotator_id, kind, name, model, labels, report, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(m.slideId, m.annotatorId, m.kind, m.name, m.model === null ? null : JSON.stringify(m.model),
        m.labels, m.report === null ? null : JSON.stringify(m.report), ctx.now()).lastInsertRowid);
    },
    replaceSuggestions(annotatorId, slideId, modelId, rows) {
      return ctx.write(() => {
        if (!ctx.sql('SELECT 1 FROM assist_models WHERE id = ?').get(modelId)) throw notFound('assist model', modelId);
        ctx.sql('DELETE FROM suggestions WHERE annotator_id = ? AND cell_id IN (SELECT id FROM cells WHERE slide_id = ?)').run(annotatorId, slideId);
        const insert = ctx.sql(`INSERT INTO suggestions (annotator_id, cell_id, model_id, ${P_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
        for (const r of rows) {
          if (r.p.length !== 4) throw invalid(`suggestion for cell ${r.cellId} needs 4 probabilities`);
          insert.run(annotatorId, r.cellId, modelId, r.p[0], r.p[1], r.p[2], r.p[3]);
        }
        return rows.length;
      });
    },
    suggestionFor,
    latestAssistModel: (slideId, annotatorId) => latest(checkId(slideId, 'slide id'), checkId(annotatorId, 'annotator id')),
    assistSummary(slideId, annotatorId) {
      const id = checkId(slideId, 'slide id');
      const who = checkId(annotatorId, 'annotator id');
      // Expected counts over the cells this reader has not labelled: sum of p; the spread of a sum of Bernoullis.
      const sums = ctx.sqlRaw(`SELECT count(*), ${P_COLUMNS.map((p) => `coalesce(sum(s.${p}), 0), coalesce(sum(s.${p} * (1 - s.${p})), 0)`).join(', ')}
        FROM suggestions s JOIN cells c ON c.id = s.cell_id LEFT JOIN cell_state st ON st.cell_id = c.id
        LEFT JOIN reader_state rs ON rs.cell_id = c.id AND rs.annotator_id = s.annotator_id
        WHERE s.annotator_id = ? AND c.slide_id = ? AND ${LIVE_CELL} AND rs.label IS NULL`).get(who, id) as number[];
      const suggested = ctx.value(`SELECT count(*) FROM suggestions s JOIN cells c ON c.id = s.cell_id WHERE s.annotator_id = ? AND c.slide_id = ?`, who, id) as number;
      const labelsNow = ctx.value(`SELECT count(*) FROM reader_state rs JOIN cells c ON c.id = rs.cell_id LEFT JOIN cell_state st ON st.cell_id = c.id
        WHERE rs.annotator_id = ? AND c.slide_id = ? AND rs.label IS NOT NULL AND ${LIVE_CELL}`, who, id) as number;
      const estimated = Object.fromEntries(CELL_CLASS_NAMES.map((c, k) => [c, { count: sums[1 + 2 * k]!, sd: Math.sqrt(sums[2 + 2 * k]!) }])) as AssistSummary['estimated'];
      return { slideId: id, model: latest(id, who), suggested, estimated, labelsNow };
    },
  };
}
