// The starting model's hidden layer: its gradient is the loss's (checked by
// finite differences), the fit lowers the loss, it learns a ring that no linear model can (unhealthy
// inside, healthy around it), the app's refit on a reader's labels keeps the
// layer and moves only the softmax, and a model with a bad layer is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAssistModel, predictAssist, trainAssistModel, trainStartingModel } from '../../../src-main/assist/classifier.ts';
import { featureMatrix } from '../../../src-main/assist/feature-matrix.ts';
import type { FeatureMatrix } from '../../../src-main/assist/feature-matrix.ts';
import { fitHiddenSoftmax, hiddenSoftmaxObjective } from '../../../src-main/assist/hidden-layer.ts';
import { rocAuc } from '../../../src-main/assist/metrics.ts';
import { CELL_CLASS_NAMES } from '../../../src-main/domain/cell-class.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import { seededRng } from '../../../src-main/domain/random.ts';

const UNHEALTHY = CELL_CLASS_NAMES.indexOf('unhealthy');

/** Unhealthy within radius 1 of the origin, healthy in the ring 1.6-3 around it; a third, useless feature. */
function ring(count: number, seed: number): { x: FeatureMatrix; labels: CellClassName[] } {
  const rng = seededRng(seed);
  const rows: number[][] = [];
  const labels: CellClassName[] = [];
  for (let i = 0; i < count; i++) {
    const inner = i % 2 === 0;
    const r = inner ? rng.range(0, 1) : rng.range(1.6, 3);
    const a = rng.range(0, 2 * Math.PI);
    rows.push([r * Math.cos(a), r * Math.sin(a), rng.normal()]);
    labels.push(inner ? 'unhealthy' : 'healthy');
  }
  return { x: featureMatrix(rows), labels };
}

function aucOf(probabilities: Float64Array, labels: readonly CellClassName[]): number {
  const scores = labels.map((_, r) => probabilities[r * CELL_CLASS_NAMES.length + UNHEALTHY]!);
  return rocAuc(scores, labels.map((l) => l === 'unhealthy')) ?? NaN;
}

test('the hidden layer learns a ring that a linear model cannot', () => {
  const train = ring(400, 1);
  const held = ring(400, 2);
  const linear = trainAssistModel(train.x, train.labels);
  const hidden = trainStartingModel(train.x, train.labels, { units: 8, l2: 0.001, seed: 3 });
  const linearAuc = aucOf(predictAssist(linear, held.x).values, held.labels);
  const hiddenAuc = aucOf(predictAssist(hidden, held.x).values, held.labels);
  assert.ok(linearAuc < 0.7, `a linear model cannot separate a ring (AUC ${linearAuc.toFixed(3)})`);
  assert.ok(hiddenAuc > 0.97, `the hidden layer does (AUC ${hiddenAuc.toFixed(3)})`);
  assert.equal(hidden.hidden?.units, 8);
  // Plain JSON both ways: what the app stores and ships.
  const back = checkAssistModel(JSON.parse(JSON.stringify(hidden)));
  assert.deepEqual(predictAssist(back, held.x).values, predictAssist(hidden, held.x).values);
});

test('the objective gradient matches finite differences; the fit lowers the loss', () => {
  const { x, labels } = ring(40, 5);
  const y = Int32Array.from(labels, (l) => (l === 'unhealthy' ? 1 : 0));
  const objective = hiddenSoftmaxObjective(x, y, 2, { units: 3, l2: 0.01, classWeights: [1, 3] });
  const rng = seededRng(11);
  // 3 units x (3 features + 1) + 2 classes x (3 units + 1); biases positive so units are active.
  const params = Float64Array.from({ length: 12 + 8 }, (_, i) => (i < 12 && i % 4 === 3 ? 0.5 : rng.range(-1, 1)));
  const grad = new Float64Array(params.length);
  objective(params, grad);
  const h = 1e-6;
  const scratch = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const up = params.slice(); up[i]! += h;
    const down = params.slice(); down[i]! -= h;
    const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
    assert.ok(Math.abs(numeric - grad[i]!) < 1e-6, `parameter ${i}: analytic ${grad[i]} vs numeric ${numeric}`);
  }
  const before = objective(params, scratch);
  const fit = fitHiddenSoftmax(x, y, 2, { units: 3, l2: 0.01, maxIterations: 100, classWeights: [1, 3], rng: seededRng(11) });
  const after = objective(Float64Array.from([...fit.hidden.weights, ...fit.output]), scratch);
  assert.ok(after < before, `the fit lowers the loss (${before.toFixed(4)} -> ${after.toFixed(4)})`);
});

test("a reader's labels refit only the softmax: the hidden layer is kept, and labels move the suggestions", () => {
  const train = ring(400, 1);
  const start = trainStartingModel(train.x, train.labels, { units: 8, l2: 0.001, seed: 3 });
  // The reader calls the ring's inner cells rubbish: a class the start never knew.
  const reader = ring(60, 7);
  const relabelled = reader.labels.map((l): CellClassName => (l === 'unhealthy' ? 'rubbish' : l));
  const adjusted = trainAssistModel(reader.x, relabelled, { start, l2: 0.01 });
  assert.deepEqual(adjusted.hidden, start.hidden);
  assert.deepEqual(adjusted.classes, ['healthy', 'rubbish', 'unhealthy']);
  const held = ring(200, 8);
  const p = predictAssist(adjusted, held.x).values;
  const rubbish = CELL_CLASS_NAMES.indexOf('rubbish');
  const inner = held.labels.map((l, r) => (l === 'unhealthy' ? p[r * CELL_CLASS_NAMES.length + rubbish]! : NaN)).filter((v) => !Number.isNaN(v));
  const meanInner = inner.reduce((s, v) => s + v, 0) / inner.length;
  assert.ok(meanInner > 0.5, `inner cells are now suggested rubbish (mean p ${meanInner.toFixed(2)})`);
});

test('a model whose hidden layer does not fit its features or weights is refused', () => {
  const { x, labels } = ring(100, 1);
  const model = trainStartingModel(x, labels, { units: 4, l2: 0.01, seed: 1, maxIterations: 20 });
  const bad = (change: (m: Record<string, unknown>) => void) => {
    const m = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
    change(m);
    return () => checkAssistModel(m);
  };
  assert.throws(bad((m) => { (m['hidden'] as { weights: number[] }).weights.pop(); }), /hidden\.weights must be 16 finite numbers/);
  assert.throws(bad((m) => { (m['hidden'] as { units: number }).units = 0; }), /hidden\.units/);
  assert.throws(bad((m) => { (m['hidden'] as { weights: unknown[] }).weights[0] = 'x'; }), /hidden\.weights/);
  // Output weights sized for the raw features, not the units.
  assert.throws(bad((m) => { m['weights'] = new Array(2 * (3 + 1)).fill(0); }), /weights must be 10 finite numbers/);
  assert.throws(() => trainStartingModel(x, labels, { units: 0, l2: 0.01 }), /units must be a whole number >= 1/);
  // A model without a hidden layer (older files) still loads.
  const linear = JSON.parse(JSON.stringify(trainAssistModel(x, labels))) as Record<string, unknown>;
  delete linear['hidden'];
  assert.equal(checkAssistModel(linear).hidden ?? null, null);
});
