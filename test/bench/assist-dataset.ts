// The assist bench's data: the CRICVA dev fields of one set (held out or
// training) composed into one MIRAX slide, the real ingest on it (cached under
// .cache/assist-bench/runs/), every candidate's feature vector from the
// slide's own pixels, and its truth from the annotated nucleus points
// (matchTruth). Shared by `npm run bench:assist` and the crop export for the
// crop model (models/training/export-assist-crops.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSIST_FEATURE_COUNT, CROP_MODEL_PATH, CropScorer, cropLogP } from '../../src-main/assist/assist-features.ts';
import { CELL_FEATURE_COUNT, cellFeatures } from '../../src-main/assist/cell-features.ts';
import type { FeatureMatrix } from '../../src-main/assist/feature-matrix.ts';
import type { CellView } from '../../src-main/domain/cell.ts';
import type { IngestResult } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { parseIngestOptions } from '../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../src-main/pipeline/ingest/run-ingest.ts';
import { flattenOnto } from '../../src-main/slide/flatten-onto.ts';
import { openSlide } from '../../src-main/slide/openslide-reader.ts';
import { openStore } from '../../src-main/store/index.ts';
import { NILM, quantile } from '../fixtures/cell-recall-score.ts';
import { REPO_ROOT } from '../fixtures/cric-fields.ts';
import { loadCricvaDev } from '../fixtures/cricva-dev.ts';
import type { CricvaSlide } from '../fixtures/cricva-slide.ts';
import { ensureCricvaSlide } from '../fixtures/cricva-slide.ts';

export type Truth = 'abnormal' | 'nilm' | 'none';

/** A candidate's nucleus is on an annotated point when the point lies within its equivalent radius plus this (um) ... */
export const MATCH_SLACK_UM = 1.5;
/** ... or within this (um), for small nuclei and candidates without one. */
export const MATCH_MIN_UM = 3;


export interface AssistDataset {
  slide: CricvaSlide;
  cells: CellView[];
  x: FeatureMatrix;
  truth: Truth[];
  /** Field index of each candidate (by its centre), -1 outside every field. */
  field: number[];
  featureUs: { mean: number; p95: number };
  /** Where the crop columns came from. */
  cropScores: 'crop model' | 'out of fold';
  ingest: { cached: boolean; wallMs: number | null; state: string; slicesDone: number };
}

async function ingestOnce(slide: CricvaSlide, segmenter: 'onnx' | 'classical'): Promise<{ dbPath: string; result: IngestResult; cached: boolean; wallMs: number | null }> {
  const runDir = join(REPO_ROOT, '.cache', 'assist-bench', 'runs', `${slide.key}-${segmenter}`);
  const dbPath = join(runDir, 'smearlab.sqlite');
  const resultPath = join(runDir, 'ingest.json');
  if (existsSync(resultPath) && existsSync(dbPath)) return { dbPath, result: JSON.parse(readFileSync(resultPath, 'utf8')) as IngestResult, cached: true, wallMs: null };
  mkdirSync(runDir, { recursive: true });
  const t = performance.now();
  const result = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter, force: true }), {});
  const wallMs = performance.now() - t;
  if (result.state !== 'done') throw new Error(`ingest of ${slide.key} ${result.state}: ${result.message ?? ''}`);
  writeFileSync(resultPath, `${JSON.stringify(result)}\n`);
  return { dbPath, result, cached: false, wallMs };
}

/**
 * Each annotated point goes to at most one candidate and each candidate takes at most one point:
 * over every (point, candidate) pair where the point lies on the candidate's nucleus (within its
 * equivalent radius + MATCH_SLACK_UM, at least MATCH_MIN_UM), nearest first. Unlike eval-cells'
 * box containment, a neighbour whose padded box holds the point does not take it.
 */
function matchTruth(cells: readonly CellView[], slide: CricvaSlide, mpp: number): Truth[] {
  const pairs: Array<{ p: number; c: number; d: number }> = [];
  const byX = cells.map((_, i) => i).sort((a, b) => centreOf(cells[a]!).x - centreOf(cells[b]!).x);
  const maxReach = Math.max(MATCH_MIN_UM, ...cells.map((c) => reachUm(c, mpp))) / mpp;
  slide.points.forEach((pt, p) => {
    for (const c of byX) {
      const q = centreOf(cells[c]!);
      if (q.x < pt.x - maxReach) continue;
      if (q.x > pt.x + maxReach) break;
      const d = Math.hypot(q.x - pt.x, q.y - pt.y) * mpp;
      if (d <= reachUm(cells[c]!, mpp)) pairs.push({ p, c, d });
    }
  });
  pairs.sort((a, b) => a.d - b.d || a.p - b.p || a.c - b.c);
  const truth: Truth[] = cells.map(() => 'none');
  const used = new Set<number>();
  for (const { p, c } of pairs) {
    if (used.has(p) || truth[c] !== 'none') continue;
    used.add(p);
    truth[c] = slide.points[p]!.bethesda === NILM ? 'nilm' : 'abnormal';
  }
  return truth;
}

function centreOf(c: CellView): { x: number; y: number } {
  return c.nucleus ?? c.centre;
}

function reachUm(c: CellView, mpp: number): number {
  const area = (c.nucleusArea ?? 0) * mpp * mpp;
  return Math.max(MATCH_MIN_UM, Math.sqrt(area / Math.PI) + MATCH_SLACK_UM);
}

export interface AssistDatasetOptions {
  mpp: number;
  segmenter: 'onnx' | 'classical';
  /** The crop model's manifest (default: the shipped one). */
  cropModel?: string;
  /**
   * Out-of-fold crop scores by cell id (train_crop_model.py --folds), used instead of the crop
   * model's own where given: on its training fields the crop model is surer than it will ever be
   * on a new slide, and a starting model learnt from those scores would trust it too much.
   */
  cropOutOfFold?: string | null;
}

export async function loadAssistDataset(args: AssistDatasetOptions, set: 'heldout' | 'train'): Promise<AssistDataset> {
  const dev = await loadCricvaDev();
  const slide = await ensureCricvaSlide(set, dev.filter((d) => d.heldOut === (set === 'heldout')), args.mpp);
  const run = await ingestOnce(slide, args.segmenter);
  const store = openStore(run.dbPath);
  let cells: CellView[];
  try {
    cells = store.listCells(run.result.slideId); // reading order
  } finally {
    store.close();
  }
  const reader = await openSlide(slide.mrxsPath);
  const cols = ASSIST_FEATURE_COUNT;
  const data = new Float64Array(cells.length * cols);
  const row = (i: number) => data.subarray(i * cols, (i + 1) * cols);
  const us: number[] = [];
  const scorer = await CropScorer.open(args.cropModel ?? CROP_MODEL_PATH);
  let cropScores: AssistDataset['cropScores'] = 'crop model';
  try {
    for (const [i, c] of cells.entries()) {
      const image = await reader.readRegion(c.box.x, c.box.y, 0, c.box.width, c.box.height);
      flattenOnto(image, reader.info.backgroundColor);
      const t = performance.now();
      cellFeatures({ crop: { data: image.data, width: image.width, height: image.height, channels: 4 }, cell: c, mpp: args.mpp }, row(i).subarray(0, CELL_FEATURE_COUNT));
      us.push((performance.now() - t) * 1000);
    }
    if (args.cropOutOfFold && existsSync(args.cropOutOfFold)) {
      const oof = JSON.parse(readFileSync(args.cropOutOfFold, 'utf8')) as { cellIds: number[]; scores: number[][] };
      const byId = new Map(oof.cellIds.map((id, k) => [id, oof.scores[k]!]));
      cells.forEach((c, i) => {
        const p = byId.get(c.id);
        if (!p) throw new Error(`${args.cropOutOfFold} has no score for cell ${c.id}: export the crops and train the crop model again`);
        p.forEach((q, k) => { row(i)[CELL_FEATURE_COUNT + k] = cropLogP(q); });
      });
      cropScores = 'out of fold';
    } else {
      for (let start = 0; start < cells.length; start += 64) {
        const chunk = cells.slice(start, start + 64);
        await scorer.score(reader, chunk, args.mpp, chunk.map((_, k) => row(start + k)));
      }
    }
  } finally {
    reader.close();
    await scorer.close();
  }
  const inField = (x: number, y: number) => slide.fields.findIndex((f) => x >= f.x && x < f.x + f.width && y >= f.y && y < f.y + f.height);
  return {
    slide, cells, x: { rows: cells.length, cols, data }, cropScores, truth: matchTruth(cells, slide, args.mpp),
    field: cells.map((c) => inField(c.centre.x, c.centre.y)),
    // The first cells include the JIT's warm-up: the mean is over the whole slide, as a worker would see it.
    featureUs: { mean: us.reduce((a, b) => a + b, 0) / Math.max(1, us.length), p95: quantile(us, 0.95) ?? 0 },
    ingest: { cached: run.cached, wallMs: run.wallMs, state: run.result.state, slicesDone: run.result.slicesDone },
  };
}
