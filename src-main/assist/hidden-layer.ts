// A starting model with one hidden layer (ReLU units on the scaled cell
// features, then softmax): learnt once, offline, from public annotated smears
// (test/bench/assist-bench.ts --write-start). Why: a linear model on the
// features could separate abnormal from normal annotated cells (AUC 0.90) or
// abnormal cells from the unannotated rest of the candidates (debris,
// inflammatory cells, clusters), not both; ranked galleries need both.
// The reader's labels never retrain the hidden layer: in the app the units are
// fixed features and only the softmax on them is refitted, anchored to the
// starting weights (classifier.ts), which stays a convex fit of a few ms.
// Pure and deterministic (seeded initial weights).
import type { Rng } from '../domain/random.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { minimiseLbfgs } from './lbfgs.ts';
import type { Objective } from './lbfgs.ts';

export interface HiddenLayer {
  units: number;
  /** units x (features + 1), row-major, bias last. */
  weights: number[];
}

/** ReLU unit activations of every row: rows x units. */
export function hiddenActivations(layer: HiddenLayer, x: FeatureMatrix): FeatureMatrix {
  const { units } = layer;
  const cols = x.cols;
  const stride = cols + 1;
  if (layer.weights.length !== units * stride) throw new RangeError(`hidden layer: ${layer.weights.length} weights for ${units} units of ${cols} features`);
  const w = Float64Array.from(layer.weights);
  const out = new Float64Array(x.rows * units);
  for (let r = 0; r < x.rows; r++) {
    const o = r * cols;
    for (let u = 0; u < units; u++) {
      const base = u * stride;
      let s = w[base + cols]!;
      for (let c = 0; c < cols; c++) s += w[base + c]! * x.data[o + c]!;
      out[r * units + u] = s > 0 ? s : 0;
    }
  }
  return { rows: x.rows, cols: units, data: out };
}

export interface HiddenFitOptions {
  units: number;
  /** L2 penalty on both layers' weights (not biases), added to the mean weighted log-loss. */
  l2: number;
  maxIterations: number;
  /** Weight of each class's rows, or null for all 1. */
  classWeights: readonly number[] | null;
  rng: Rng;
}

/**
 * The fit's objective: mean weighted log-loss plus the L2 penalty, with its gradient, over the
 * parameters [hidden weights (units x (cols + 1)), output weights (classes x (units + 1))].
 */
export function hiddenSoftmaxObjective(x: FeatureMatrix, y: Int32Array, classes: number, options: Omit<HiddenFitOptions, 'rng' | 'maxIterations'>): Objective {
  const { rows, cols, data } = x;
  const { units } = options;
  const inStride = cols + 1;
  const outStride = units + 1;
  const nHidden = units * inStride;
  const rowWeight = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) { rowWeight[r] = options.classWeights ? options.classWeights[y[r]!]! : 1; total += rowWeight[r]!; }
  const h = new Float64Array(units);
  const z = new Float64Array(classes);
  const dh = new Float64Array(units);
  const objective = (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let u = 0; u < units; u++) {
        const base = u * inStride;
        let s = p[base + cols]!;
        for (let c = 0; c < cols; c++) s += p[base + c]! * data[o + c]!;
        h[u] = s > 0 ? s : 0;
      }
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        const base = nHidden + k * outStride;
        let s = p[base + units]!;
        for (let u = 0; u < units; u++) s += p[base + u]! * h[u]!;
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) { z[k] = Math.exp(z[k]! - max); sum += z[k]!; }
      const w = rowWeight[r]! / total;
      const yr = y[r]!;
      loss -= w * Math.log(z[yr]! / sum);
      dh.fill(0);
      for (let k = 0; k < classes; k++) {
        const d = w * (z[k]! / sum - (k === yr ? 1 : 0));
        const base = nHidden + k * outStride;
        for (let u = 0; u < units; u++) { grad[base + u]! += d * h[u]!; dh[u]! += d * p[base + u]!; }
        grad[base + units]! += d;
      }
      for (let u = 0; u < units; u++) {
        if (h[u]! <= 0) continue;
        const d = dh[u]!;
        const base = u * inStride;
        for (let c = 0; c < cols; c++) grad[base + c]! += d * data[o + c]!;
        grad[base + cols]! += d;
      }
    }
    const l2 = options.l2;
    for (let i = 0; i < p.length; i++) {
      const isBias = i < nHidden ? i % inStride === cols : (i - nHidden) % outStride === units;
      if (isBias) continue;
      loss += 0.5 * l2 * p[i]! * p[i]!;
      grad[i]! += l2 * p[i]!;
    }
    return loss;
  };
  return objective;
}

/** Fits hidden layer + softmax on scaled rows (class index per row); returns both layers. */
export function fitHiddenSoftmax(x: FeatureMatrix, y: Int32Array, classes: number, options: HiddenFitOptions): { hidden: HiddenLayer; output: number[]; iterations: number } {
  const { units } = options;
  const inStride = x.cols + 1;
  const nHidden = units * inStride;
  const params = new Float64Array(nHidden + classes * (units + 1));
  // He initialisation for ReLU units (uniform, variance 2 / inputs); output weights small.
  const spread = Math.sqrt(6 / x.cols);
  for (let i = 0; i < nHidden; i++) params[i] = (i % inStride === x.cols) ? 0.01 : (options.rng.next() * 2 - 1) * spread;
  for (let i = nHidden; i < params.length; i++) params[i] = (options.rng.next() * 2 - 1) * 0.1;
  const objective = hiddenSoftmaxObjective(x, y, classes, options);
  const result = minimiseLbfgs(objective, params, { maxIterations: options.maxIterations, relativeTolerance: 1e-9, gradientTolerance: 1e-7 });
  return {
    hidden: { units, weights: Array.from(params.subarray(0, nHidden)) },
    output: Array.from(params.subarray(nHidden)),
    iterations: result.iterations,
  };
}
