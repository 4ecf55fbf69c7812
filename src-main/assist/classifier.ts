// The assist classifier: learns the reader's own labels (any of the four
// APACC classes, often only two or three of them) from cell feature vectors
// and gives every cell a probability per class. Multinomial logistic
// regression on robustly scaled features (feature-scaling.ts, logistic-
// regression.ts): chosen over random forests by `npm run bench:assist`, which
// keeps the comparison (as good or better AUC from 50 labels, and a forest
// from ml-random-forest takes tens of seconds where this takes one).
// A starting model may carry a hidden layer (hidden-layer.ts, learnt offline):
// the reader's labels then refit the softmax on its units, still convex.
// The model is plain JSON (AssistModel) so it can be trained in a worker,
// stored with the suggestions it made, and checked when read back.
// Pure: no I/O, deterministic (no random draws at all: same labels, same model).
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import type { CellClassName } from '../domain/cell-class.ts';
import { checkFeatureMatrix } from './feature-matrix.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { applyScaling, fitScaling } from './feature-scaling.ts';
import type { FeatureScaling } from './feature-scaling.ts';
import { fitHiddenSoftmax, hiddenActivations } from './hidden-layer.ts';
import type { HiddenLayer } from './hidden-layer.ts';
import { fitSoftmax, predictSoftmax } from './logistic-regression.ts';
import { seededRng } from '../domain/random.ts';

export const ASSIST_MODEL_FORMAT = 'smearlab-assist-model';
export const ASSIST_MODEL_VERSION = 1;

export interface AssistModel {
  format: typeof ASSIST_MODEL_FORMAT;
  version: typeof ASSIST_MODEL_VERSION;
  kind: 'softmax-regression';
  /** Classes the labels held, in APACC order: the model's rows. */
  classes: CellClassName[];
  /** Names of the features, when the trainer gave them (checked against the vectors' width). */
  featureNames: string[] | null;
  features: number;
  scaling: FeatureScaling;
  /**
   * A hidden layer of ReLU units on the scaled features (a starting model's, hidden-layer.ts), or
   * null/absent: the softmax reads the scaled features directly.
   */
  hidden?: HiddenLayer | null;
  /** classes x (inputs + 1), row-major, bias last; inputs = hidden units, or features without them. */
  weights: number[];
  l2: number;
  /** Labels per class it was trained on. */
  labelCounts: Record<CellClassName, number>;
  iterations: number;
}

export interface TrainOptions {
  /**
   * L2 penalty; default min(1, 50 / labels): strong with a few dozen labels, light with thousands
   * (tuned on the 61 CRICVA training fields). With a starting model: 50 / labels, uncapped.
   */
  l2?: number;
  /** Weigh each class by labels / (classes x its labels), so 5 unhealthy among 50 count as much as 45 healthy. Default true. */
  balanced?: boolean;
  maxIterations?: number;
  /**
   * Rows to fit the feature scaling on; default the training rows. Give every cell of the slide:
   * the scaling then describes the smear, not the few cells labelled so far.
   */
  reference?: FeatureMatrix;
  featureNames?: readonly string[];
  /**
   * A starting model (e.g. one learnt from public annotated smears) that the labels adjust: the
   * new model keeps its feature scaling, knows its classes even before they are labelled, and the
   * penalty pulls towards its weights instead of towards 0. `reference` is then not used.
   */
  start?: AssistModel;
}

/** Probabilities of the four classes per cell: rows x 4, row-major, CELL_CLASS_NAMES order; classes the model never saw are 0. */
export interface ClassProbabilities {
  rows: number;
  values: Float64Array;
}

/** Labels at or below which the default penalty is at its strongest (1). */
const L2_FULL_STRENGTH_LABELS = 50;
const DEFAULT_MAX_ITERATIONS = 200;

function fail(message: string): never {
  throw new RangeError(`assist classifier: ${message}`);
}

function classIndex(name: string): number {
  const i = (CELL_CLASS_NAMES as readonly string[]).indexOf(name);
  return i;
}

export function defaultL2(labels: number): number {
  return Math.min(1, L2_FULL_STRENGTH_LABELS / Math.max(1, labels));
}

export function trainAssistModel(x: FeatureMatrix, labels: readonly string[], options: TrainOptions = {}): AssistModel {
  checkFeatureMatrix(x);
  if (labels.length === 0 || x.rows === 0) fail('no labelled cells to learn from');
  if (labels.length !== x.rows) fail(`${labels.length} labels for ${x.rows} feature vectors`);
  if (x.cols === 0) fail('feature vectors are empty');
  if (options.featureNames && options.featureNames.length !== x.cols) fail(`${options.featureNames.length} feature names for ${x.cols} features`);
  const apacc = labels.map((l, i) => {
    const k = classIndex(l);
    if (k < 0) fail(`label ${i} is "${l}", not one of ${CELL_CLASS_NAMES.join(', ')}`);
    return k;
  });
  const start = options.start ? checkAssistModel(options.start) : null;
  if (start && start.features !== x.cols) fail(`the starting model has ${start.features} features, the vectors ${x.cols}`);
  const startClasses = new Set((start?.classes ?? []).map(classIndex));
  const present = CELL_CLASS_NAMES.map((_, k) => k).filter((k) => apacc.includes(k) || startClasses.has(k));
  if (present.length < 2) fail(`labels hold one class only (${CELL_CLASS_NAMES[present[0]!]}): at least two are needed to tell them apart`);
  const y = Int32Array.from(apacc, (k) => present.indexOf(k));
  const counts = present.map((_, j) => y.reduce((n, v) => n + (v === j ? 1 : 0), 0));
  // A starting model weighs as much as L2_FULL_STRENGTH_LABELS labels: three labels nudge it, thousands replace it.
  const l2 = options.l2 ?? (start ? L2_FULL_STRENGTH_LABELS / labels.length : defaultL2(labels.length));
  if (!(Number.isFinite(l2) && l2 >= 0)) fail(`l2 must be a number >= 0, got ${l2}`);
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) fail(`maxIterations must be a whole number >= 1, got ${maxIterations}`);
  let scaling: FeatureScaling;
  let anchor: Float64Array | null = null;
  if (start) {
    scaling = start.scaling;
    // The starting model's rows, placed at this model's classes; a class it never knew starts at 0.
    const stride = (start.hidden?.units ?? x.cols) + 1;
    anchor = new Float64Array(present.length * stride);
    present.forEach((k, j) => {
      const from = start.classes.indexOf(CELL_CLASS_NAMES[k]!);
      if (from >= 0) anchor!.set(start.weights.slice(from * stride, (from + 1) * stride), j * stride);
    });
  } else {
    const reference = options.reference ?? x;
    if (options.reference) checkFeatureMatrix(options.reference, x.cols);
    if (reference.rows === 0) fail('the reference for the feature scaling has no rows');
    scaling = fitScaling(reference);
  }
  const balanced = options.balanced ?? true;
  const labelled = counts.filter((c) => c > 0).length;
  const classWeights = balanced ? counts.map((c) => (c > 0 ? labels.length / (labelled * c) : 0)) : null;
  const hidden = start?.hidden ?? null;
  const scaled = applyScaling(x, scaling);
  // With a starting model's hidden layer, its units are fixed features: only the softmax is refitted.
  const inputs = hidden ? hiddenActivations(hidden, scaled) : scaled;
  const fit = fitSoftmax(inputs, y, present.length, { l2, maxIterations, classWeights, anchor });
  const labelCounts = Object.fromEntries(CELL_CLASS_NAMES.map((c) => [c, 0])) as Record<CellClassName, number>;
  present.forEach((k, j) => { labelCounts[CELL_CLASS_NAMES[k]!] = counts[j]!; });
  return {
    format: ASSIST_MODEL_FORMAT, version: ASSIST_MODEL_VERSION, kind: 'softmax-regression',
    classes: present.map((k) => CELL_CLASS_NAMES[k]!), featureNames: options.featureNames ? [...options.featureNames] : null,
    features: x.cols, scaling, hidden, weights: fit.weights, l2, labelCounts, iterations: fit.iterations,
  };
}

export interface StartingModelOptions {
  /** Hidden ReLU units (at least 1; a model without them comes from trainAssistModel). */
  units: number;
  l2: number;
  /** Rows to fit the feature scaling on (default the training rows). */
  reference?: FeatureMatrix;
  featureNames?: readonly string[];
  balanced?: boolean;
  maxIterations?: number;
  /** Seed of the hidden layer's initial weights. */
  seed?: number;
}

/**
 * A starting model with a hidden layer, learnt offline from many annotated cells (not in the app:
 * the fit is not convex and takes seconds to minutes). The app's trainAssistModel keeps its hidden
 * layer and refits only the softmax on the reader's labels.
 */
export function trainStartingModel(x: FeatureMatrix, labels: readonly string[], options: StartingModelOptions): AssistModel {
  if (!(Number.isInteger(options.units) && options.units >= 1)) fail(`units must be a whole number >= 1, got ${options.units}`);
  const base = trainAssistModel(x, labels, {
    l2: options.l2, featureNames: options.featureNames, balanced: options.balanced,
    ...(options.reference ? { reference: options.reference } : {}),
  });
  const y = Int32Array.from(labels, (l) => base.classes.indexOf(l as CellClassName));
  const counts = base.classes.map((_, j) => y.reduce((n, v) => n + (v === j ? 1 : 0), 0));
  const classWeights = (options.balanced ?? true) ? counts.map((c) => labels.length / (base.classes.length * c)) : null;
  const fit = fitHiddenSoftmax(applyScaling(x, base.scaling), y, base.classes.length, {
    units: options.units, l2: options.l2, maxIterations: options.maxIterations ?? 500, classWeights, rng: seededRng(options.seed ?? 1),
  });
  return { ...base, hidden: fit.hidden, weights: fit.output, iterations: fit.iterations };
}

/** Class probabilities of every row; refuses vectors of another width or with values that are not finite. */
export function predictAssist(model: AssistModel, x: FeatureMatrix): ClassProbabilities {
  checkFeatureMatrix(x, model.features);
  const k = model.classes.length;
  const scaled = applyScaling(x, model.scaling);
  const inputs = model.hidden ? hiddenActivations(model.hidden, scaled) : scaled;
  const p = predictSoftmax({ classes: k, features: inputs.cols, weights: model.weights }, inputs);
  const values = new Float64Array(x.rows * CELL_CLASS_NAMES.length);
  const slot = model.classes.map(classIndex);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < k; j++) values[r * CELL_CLASS_NAMES.length + slot[j]!] = p[r * k + j]!;
  }
  return { rows: x.rows, values };
}

/** A model read back from JSON, checked field by field before any prediction trusts it. */
export function checkAssistModel(value: unknown): AssistModel {
  const m = value as Partial<AssistModel> | null;
  if (!m || typeof m !== 'object') fail('model is not an object');
  if (m.format !== ASSIST_MODEL_FORMAT || m.version !== ASSIST_MODEL_VERSION || m.kind !== 'softmax-regression') {
    fail(`not a ${ASSIST_MODEL_FORMAT} v${ASSIST_MODEL_VERSION} softmax-regression model`);
  }
  const f = m.features;
  if (!(Number.isInteger(f) && f! > 0)) fail('features must be a whole number > 0');
  const classes = m.classes;
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => classIndex(c) < 0) || new Set(classes).size !== classes.length) {
    fail('classes must be two or more distinct APACC class names');
  }
  const numbers = (a: unknown, n: number, what: string) => {
    if (!Array.isArray(a) || a.length !== n || a.some((v) => typeof v !== 'number' || !Number.isFinite(v))) fail(`${what} must be ${n} finite numbers`);
  };
  const hidden = m.hidden ?? null;
  if (hidden !== null) {
    if (typeof hidden !== 'object' || !(Number.isInteger(hidden.units) && hidden.units >= 1)) fail('hidden.units must be a whole number >= 1');
    numbers(hidden.weights, hidden.units * (f! + 1), 'hidden.weights');
  }
  numbers(m.weights, classes.length * ((hidden?.units ?? f!) + 1), 'weights');
  numbers(m.scaling?.centre, f!, 'scaling.centre');
  numbers(m.scaling?.scale, f!, 'scaling.scale');
  if (m.scaling!.scale.some((s) => !(s > 0))) fail('scaling.scale must be > 0');
  if (m.featureNames !== null && (!Array.isArray(m.featureNames) || m.featureNames.length !== f)) fail(`featureNames must be null or ${f} names`);
  return m as AssistModel;
}
