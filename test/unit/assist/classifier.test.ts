// The assist classifier on synthetic feature vectors: learns a separable set,
// gives probabilities that sum to 1, repeats itself exactly, survives a JSON
// round trip, adapts a starting model, and refuses bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAssistModel, predictAssist, trainAssistModel } from '../../../src-main/assist/classifier.ts';
import { featureMatrix } from '../../../src-main/assist/feature-matrix.ts';
import type { FeatureMatrix } from '../../../src-main/assist/feature-matrix.ts';
import { rocAuc } from '../../../src-main/assist/metrics.ts';
import { CELL_CLASS_NAMES } from '../../../src-main/domain/cell-class.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import { seededRng } from '../../../src-main/domain/random.ts';

const CENTRES: Partial<Record<CellClassName, number[]>> = { healthy: [0, 0, 0], rubbish: [4, 0, -2], unhealthy: [0, 4, 2] };

function blobs(perClass: number, seed: number, classes: CellClassName[] = ['healthy', 'rubbish', 'unhealthy'], spread = 0.8): { x: FeatureMatrix; labels: CellClassName[] } {
  const rng = seededRng(seed);
  const rows: number[][] = [];
  const labels: CellClassName[] = [];
  for (let i = 0; i < perClass; i++) {
    for (const c of classes) {
      // The fourth feature is noise on another scale: scaling must keep it from swamping the rest.
      rows.push([...CENTRES[c]!.map((m) => m + spread * rng.normal()), 1000 * rng.normal()]);
      labels.push(c);
    }
  }
  return { x: featureMatrix(rows), labels };
}

const K = CELL_CLASS_NAMES.length;
const argmax = (v: Float64Array, r: number) => { let b = 0; for (let k = 1; k < K; k++) if (v[r * K + k]! > v[r * K + b]!) b = k; return CELL_CLASS_NAMES[b]; };

test('separates a separable three-class set it never saw; probabilities sum to 1, unseen classes get 0', () => {
  const train = blobs(20, 1);
  const held = blobs(100, 2);
  // A light penalty on clean data; the default (strong for 60 labels, see defaultL2) is checked below.
  const model = trainAssistModel(train.x, train.labels, { l2: 0.01 });
  assert.deepEqual(model.classes, ['healthy', 'rubbish', 'unhealthy']);
  assert.deepEqual(model.labelCounts, { healthy: 20, rubbish: 20, unhealthy: 20, bothcells: 0 });
  const p = predictAssist(model, held.x);
  assert.equal(p.rows, held.x.rows);
  let right = 0;
  for (let r = 0; r < p.rows; r++) {
    let sum = 0;
    for (let k = 0; k < K; k++) { const v = p.values[r * K + k]!; assert.ok(v >= 0 && v <= 1); sum += v; }
    assert.ok(Math.abs(sum - 1) < 1e-12, `row ${r} sums to ${sum}`);
    assert.equal(p.values[r * K + CELL_CLASS_NAMES.indexOf('bothcells')], 0);
    if (argmax(p.values, r) === held.labels[r]) right++;
  }
  assert.ok(right / p.rows > 0.97, `accuracy ${(right / p.rows).toFixed(3)}`);
  const u = CELL_CLASS_NAMES.indexOf('unhealthy');
  const auc = rocAuc(Array.from({ length: p.rows }, (_, r) => p.values[r * K + u]!), held.labels.map((l) => l === 'unhealthy'));
  assert.ok(auc !== null && auc > 0.99, `AUC ${auc}`);
  const byDefault = predictAssist(trainAssistModel(train.x, train.labels), held.x);
  const rightByDefault = held.labels.filter((l, r) => argmax(byDefault.values, r) === l).length;
  assert.ok(rightByDefault / held.x.rows > 0.93, `default penalty: accuracy ${(rightByDefault / held.x.rows).toFixed(3)}`);
});

test('the same labels give the same model, bit for bit; a JSON round trip predicts the same', () => {
  const { x, labels } = blobs(15, 3);
  const a = trainAssistModel(x, labels);
  const b = trainAssistModel(x, labels);
  assert.deepEqual(a, b);
  const back = checkAssistModel(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(Array.from(predictAssist(back, x).values), Array.from(predictAssist(a, x).values));
  const other = trainAssistModel(x, labels.map((l, i) => (i === 0 ? 'unhealthy' : l)));
  assert.notDeepEqual(other.weights, a.weights, 'a changed label changes the model');
});

test('two classes are enough; a heavier penalty makes a less confident model', () => {
  const { x, labels } = blobs(10, 4, ['healthy', 'unhealthy'], 1.5);
  const light = trainAssistModel(x, labels, { l2: 0.001 });
  const heavy = trainAssistModel(x, labels, { l2: 10 });
  assert.deepEqual(light.classes, ['healthy', 'unhealthy']);
  const conf = (m: typeof light) => { const p = predictAssist(m, x); let s = 0; for (let r = 0; r < p.rows; r++) s += Math.max(...p.values.subarray(r * K, r * K + K)); return s / p.rows; };
  assert.ok(conf(heavy) < conf(light) - 0.05, `heavy ${conf(heavy)} vs light ${conf(light)}`);
});

test('a starting model knows its classes before they are labelled, and labels move it', () => {
  const base = blobs(30, 5);
  const start = trainAssistModel(base.x, base.labels);
  const few = blobs(3, 6, ['healthy']);
  const adapted = trainAssistModel(few.x, few.labels, { start });
  assert.deepEqual(adapted.classes, ['healthy', 'rubbish', 'unhealthy']);
  assert.deepEqual(adapted.scaling, start.scaling);
  const held = blobs(50, 7);
  const p = predictAssist(adapted, held.x);
  let right = 0;
  for (let r = 0; r < p.rows; r++) if (argmax(p.values, r) === held.labels[r]) right++;
  assert.ok(right / p.rows > 0.9, `the start's knowledge survives three healthy labels: ${(right / p.rows).toFixed(3)}`);
  assert.notDeepEqual(adapted.weights, start.weights);
  assert.throws(() => trainAssistModel(featureMatrix([[1, 2]]), ['healthy'], { start }), /starting model has 4 features, the vectors 2/);
});

test('bad input is refused with clear RangeErrors', () => {
  const { x, labels } = blobs(5, 8);
  assert.throws(() => trainAssistModel(x, []), (e: unknown) => e instanceof RangeError && /no labelled cells|labels for/.test(e.message));
  assert.throws(() => trainAssistModel(x, labels.slice(1)), (e: unknown) => e instanceof RangeError && /14 labels for 15 feature vectors/.test(e.message));
  assert.throws(() => trainAssistModel(x, labels.map(() => 'healthy')), (e: unknown) => e instanceof RangeError && /one class only \(healthy\)/.test(e.message));
  assert.throws(() => trainAssistModel(x, labels.map((l, i) => (i === 2 ? 'abnormal' : l))), (e: unknown) => e instanceof RangeError && /label 2 is "abnormal"/.test(e.message));
  const nan = { ...x, data: x.data.slice() };
  nan.data[2 * x.cols + 1] = Number.NaN;
  assert.throws(() => trainAssistModel(nan, labels), (e: unknown) => e instanceof RangeError && /row 2, feature 1 is NaN/.test(e.message));
  const model = trainAssistModel(x, labels);
  assert.throws(() => predictAssist(model, nan), (e: unknown) => e instanceof RangeError && /row 2, feature 1 is NaN/.test(e.message));
  assert.throws(() => predictAssist(model, featureMatrix([[1, 2, 3]])), (e: unknown) => e instanceof RangeError && /3 features per row, the model expects 4/.test(e.message));
  assert.throws(() => featureMatrix([[1, 2], [3]]), (e: unknown) => e instanceof RangeError && /row 1 has 1 values, expected 2/.test(e.message));
  assert.throws(() => featureMatrix([[1, Infinity]]), RangeError);
  assert.throws(() => trainAssistModel(x, labels, { l2: -1 }), /l2 must be a number >= 0/);
  assert.throws(() => checkAssistModel({ ...model, weights: model.weights.slice(1) }), /weights must be/);
  assert.throws(() => checkAssistModel({ ...model, classes: ['healthy', 'abnormal'] }), /classes must be/);
  assert.throws(() => checkAssistModel(null), /not an object/);
});
