// `npm run bench:assist`: the measurable core of AI assist on REAL Pap fields.
// The CRICVA dev fields held out of training (models/training/cricva-heldout.json)
// are composed into one MIRAX slide (test/fixtures/cricva-slide.ts), the real
// ingest runs on it (cached under .cache/assist-bench/), and every candidate
// gets its feature vector (src-main/assist/assist-features.ts: the measures
// and the crop CNN's scores) from the slide's own pixels (assist-dataset.ts).
// Ground truth per candidate: its nucleus on an annotated point (see
// matchTruth) -> NILM = healthy, any other Bethesda class = unhealthy;
// no annotated nucleus -> --unannotated (default rubbish, as the starting model
// learnt them; see UNANNOTATED_NOTE).
// A simulated reader labels --labels cells of the slide, the classifier learns
// them and predicts the rest. Cross-validation over fields: the labels come
// from the other folds' fields only, every figure is on the held-out fold's
// fields, and no labelled cell is ever scored.
// Prints tables and writes bench-results/assist.json.
//   --labels 50 --folds 5 --repeats 3 --mpp 0.25 --segmenter onnx
//   --unannotated healthy|rubbish|exclude   --forest   (also ml-random-forest, if installed)
//   --start-units 0 (hidden units of the starting model; 0: linear)   --start-unannotated rubbish|healthy|exclude
//   --write-start models/assist/cric-start.json (the app's starting model)   --measures-only (no crop CNN scores)
//   --crop-oof PATH (the crop CNN's out-of-fold scores of the training fields, for the starting model)
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ASSIST_FEATURE_NAMES } from '../../src-main/assist/assist-features.ts';
import { CELL_FEATURE_NAMES } from '../../src-main/assist/cell-features.ts';
import type { AssistModel, ClassProbabilities } from '../../src-main/assist/classifier.ts';
import { predictAssist, trainAssistModel, trainStartingModel } from '../../src-main/assist/classifier.ts';
import type { FeatureMatrix } from '../../src-main/assist/feature-matrix.ts';
import { selectRows } from '../../src-main/assist/feature-matrix.ts';
import { recallInTop, rocAuc } from '../../src-main/assist/metrics.ts';
import { leastCertainFirst, mostSuspiciousFirst, suggestionsByClass } from '../../src-main/assist/ranking.ts';
import { CELL_CLASS_NAMES } from '../../src-main/domain/cell-class.ts';
import type { CellClassName } from '../../src-main/domain/cell-class.ts';
import type { Rng } from '../../src-main/domain/random.ts';
import { seededRng } from '../../src-main/domain/random.ts';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { REPO_ROOT } from '../fixtures/cric-fields.ts';
import { EVAL_SLIDE_MPPS } from '../fixtures/cricva-slide.ts';
import { MATCH_MIN_UM, MATCH_SLACK_UM, loadAssistDataset } from './assist-dataset.ts';
import type { AssistDataset as Dataset, Truth } from './assist-dataset.ts';

type Unannotated = 'healthy' | 'rubbish' | 'exclude';
type Strategy = 'reading' | 'random' | 'active';
const STRATEGIES: readonly Strategy[] = ['reading', 'random', 'active'];
const HEADLINE: Strategy = 'active';

/** Abnormal cells as a share of a screening slide's candidates. */
const SCREENING_PREVALENCE = 0.02;
const SCREENING_DRAWS = 50;
/** Active learning: labels taken in reading order before the first model, then per retraining. */
const ACTIVE_START = 10;
const ACTIVE_BATCH = 10;
/** Per-class gallery page (tiles confirmed with one key) in the keypress model. */
const GALLERY_PAGE = 30;
const SYNTHETIC_ROWS = 100_000;
const SEED = 20_261_206;
/** Penalty of the starting model's fit: over a thousand labels, so a light one. */
const START_L2 = 0.001;
/** ...and of a starting model with a hidden layer (both layers' weights). */
const START_HIDDEN_L2 = 0.01;

const UNANNOTATED_NOTE: Record<Unannotated, string> = {
  healthy: 'candidates with no annotated nucleus are labelled healthy by the simulated reader (CRIC marks the abnormal cells of a field and some normal ones; '
    + 'the unmarked rest is taken as normal cells, inflammatory cells and debris: all "not unhealthy"); they are left out of the AUC and are negatives in the screening gallery',
  rubbish: 'candidates with no annotated nucleus are labelled rubbish by the simulated reader (CRIC marks the abnormal cells of a field and some normal ones; '
    + 'the unmarked rest is mostly debris, inflammatory cells and overlaps, with some unmarked normal cells); left out of the AUC, negatives in the screening gallery',
  exclude: 'candidates with no annotated nucleus are never labelled (the reader skips them); left out of the AUC, negatives in the screening gallery',
};

interface Args {
  labels: number; folds: number; repeats: number; mpp: number; segmenter: 'onnx' | 'classical'; unannotated: Unannotated; forest: boolean;
  start: boolean; startL2: number[]; writeStart: string | null; startUnits: number; startUnannotated: Unannotated;
  /** Leave the crop model's scores out (the measures alone, for comparison). */
  measuresOnly: boolean;
  /** Out-of-fold crop scores of the training fields (train_crop_model.py --folds), for the starting model. */
  cropOof: string;
}

function parseCliArgs(): Args {
  const { values } = parseArgs({
    options: {
      labels: { type: 'string', default: '50' }, folds: { type: 'string', default: '5' }, repeats: { type: 'string', default: '3' },
      mpp: { type: 'string', default: '0.25' }, segmenter: { type: 'string', default: 'onnx' }, unannotated: { type: 'string', default: 'rubbish' },
      'start-units': { type: 'string', default: '0' }, 'start-unannotated': { type: 'string', default: 'rubbish' },
      forest: { type: 'boolean', default: false }, 'no-start': { type: 'boolean', default: false }, 'start-l2': { type: 'string', default: '10,1' },
      'write-start': { type: 'string' }, 'measures-only': { type: 'boolean', default: false },
      'crop-oof': { type: 'string', default: '.cache/assist-crops/cric-crop-cnn.oof.json' },
    },
    allowPositionals: false,
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got "${v}"`);
    return n;
  };
  const mpp = Number(values.mpp);
  if (!(EVAL_SLIDE_MPPS as readonly number[]).includes(mpp)) throw new Error(`--mpp must be one of ${EVAL_SLIDE_MPPS.join(', ')}`);
  if (values.segmenter !== 'onnx' && values.segmenter !== 'classical') throw new Error('--segmenter must be onnx or classical');
  const unannotated = (name: string, v: string): Unannotated => {
    if (v !== 'healthy' && v !== 'rubbish' && v !== 'exclude') throw new Error(`--${name} must be healthy, rubbish or exclude`);
    return v;
  };
  const un = unannotated('unannotated', values.unannotated);
  return { labels: int('labels', values.labels, 2), folds: int('folds', values.folds, 2), repeats: int('repeats', values.repeats, 1), mpp, segmenter: values.segmenter, unannotated: un, forest: values.forest,
    measuresOnly: values['measures-only'], cropOof: values['crop-oof'],
    start: !values['no-start'], writeStart: values['write-start'] ?? null, startUnits: int('start-units', values['start-units'], 0),
    startUnannotated: unannotated('start-unannotated', values['start-unannotated']), startL2: values['start-l2'].split(',').map((v) => { const n = Number(v); if (!(n >= 0)) throw new Error(`--start-l2: "${v}" is not a number >= 0`); return n; }) };
}

/** The feature names in use: measures and crop scores, or measures only (--measures-only). */
let featureNames: readonly string[] = ASSIST_FEATURE_NAMES;
let startCropScores = 'no starting model';

/** The dataset with only its first `cols` features. */
function withColumns(ds: Dataset, cols: number): Dataset {
  if (cols === ds.x.cols) return ds;
  const data = new Float64Array(ds.x.rows * cols);
  for (let r = 0; r < ds.x.rows; r++) data.set(ds.x.data.subarray(r * ds.x.cols, r * ds.x.cols + cols), r * cols);
  return { ...ds, x: { rows: ds.x.rows, cols, data } };
}

// ---------------------------------------------------------------- classifiers

/** Trains on labelled rows and gives class probabilities for other rows. */
interface ClassifierOption {
  name: string;
  /** False where a starting model supplies the classes the labels lack. */
  needsTwoClasses: boolean;
  train(x: FeatureMatrix, labels: CellClassName[], reference: FeatureMatrix): (rows: FeatureMatrix) => ClassProbabilities;
}

const softmax = (name: string, balanced: boolean, start: AssistModel | null = null, l2?: number): ClassifierOption => ({
  name,
  needsTwoClasses: start === null,
  train(x, labels, reference) {
    const model: AssistModel = trainAssistModel(x, labels, { reference, balanced, featureNames, ...(start ? { start } : {}), ...(l2 !== undefined ? { l2 } : {}) });
    return (rows) => predictAssist(model, rows);
  },
});

/**
 * The starting model: every candidate of the 61 training fields (NILM-annotated -> healthy, other
 * classes -> unhealthy, unannotated -> --start-unannotated), so it never saw a held-out field.
 * With --start-units > 0 it has a hidden layer (hidden-layer.ts): measured on the held-out fields
 * (5 folds, 50 active labels), a linear start gave AUC 0.90 but recall@10% 41 % with unannotated
 * candidates left out (it never saw debris, so debris ranked as suspicious) and AUC 0.85 / 69 %
 * with them as healthy; 8 hidden units with them as rubbish gave AUC 0.90 / 69 %; 16 or 32 units
 * no better, nor the mean logits of 5 such models from other initial weights (AUC 0.896, 69 %).
 * Those were the measures alone (--measures-only); with the crop CNN's out-of-fold scores as three
 * more features the hidden layer no longer helps (the CNN brings the non-linearity): linear 0.941 / 88 %,
 * 4 units 0.927 / 84 %, 8 units 0.929 / 82 % (the same held-out ranking with the first crop CNN).
 */
function trainStartModel(train: Dataset, args: Args): AssistModel {
  const mode = args.startUnannotated;
  const rows = train.truth.map((t, i) => (t === 'none' && mode === 'exclude' ? -1 : i)).filter((i) => i >= 0);
  const labels = rows.map((i): CellClassName => {
    if (train.truth[i] === 'abnormal') return 'unhealthy';
    return train.truth[i] === 'none' && mode === 'rubbish' ? 'rubbish' : 'healthy';
  });
  const common = { reference: train.x, featureNames };
  if (args.startUnits > 0) return trainStartingModel(selectRows(train.x, rows), labels, { ...common, units: args.startUnits, l2: START_HIDDEN_L2, seed: SEED });
  return trainAssistModel(selectRows(train.x, rows), labels, { ...common, l2: START_L2 });
}

/** The crop model's own probabilities (the last three features), with no measures and no labels. */
function cropModelAlone(): ClassifierOption {
  const at = (name: string) => ASSIST_FEATURE_NAMES.indexOf(name as (typeof ASSIST_FEATURE_NAMES)[number]);
  const columns = { unhealthy: at('cropAbnormalLogP'), healthy: at('cropNilmLogP'), rubbish: at('cropOtherLogP') };
  return {
    name: 'crop model alone (0 labels)',
    needsTwoClasses: false,
    train: () => (rows) => {
      const values = new Float64Array(rows.rows * CELL_CLASS_NAMES.length);
      for (let r = 0; r < rows.rows; r++) {
        for (const [c, k] of Object.entries(columns)) values[r * CELL_CLASS_NAMES.length + CELL_CLASS_NAMES.indexOf(c as CellClassName)] = Math.exp(rows.data[r * rows.cols + k]!);
      }
      return { rows: rows.rows, values };
    },
  };
}

/** ml-random-forest, when installed (`npm i --no-save ml-random-forest`): the library option the choice was made against. */
async function forestOption(): Promise<ClassifierOption | null> {
  const pkg = 'ml-random-forest';
  let mod: { RandomForestClassifier: new (o: object) => { train(x: number[][], y: number[]): void; predictProbability(x: number[][], label: number): number[] } };
  try {
    mod = await import(pkg) as typeof mod;
  } catch {
    return null;
  }
  const rowsOf = (m: FeatureMatrix) => Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return {
    name: 'ml-random-forest (100 trees)',
    needsTwoClasses: true,
    train(x, labels) {
      const ids = labels.map((l) => CELL_CLASS_NAMES.indexOf(l));
      const present = [...new Set(ids)].sort();
      const forest = new mod.RandomForestClassifier({ seed: 3, maxFeatures: 0.5, replacement: true, nEstimators: 100, noOOB: true, useSampleBagging: true });
      forest.train(rowsOf(x), ids);
      return (rows) => {
        const values = new Float64Array(rows.rows * CELL_CLASS_NAMES.length);
        const list = rowsOf(rows);
        for (const k of present) forest.predictProbability(list, k).forEach((v, r) => { values[r * CELL_CLASS_NAMES.length + k] = v; });
        return { rows: rows.rows, values };
      };
    },
  };
}

// ---------------------------------------------------------------- simulation

function labelOf(t: Truth, un: Unannotated): CellClassName | null {
  if (t === 'abnormal') return 'unhealthy';
  if (t === 'nilm') return 'healthy';
  return un === 'exclude' ? null : un;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Which pool cells the simulated reader labels (pool in reading order). */
function chooseLabels(strategy: Strategy, pool: number[], budget: number, ds: Dataset, args: Args, option: ClassifierOption, rng: Rng): number[] {
  if (strategy === 'reading') return pool.slice(0, budget);
  if (strategy === 'random') return shuffled(pool, rng).slice(0, budget);
  // Active: reading order to start, then the least certain unlabelled pool cells after each retraining.
  const chosen = pool.slice(0, Math.min(ACTIVE_START, budget));
  const taken = new Set(chosen);
  while (chosen.length < budget && chosen.length < pool.length) {
    const labels = chosen.map((i) => labelOf(ds.truth[i]!, args.unannotated)!);
    const rest = pool.filter((i) => !taken.has(i));
    let next: number[];
    if (option.needsTwoClasses && new Set(labels).size < 2) {
      next = rest; // one class so far: no model yet, keep reading
    } else {
      const predict = option.train(selectRows(ds.x, chosen), labels, ds.x);
      next = leastCertainFirst(predict(selectRows(ds.x, rest))).map((k) => rest[k]!);
    }
    for (const i of next.slice(0, Math.min(ACTIVE_BATCH, budget - chosen.length))) { chosen.push(i); taken.add(i); }
  }
  return chosen;
}

interface KeyCounts {
  cells: number;
  plain: number;
  assisted: number;
  /** Suggestions that were right, among the cells confirmed in class galleries. */
  galleryCells: number;
  galleryWrong: number;
}

/**
 * Keypresses to label every test cell. Plain reading order: one class key per cell. Assisted:
 * cells suggested unhealthy are looked at one by one (one key each, accepted or corrected);
 * the others are confirmed in per-class galleries, GALLERY_PAGE tiles a page, surest first:
 * one key accepts a page, and each wrong suggestion on it costs two (move to the tile, type its class).
 */
function keypresses(p: ClassProbabilities, rows: number[], truthLabels: (CellClassName | null)[]): KeyCounts {
  const groups = suggestionsByClass(p);
  let assisted = 0;
  let galleryCells = 0;
  let galleryWrong = 0;
  for (const c of CELL_CLASS_NAMES) {
    const g = groups[c];
    if (c === 'unhealthy') { assisted += g.length; continue; }
    const wrong = g.filter((k) => truthLabels[rows[k]!] !== c).length;
    assisted += Math.ceil(g.length / GALLERY_PAGE) + 2 * wrong;
    galleryCells += g.length;
    galleryWrong += wrong;
  }
  return { cells: rows.length, plain: rows.length, assisted, galleryCells, galleryWrong };
}

interface ScreeningDraw {
  candidates: number;
  abnormal: number;
  recallTop10: number;
  foundTop5: number;
  recallTop5: number;
  /** Cells labelled one by one before 80 % of the abnormal cells are found: reading order vs most suspicious first. */
  keysTo80Reading: number;
  keysTo80Suspicious: number;
}

function keysToFind(order: number[], isAbnormal: (i: number) => boolean, total: number, share: number): number {
  const need = Math.ceil(share * total);
  let found = 0;
  for (let k = 0; k < order.length; k++) {
    if (isAbnormal(order[k]!)) found++;
    if (found >= need) return k + 1;
  }
  return order.length;
}

/** One fold at screening prevalence: every non-abnormal test candidate plus a random sample of the abnormal ones. */
function screeningDraw(testRows: number[], p: ClassProbabilities, ds: Dataset, rng: Rng): ScreeningDraw {
  const local = testRows.map((_, k) => k);
  const abnormal = local.filter((k) => ds.truth[testRows[k]!] === 'abnormal');
  const rest = local.filter((k) => ds.truth[testRows[k]!] !== 'abnormal');
  const want = Math.max(1, Math.round((SCREENING_PREVALENCE * rest.length) / (1 - SCREENING_PREVALENCE)));
  const sample = new Set(shuffled(abnormal, rng).slice(0, want));
  const kept = local.filter((k) => ds.truth[testRows[k]!] !== 'abnormal' || sample.has(k)); // reading order
  const suspicious = mostSuspiciousFirst(p, kept);
  const isAbn = (k: number) => sample.has(k);
  const top10 = recallInTop(suspicious, isAbn, 0.1);
  const top5 = recallInTop(suspicious, isAbn, 0.05);
  return {
    candidates: kept.length, abnormal: sample.size, recallTop10: top10.found / sample.size, foundTop5: top5.found, recallTop5: top5.found / sample.size,
    keysTo80Reading: keysToFind(kept, isAbn, sample.size, 0.8), keysTo80Suspicious: keysToFind(suspicious, isAbn, sample.size, 0.8),
  };
}

interface StrategyResult {
  classifier: string;
  strategy: Strategy;
  /** Mean of the per-fold AUCs (each fold scored by its own model), and their range. */
  auc: number;
  aucFoldMin: number;
  aucFoldMax: number;
  /** Out-of-fold scores of all folds pooled, per repeat: mixes the folds' models' calibrations, so lower. */
  pooledAucPerRepeat: number[];
  /** Means over folds, repeats and draws. */
  screening: { candidates: number; abnormal: number; recallTop10: number; recallTop5: number; foundTop5: number; keysTo80Reading: number; keysTo80Suspicious: number };
  keys: { cells: number; plain: number; assisted: number; savedShare: number; galleryWrongShare: number };
  labelsPerFold: Record<CellClassName, number>;
  trainPredictMsPerFold: number;
}

const mean = (v: readonly number[]) => (v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length);

function simulate(ds: Dataset, args: Args, option: ClassifierOption, strategy: Strategy): StrategyResult {
  const fields = [...new Set(ds.field)].filter((f) => f >= 0).sort((a, b) => a - b);
  const aucs: number[] = [];
  const foldAucs: number[] = [];
  const draws: ScreeningDraw[] = [];
  const keys: KeyCounts[] = [];
  const labelCounts = Object.fromEntries(CELL_CLASS_NAMES.map((c) => [c, 0])) as Record<CellClassName, number>;
  let ms = 0;
  const truthLabels = ds.truth.map((t) => labelOf(t, args.unannotated));
  for (let rep = 0; rep < args.repeats; rep++) {
    const rng = seededRng(SEED + rep);
    const order = shuffled(fields, rng);
    const oof = new Float64Array(ds.x.rows).fill(NaN);
    for (let fold = 0; fold < args.folds; fold++) {
      const testFields = new Set(order.filter((_, i) => i % args.folds === fold));
      const test: number[] = [];
      const pool: number[] = [];
      ds.field.forEach((f, i) => {
        if (f < 0) return;
        if (testFields.has(f)) test.push(i);
        else if (truthLabels[i] !== null) pool.push(i);
      });
      const t = performance.now();
      const chosen = chooseLabels(strategy, pool, args.labels, ds, args, option, rng);
      const labels = chosen.map((i) => truthLabels[i]!);
      for (const l of labels) labelCounts[l]++;
      let p: ClassProbabilities;
      if (option.needsTwoClasses && new Set(labels).size < 2) {
        // One class labelled: no model can be trained; every cell is suggested that class with p = 1.
        const values = new Float64Array(test.length * CELL_CLASS_NAMES.length);
        const k = CELL_CLASS_NAMES.indexOf(labels[0]!);
        for (let r = 0; r < test.length; r++) values[r * CELL_CLASS_NAMES.length + k] = 1;
        p = { rows: test.length, values };
      } else {
        p = option.train(selectRows(ds.x, chosen), labels, ds.x)(selectRows(ds.x, test));
      }
      ms += performance.now() - t;
      test.forEach((i, r) => { oof[i] = p.values[r * CELL_CLASS_NAMES.length + CELL_CLASS_NAMES.indexOf('unhealthy')]!; });
      const scored = test.filter((i) => ds.truth[i] !== 'none');
      const foldAuc = rocAuc(scored.map((i) => oof[i]!), scored.map((i) => ds.truth[i] === 'abnormal'));
      if (foldAuc !== null) foldAucs.push(foldAuc);
      for (let d = 0; d < SCREENING_DRAWS; d++) draws.push(screeningDraw(test, p, ds, rng));
      keys.push(keypresses(p, test, truthLabels));
    }
    const annotated = ds.truth.map((t, i) => (t !== 'none' && !Number.isNaN(oof[i]!) ? i : -1)).filter((i) => i >= 0);
    aucs.push(rocAuc(annotated.map((i) => oof[i]!), annotated.map((i) => ds.truth[i] === 'abnormal')) ?? NaN);
  }
  const foldRuns = args.repeats * args.folds;
  const sum = (f: (k: KeyCounts) => number) => keys.reduce((a, k) => a + f(k), 0);
  return {
    classifier: option.name, strategy, auc: mean(foldAucs), aucFoldMin: Math.min(...foldAucs), aucFoldMax: Math.max(...foldAucs),
    pooledAucPerRepeat: aucs.map((a) => +a.toFixed(4)),
    screening: {
      candidates: mean(draws.map((d) => d.candidates)), abnormal: mean(draws.map((d) => d.abnormal)), recallTop10: mean(draws.map((d) => d.recallTop10)),
      recallTop5: mean(draws.map((d) => d.recallTop5)), foundTop5: mean(draws.map((d) => d.foundTop5)),
      keysTo80Reading: mean(draws.map((d) => d.keysTo80Reading)), keysTo80Suspicious: mean(draws.map((d) => d.keysTo80Suspicious)),
    },
    keys: {
      cells: sum((k) => k.cells) / foldRuns, plain: sum((k) => k.plain) / foldRuns, assisted: sum((k) => k.assisted) / foldRuns,
      savedShare: 1 - sum((k) => k.assisted) / sum((k) => k.plain), galleryWrongShare: sum((k) => k.galleryWrong) / Math.max(1, sum((k) => k.galleryCells)),
    },
    labelsPerFold: Object.fromEntries(CELL_CLASS_NAMES.map((c) => [c, labelCounts[c] / foldRuns])) as Record<CellClassName, number>,
    trainPredictMsPerFold: ms / foldRuns,
  };
}

// ---------------------------------------------------------------- speed on 100k synthetic cells

interface SpeedResult { classifier: string; trainRows: number; predictRows: number; trainMs: number; predictMs: number; totalMs: number }

/** Class-dependent Gaussian features in the real vectors' width (seeded). */
function syntheticSet(rows: number, rng: Rng): { x: FeatureMatrix; labels: CellClassName[] } {
  const cols = featureNames.length;
  const centres = CELL_CLASS_NAMES.map(() => Array.from({ length: cols }, () => rng.normal()));
  const data = new Float64Array(rows * cols);
  const labels: CellClassName[] = [];
  for (let r = 0; r < rows; r++) {
    const k = rng.int(0, CELL_CLASS_NAMES.length - 1);
    labels.push(CELL_CLASS_NAMES[k]!);
    for (let c = 0; c < cols; c++) data[r * cols + c] = centres[k]![c]! + 1.5 * rng.normal();
  }
  return { x: { rows, cols, data }, labels };
}

function timeOption(option: ClassifierOption, trainRows: number, all: { x: FeatureMatrix; labels: CellClassName[] }): SpeedResult {
  const idx = Array.from({ length: trainRows }, (_, i) => i);
  const xt = selectRows(all.x, idx);
  const t0 = performance.now();
  const predict = option.train(xt, all.labels.slice(0, trainRows), all.x);
  const t1 = performance.now();
  predict(all.x);
  const t2 = performance.now();
  return { classifier: option.name, trainRows, predictRows: all.x.rows, trainMs: t1 - t0, predictMs: t2 - t1, totalMs: t2 - t0 };
}

// ---------------------------------------------------------------- report

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');
const pctS = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');

async function main(): Promise<void> {
  const args = parseCliArgs();
  let startInfo: { slide: string; fields: number; annotated: number; labelCounts: Record<CellClassName, number>; seconds: number } | null = null;
  const load0 = loadavg();
  console.log(`assist bench: ${args.labels} labels per slide, ${args.folds}-fold CV over fields x ${args.repeats}, mpp ${args.mpp}, ${args.segmenter}; load ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  const t = performance.now();
  featureNames = args.measuresOnly ? CELL_FEATURE_NAMES : ASSIST_FEATURE_NAMES;
  const ds = withColumns(await loadAssistDataset({ ...args, cropOutOfFold: null }, 'heldout'), featureNames.length);
  const count = (t0: Truth) => ds.truth.filter((t1) => t1 === t0).length;
  console.log(`slide ${ds.slide.key}: ${ds.slide.fields.length} fields, ${ds.cells.length} candidates (${count('abnormal')} on abnormal points, ${count('nilm')} on NILM points, `
    + `${count('none')} on none; ${ds.slide.points.length} points); ingest ${ds.ingest.cached ? 'cached' : `${((ds.ingest.wallMs ?? 0) / 1000).toFixed(1)} s`}; `
    + `features ${ds.featureUs.mean.toFixed(0)} us/cell (p95 ${ds.featureUs.p95.toFixed(0)}); ${((performance.now() - t) / 1000).toFixed(1)} s`);
  console.log(`truth: ${UNANNOTATED_NOTE[args.unannotated]}`);

  const options: ClassifierOption[] = [softmax('softmax regression (balanced)', true), softmax('softmax regression (unweighted)', false)];
  if (args.start) {
    const t1 = performance.now();
    if (args.writeStart && !args.measuresOnly && !existsSync(args.cropOof)) {
      throw new Error(`--write-start needs the crop model's out-of-fold scores ${args.cropOof} (models/README.md: train_crop_model.py --folds 3)`);
    }
    const train = withColumns(await loadAssistDataset({ ...args, cropOutOfFold: args.cropOof }, 'train'), featureNames.length);
    startCropScores = `starting model learnt from ${train.cropScores === 'out of fold' ? 'out-of-fold crop scores' : 'the crop model\'s own scores on its training fields (no out-of-fold file)'}`;
    const start = trainStartModel(train, args);
    startInfo = { slide: train.slide.key, fields: train.slide.fields.length, annotated: train.truth.filter((v) => v !== 'none').length, labelCounts: start.labelCounts, seconds: (performance.now() - t1) / 1000 };
    console.log(`starting model: ${train.slide.fields.length} training fields, ${startInfo.annotated} annotated candidates (${start.labelCounts.unhealthy} unhealthy), ${startInfo.seconds.toFixed(1)} s`);
    if (args.writeStart) {
      // The app's starting model (models/assist/): learnt only from the training fields, never a held-out one.
      const card = {
        summary: 'Starting model of the in-app assist classifier: NILM-annotated cells -> healthy, other Bethesda classes -> unhealthy, '
          + `candidates on no annotated nucleus -> ${args.startUnannotated === 'exclude' ? 'left out' : args.startUnannotated}`
          + (args.startUnits > 0 ? `; ${args.startUnits} hidden ReLU units (refitted on a reader's labels: the softmax only)` : '; softmax regression'),
        features: `${featureNames.length}: the measures of src-main/assist/cell-features.ts`
          + (args.measuresOnly ? '' : ` and the crop model's log-probabilities (models/classifiers/cric-crop-cnn; ${startCropScores})`),
        trainingData: `CRIC Cervix (CC BY 4.0), the ${train.slide.fields.length} CRICVA development fields not held out (models/training/cricva-heldout.json); `
          + `${startInfo.annotated} annotated candidates of ${train.truth.length}`,
        limits: 'CRIC marks abnormal cells and some normal ones: unannotated candidates (debris, inflammatory cells, unmarked normal and overlapping cells) are one class here, '
          + 'so its rubbish suggestions include some normal cells; one lab, one camera (conventional Pap); features of this version of the pipeline',
        credit: 'CRIC Cervix (Center for Recognition and Inspection of Cells, UFOP): Rezende MT et al., Scientific Data 8, 151 (2021), doi:10.1038/s41597-021-00933-8; data doi:10.6084/m9.figshare.c.4960286, CC BY 4.0 (the 1,280 px CRICVA copies)',
        scale: `features at ${args.mpp} um/px, ${args.segmenter} candidates`,
        notFor: 'diagnosis: it suggests, the reader decides',
      };
      writeFileSync(args.writeStart, `${JSON.stringify({ card, model: start }, null, 1)}\n`);
      console.log(`starting model written to ${args.writeStart}`);
    }
    options.push({ name: 'starting model alone (0 labels)', needsTwoClasses: false, train: () => (rows) => predictAssist(start, rows) });
    for (const l2 of args.startL2) options.push(softmax(`start + softmax (l2 ${l2})`, true, start, l2));
  }
  if (!args.measuresOnly) options.push(cropModelAlone());
  const forest = args.forest ? await forestOption() : null;
  if (args.forest && !forest) console.log('--forest: ml-random-forest is not installed (npm i --no-save ml-random-forest); skipped');
  if (forest) options.push(forest);

  const results: StrategyResult[] = [];
  console.log('\nclassifier                       labels   AUC    (fold range; pooled per repeat)               rec@10%  rec@5%  found@5%  keys to 80% read/susp  keys saved  wrong in galleries  labels h/r/u  ms/fold');
  for (const option of options) {
    for (const strategy of STRATEGIES) {
      const r = simulate(ds, args, option, strategy);
      results.push(r);
      const s = r.screening;
      console.log(`${option.name.padEnd(32)} ${strategy.padEnd(8)} ${f3(r.auc)}  (${f3(r.aucFoldMin)}-${f3(r.aucFoldMax)}; pooled ${r.pooledAucPerRepeat.map(f3).join(' ')})`.padEnd(88)
        + `${pctS(s.recallTop10).padStart(7)}  ${pctS(s.recallTop5).padStart(6)}  ${s.foundTop5.toFixed(1).padStart(4)}/${s.abnormal.toFixed(1)}  `
        + `${s.keysTo80Reading.toFixed(0).padStart(6)}/${s.keysTo80Suspicious.toFixed(0).padEnd(6)} of ${s.candidates.toFixed(0)}  ${pctS(r.keys.savedShare).padStart(8)}  ${pctS(r.keys.galleryWrongShare).padStart(10)}  `
        + `${[r.labelsPerFold.healthy, r.labelsPerFold.rubbish, r.labelsPerFold.unhealthy].map((v) => v.toFixed(1)).join('/').padStart(14)}  ${r.trainPredictMsPerFold.toFixed(0).padStart(6)}`);
    }
  }

  const rng = seededRng(SEED);
  const synthetic = syntheticSet(SYNTHETIC_ROWS, rng);
  const speed: SpeedResult[] = [];
  // The app's classifier: the starting model refitted on the labels (run-assist.ts: l2 = 500 / labels, so 10 at 50), or labels alone without one.
  const appOption = options.find((o) => o.name.startsWith('start + ')) ?? options[0]!;
  for (const option of options) {
    // Synthetic vectors are not what a starting model learnt from, but the time to fit its last layer on them is the time it takes.
    const sizes = options.indexOf(option) < 2 || option === appOption ? [1000, SYNTHETIC_ROWS] : [1000];
    for (const n of sizes) speed.push(timeOption(option, n, synthetic));
  }
  console.log(`\ntrain + predict on ${SYNTHETIC_ROWS.toLocaleString('en')} synthetic ${featureNames.length}-feature vectors (4 classes):`);
  for (const s of speed) console.log(`  ${s.classifier.padEnd(32)} train on ${String(s.trainRows).padStart(6)}: ${s.trainMs.toFixed(0).padStart(6)} ms, predict ${s.predictRows}: ${s.predictMs.toFixed(0).padStart(5)} ms, total ${(s.totalMs / 1000).toFixed(2)} s`);

  const headline = results.find((r) => r.classifier === appOption.name && r.strategy === HEADLINE)!;
  const labelsOnly = results.find((r) => r.classifier === options[0]!.name && r.strategy === HEADLINE)!;
  if (labelsOnly !== headline) {
    console.log(`from the labels alone (${labelsOnly.classifier}, ${HEADLINE}): AUC ${f3(labelsOnly.auc)}, recall@10% ${pctS(labelsOnly.screening.recallTop10)}, `
      + `${labelsOnly.screening.foundTop5.toFixed(1)} of ${labelsOnly.screening.abnormal.toFixed(1)} in the first 5%, keys saved ${pctS(labelsOnly.keys.savedShare)}`);
  }
  const fullSpeed = speed.find((s) => s.classifier === appOption.name && s.trainRows === SYNTHETIC_ROWS)!;
  const targets = {
    aucAtLeast090: headline.auc >= 0.9, recallTop10AtLeast080: headline.screening.recallTop10 >= 0.8, trainPredict100kUnder5s: fullSpeed.totalMs < 5000,
  };
  console.log(`\nheadline (the app's classifier: ${headline.classifier}, ${HEADLINE} labelling): AUC ${f3(headline.auc)} (target 0.90: ${targets.aucAtLeast090 ? 'met' : 'NOT met'}), `
    + `recall@10% ${pctS(headline.screening.recallTop10)} (target 80%: ${targets.recallTop10AtLeast080 ? 'met' : 'NOT met'}), `
    + `${headline.screening.foundTop5.toFixed(1)} of ${headline.screening.abnormal.toFixed(1)} abnormal in the first 5%, keys saved ${pctS(headline.keys.savedShare)}, `
    + `train on 100k + predict 100k ${(fullSpeed.totalMs / 1000).toFixed(2)} s (target < 5 s: ${targets.trainPredict100kUnder5s ? 'met' : 'NOT met'})`);

  const report = {
    when: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavgAtStart: load0, loadavgAtEnd: loadavg(), args,
    slide: { key: ds.slide.key, fields: ds.slide.fields.length, points: ds.slide.points.length, candidates: ds.cells.length },
    startingModel: startInfo,
    ingest: ds.ingest,
    truth: {
      abnormal: count('abnormal'), nilm: count('nilm'), none: count('none'),
      matching: `a candidate is on an annotated point when the point lies within its nucleus's equivalent radius + ${MATCH_SLACK_UM} um (at least ${MATCH_MIN_UM} um) of its nucleus centroid; one point per candidate, nearest pairs first`,
      mapping: 'NILM -> healthy, ASC-US / LSIL / ASC-H / HSIL / SCC -> unhealthy',
      unannotated: UNANNOTATED_NOTE[args.unannotated],
    },
    features: { count: featureNames.length, names: featureNames, usPerCell: ds.featureUs, cropScores: args.measuresOnly ? 'left out' : `crop model (held out); ${startCropScores}` },
    protocol: {
      crossValidation: `${args.folds} folds over the ${ds.slide.fields.length} fields, repeated ${args.repeats} times with seeds ${SEED}..${SEED + args.repeats - 1}; labels only from the other folds' fields, every figure on the held-out fold`,
      strategies: {
        reading: `the first ${args.labels} candidates of the training folds in reading order`,
        random: `${args.labels} random candidates of the training folds`,
        active: `least-certain-first active learning: ${ACTIVE_START} in reading order, then ${ACTIVE_BATCH} at a time by smallest margin of the model retrained on the labels so far`,
      },
      auc: 'ROC AUC of p(unhealthy), abnormal-annotated vs NILM-annotated candidates of each held-out fold, scored by that fold\'s model; mean over folds and repeats (pooled out-of-fold AUC also given)',
      screening: `per fold: every non-abnormal candidate plus a random sample of the abnormal ones making ${100 * SCREENING_PREVALENCE}% of the candidates, ${SCREENING_DRAWS} draws; `
        + 'recall = abnormal cells in the first 10% (5%) of the most-suspicious-first gallery / abnormal cells; keys to 80% = cells labelled one by one before 80% of the abnormal cells are found',
      keypresses: `every held-out candidate labelled. Plain: one class key per cell in reading order. Assisted: cells suggested unhealthy one by one (one key each); the others in per-class galleries of ${GALLERY_PAGE}, `
        + 'surest first, one key to accept a page and two per wrong suggestion (move to it, type its class). Saved = 1 - assisted / plain',
    },
    results,
    speed: { rows: SYNTHETIC_ROWS, features: featureNames.length, results: speed },
    labelsOnly: { classifier: labelsOnly.classifier, strategy: HEADLINE, auc: labelsOnly.auc, recallTop10: labelsOnly.screening.recallTop10, foundTop5: labelsOnly.screening.foundTop5, keysSavedShare: labelsOnly.keys.savedShare },
    headline: { classifier: headline.classifier, strategy: HEADLINE, auc: headline.auc, recallTop10: headline.screening.recallTop10, foundTop5: headline.screening.foundTop5, abnormalPerScreeningSlide: headline.screening.abnormal, keysSavedShare: headline.keys.savedShare, trainPredict100kMs: fullSpeed.totalMs, targets },
  };
  const dir = join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'assist.json');
  writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nwritten ${file}`);
}

await main();
