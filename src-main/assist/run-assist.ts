// One assist run for a reader on a slide, in a worker thread: features for
// the live cells that have none yet (each cell's box read from the scan at
// level 0: assist/cell-features.ts), then a classifier trained on the reader's
// own labels (assist/classifier.ts), its probabilities for every live cell
// stored as the reader's suggestions. Nothing here labels a cell.

import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import type { JobHooks } from '../jobs/job-worker.ts';
import { openSlide } from '../slide/openslide-reader.ts';
import type { SlideReader } from '../slide/slide-reader.ts';
import { openStore, type Store } from '../store/index.ts';
import { CELL_FEATURE_COUNT, cellFeatures } from './cell-features.ts';
import { ASSIST_FEATURE_COUNT, ASSIST_FEATURE_NAMES, CROP_MODEL_PATH, CropScorer } from './assist-features.ts';
import type { CellView } from '../domain/cell.ts';
import { checkAssistModel, predictAssist, trainAssistModel, type AssistModel } from './classifier.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../files/app-layout.ts';
import { featureMatrix } from './feature-matrix.ts';
import { OnnxClassifier } from './onnx-classifier.ts';

/** Bumped whenever what a vector means changes (the measures of cell-features.ts, the crop model of assist-features.ts): older vectors are computed again. */
export const FEATURE_VERSION = 2;
/** Fewer labels than this and a classifier learnt from them alone would mostly echo its prior. */
export const MIN_LABELS = 20;
/**
 * The shipped starting model (models/assist/, its card inside): learnt from public annotated smears;
 * the reader's labels adjust it, and it gives suggestions before the first label.
 */
export const START_MODEL_PATH = join(MODELS_DIR, 'assist', 'cric-start.json');
const START_PULL_LABELS = 500;

/** The starting model when it is there and measures what these features measure; else null. */
export function loadStartModel(path = START_MODEL_PATH): AssistModel | null {
  if (!existsSync(path)) return null;
  const model = checkAssistModel((JSON.parse(readFileSync(path, 'utf8')) as { model: unknown }).model);
  const same = model.featureNames !== null && model.featureNames.length === ASSIST_FEATURE_NAMES.length && model.featureNames.every((n, i) => n === ASSIST_FEATURE_NAMES[i]);
  return same ? model : null;
}
const READS_IN_FLIGHT = 4;

export interface AssistOptions {
  dbPath: string;
  slideId: number;
  /** The reader to learn from; null: only the features (the run after an ingest). */
  annotatorId: number | null;
  /** A classifier manifest (classifier-manifest.ts): its ONNX model gives the suggestions instead of training on labels. */
  classifier?: string;
  /** The starting model's file (default START_MODEL_PATH); null: learn from the reader's labels alone. */
  startModel?: string | null;
  /** The crop model's manifest (default CROP_MODEL_PATH): its scores are part of every feature vector. */
  cropModel?: string;
}

export interface AssistProgress { phase: 'features' | 'training' | 'predicting'; done: number; total: number }

export interface AssistResult {
  slideId: number;
  annotatorId: number;
  modelId: number | null;
  labels: number;
  classes: string[];
  featuresComputed: number;
  cellsSuggested: number;
  /** Cells whose box could not be read (damaged scan): no features, no suggestion. */
  unreadable: number;
  timings: { featuresMs: number; trainMs: number; predictMs: number };
  message: string;
}

/** Cells measured and crop-scored together: one crop-model batch. */
const FEATURE_CHUNK = 64;

async function computeFeatures(store: Store, reader: SlideReader, mpp: number, cellIds: number[], cropModel: string, hooks: JobHooks<AssistProgress>): Promise<number> {
  const scorer = await CropScorer.open(cropModel);
  let unreadable = 0;
  try {
    for (let start = 0; start < cellIds.length && !hooks.cancel.cancelled; start += FEATURE_CHUNK) {
      const measured: Array<{ cell: CellView; vector: Float64Array }> = [];
      const chunk = cellIds.slice(start, start + FEATURE_CHUNK);
      for (let i = 0; i < chunk.length; i += READS_IN_FLIGHT) {
        await Promise.all(chunk.slice(i, i + READS_IN_FLIGHT).map(async (cellId) => {
          const cell = store.getCell(cellId);
          try {
            const image = await reader.readRegion(cell.box.x, cell.box.y, 0, cell.box.width, cell.box.height);
            const vector = new Float64Array(ASSIST_FEATURE_COUNT);
            cellFeatures({ crop: { data: image.data, width: image.width, height: image.height, channels: 4 }, cell, mpp }, vector.subarray(0, CELL_FEATURE_COUNT));
            measured.push({ cell, vector });
          } catch {
            unreadable++;
          }
        }));
      }
      const scored = await scoreCrops(scorer, reader, mpp, measured);
      unreadable += measured.length - scored.length;
      store.saveCellFeatures(FEATURE_VERSION, scored.map(({ cell, vector }) => ({ cellId: cell.id, vector })));
      hooks.onProgress({ phase: 'features', done: Math.min(cellIds.length, start + FEATURE_CHUNK), total: cellIds.length });
    }
  } finally {
    await scorer.close();
  }
  return unreadable;
}

/** Crop scores for a chunk; where the chunk fails (a damaged tile), cell by cell, dropping the cells that cannot be read. */
async function scoreCrops<T extends { cell: CellView; vector: Float64Array }>(scorer: CropScorer, reader: SlideReader, mpp: number, items: T[]): Promise<T[]> {
  try {
    await scorer.score(reader, items.map((m) => m.cell), mpp, items.map((m) => m.vector));
    return items;
  } catch {
    const ok: T[] = [];
    for (const m of items) {
      try {
        await scorer.score(reader, [m.cell], mpp, [m.vector]);
        ok.push(m);
      } catch {
        // Unreadable: counted by the caller.
      }
    }
    return ok;
  }
}

/** A loaded ONNX classifier's probabilities for every live cell, as the reader's suggestions. */
async function runClassifier(store: Store, options: AssistOptions & { classifier: string; annotatorId: number }, hooks: JobHooks<AssistProgress>): Promise<AssistResult> {
  const slide = store.getSlide(options.slideId);
  const annotator = store.getAnnotator(options.annotatorId);
  if (slide.kind !== 'scan') throw new RangeError(`${slide.smearId} has no scan for the classifier to look at`);
  const t = performance.now();
  const classifier = await OnnxClassifier.open(options.classifier);
  const reader = await openSlide(slide.path);
  try {
    const cells = store.listCells(slide.id);
    hooks.onProgress({ phase: 'predicting', done: 0, total: cells.length });
    const p = await classifier.classify(reader, cells, slide.mppX ?? 0.25);
    const modelId = store.saveAssistModel({
      slideId: slide.id, annotatorId: annotator.id, kind: 'onnx', name: classifier.manifest.name, model: null, labels: 0,
      report: { manifest: options.classifier, provider: classifier.provider, cropUm: classifier.manifest.input.cropUm },
    });
    const cellsSuggested = store.replaceSuggestions(annotator.id, slide.id, modelId, cells.map((c, i) => ({ cellId: c.id, p: p.subarray(i * 4, i * 4 + 4) })));
    return {
      slideId: slide.id, annotatorId: annotator.id, modelId, labels: 0, classes: [...CELL_CLASS_NAMES], featuresComputed: 0, cellsSuggested,
      unreadable: 0, timings: { featuresMs: 0, trainMs: 0, predictMs: performance.now() - t },
      message: `suggestions for ${cellsSuggested} cells from ${classifier.manifest.name} (${classifier.provider})`,
    };
  } finally {
    reader.close();
    await classifier.close();
  }
}

export async function runAssist(options: AssistOptions, hooks: JobHooks<AssistProgress>): Promise<AssistResult> {
  const store = openStore(options.dbPath);
  try {
    const { annotatorId } = options;
    if (options.classifier !== undefined && annotatorId !== null) return await runClassifier(store, { ...options, classifier: options.classifier, annotatorId }, hooks);
    const slide = store.getSlide(options.slideId);
    const mpp = slide.mppX ?? 0.25;
    let t = performance.now();
    const start = options.startModel === null ? null : loadStartModel(options.startModel);
    if (annotatorId !== null && !start) {
      // No model can come of this run: say so before reading a single cell.
      const own = store.classCounts(slide.id, { kind: 'reader', readerId: annotatorId });
      const classes = Object.values(own.byClass).filter((n) => n > 0).length;
      if (own.labelled < MIN_LABELS || classes < 2) {
        return { slideId: slide.id, annotatorId, modelId: null, labels: own.labelled, classes: [], featuresComputed: 0, cellsSuggested: 0, unreadable: 0,
          timings: { featuresMs: 0, trainMs: 0, predictMs: 0 },
          message: `${own.labelled} labels on ${slide.smearId}: suggestions start at ${MIN_LABELS} labels of at least 2 classes` };
      }
    }
    const missing = store.cellsWithoutFeatures(slide.id, FEATURE_VERSION);
    let unreadable = 0;
    if (missing.length > 0) {
      if (slide.kind !== 'scan') throw new RangeError(`${slide.smearId} has no scan to measure its cells on`);
      const reader = await openSlide(slide.path);
      try {
        unreadable = await computeFeatures(store, reader, mpp, missing, options.cropModel ?? CROP_MODEL_PATH, hooks);
      } finally {
        reader.close();
      }
    }
    const featuresMs = performance.now() - t;
    if (annotatorId === null) {
      return { slideId: slide.id, annotatorId: 0, modelId: null, labels: 0, classes: [], featuresComputed: missing.length - unreadable, cellsSuggested: 0,
        unreadable, timings: { featuresMs, trainMs: 0, predictMs: 0 }, message: `features of ${missing.length - unreadable} cells of ${slide.smearId}` };
    }
    const annotator = store.getAnnotator(annotatorId);
    const rows = store.featureRows(slide.id, FEATURE_VERSION);
    const own = { kind: 'reader', readerId: annotator.id } as const;
    const labelOf = new Map(store.listCells(slide.id, { label: 'labelled' }, own).map((c) => [c.id, c.label as string]));
    const trainRows = rows.cellIds.flatMap((id, i) => (labelOf.has(id) ? [i] : []));
    const base = { slideId: slide.id, annotatorId: annotator.id, featuresComputed: missing.length - unreadable, unreadable, labels: trainRows.length };
    if (!start && (trainRows.length < MIN_LABELS || new Set(trainRows.map((i) => labelOf.get(rows.cellIds[i]!))).size < 2)) {
      return { ...base, modelId: null, classes: [], cellsSuggested: 0, timings: { featuresMs, trainMs: 0, predictMs: 0 },
        message: `${trainRows.length} labels of ${annotator.name} on ${slide.smearId}: suggestions start at ${MIN_LABELS} labels of at least 2 classes` };
    }
    hooks.onProgress({ phase: 'training', done: 0, total: trainRows.length });
    t = performance.now();
    const all = featureMatrix(rows.vectors, ASSIST_FEATURE_COUNT);
    // With the starting model: its suggestions before the first label, adjusted by every label after.
    const model = trainRows.length === 0 && start ? start
      : trainAssistModel(featureMatrix(trainRows.map((i) => rows.vectors[i]!), ASSIST_FEATURE_COUNT), trainRows.map((i) => labelOf.get(rows.cellIds[i]!)!), {
        reference: all, featureNames: ASSIST_FEATURE_NAMES,
        // Held near the starting model while labels are few (l2 10 at 50 labels gave the best held-out AUC, bench:assist), freer with hundreds.
        ...(start ? { start, l2: Math.max(1, START_PULL_LABELS / trainRows.length) } : {}),
      });
    const trainMs = performance.now() - t;
    hooks.onProgress({ phase: 'predicting', done: 0, total: rows.cellIds.length });
    t = performance.now();
    const p = predictAssist(model, all);
    const modelId = store.saveAssistModel({
      slideId: slide.id, annotatorId: annotator.id, kind: 'in-app',
      name: `${start ? 'CRIC starting model + ' : ''}${trainRows.length} labels of ${annotator.name} on ${slide.smearId}`, model,
      labels: trainRows.length, report: { labelCounts: model.labelCounts, features: ASSIST_FEATURE_COUNT, featureVersion: FEATURE_VERSION },
    });
    const cellsSuggested = store.replaceSuggestions(annotator.id, slide.id, modelId,
      rows.cellIds.map((cellId, i) => ({ cellId, p: p.values.subarray(i * 4, i * 4 + 4) })));
    const predictMs = performance.now() - t;
    return {
      ...base, modelId, classes: CELL_CLASS_NAMES.filter((c) => model.labelCounts[c] > 0), cellsSuggested,
      timings: { featuresMs, trainMs, predictMs },
      message: `suggestions for ${cellsSuggested} cells from ${trainRows.length} labels of ${annotator.name}`,
    };
  } finally {
    store.close();
  }
}
