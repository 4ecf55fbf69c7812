// Multinomial (softmax) logistic regression with an L2 penalty, fitted by
// L-BFGS on scaled features: the assist classifier's model. With a few dozen
// labels a linear model on good features is hard to beat (a forest overfits
// them), it fits 100,000 rows in about a second, and it is a small table of
// numbers that crosses to a worker as plain JSON. Classes can be weighted so a
// rare class (unhealthy) is not drowned by a common one.
import type { FeatureMatrix } from './feature-matrix.ts';
import { minimiseLbfgs } from './lbfgs.ts';

export interface SoftmaxWeights {
  classes: number;
  features: number;
  /** classes x (features + 1), row-major; the last value of each row is the bias. */
  weights: number[];
}

export interface SoftmaxFitOptions {
  /** L2 penalty on the weights (not the biases, unless anchored), added to the mean weighted log-loss. */
  l2: number;
  maxIterations: number;
  /** Weight of each row's class (classes values), or null for all 1. */
  classWeights: readonly number[] | null;
  /**
   * Weights (classes x (features + 1)) the penalty pulls towards instead of 0, and the fit starts
   * from: a starting model that the labels only adjust. Its biases are held to it as well.
   */
  anchor?: Float64Array | null;
}

/** Class index 0..classes-1 per row. */
export function fitSoftmax(x: FeatureMatrix, y: Int32Array, classes: number, options: SoftmaxFitOptions): SoftmaxWeights & { iterations: number } {
  const { rows, cols, data } = x;
  const stride = cols + 1;
  const rowWeight = new Float64Array(rows);
  let totalWeight = 0;
  for (let r = 0; r < rows; r++) {
    const w = options.classWeights ? options.classWeights[y[r]!]! : 1;
    rowWeight[r] = w;
    totalWeight += w;
  }
  const z = new Float64Array(classes);
  const objective = (params: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        const base = k * stride;
        let s = params[base + cols]!;
        for (let c = 0; c < cols; c++) s += params[base + c]! * data[o + c]!;
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) { z[k] = Math.exp(z[k]! - max); sum += z[k]!; }
      const w = rowWeight[r]! / totalWeight;
      const yr = y[r]!;
      loss -= w * Math.log(z[yr]! / sum);
      for (let k = 0; k < classes; k++) {
        const d = w * (z[k]! / sum - (k === yr ? 1 : 0));
        if (d === 0) continue;
        const base = k * stride;
        for (let c = 0; c < cols; c++) grad[base + c]! += d * data[o + c]!;
        grad[base + cols]! += d;
      }
    }
    const anchor = options.anchor ?? null;
    for (let k = 0; k < classes; k++) {
      const base = k * stride;
      // With an anchor the biases are held too: labels of one class must not talk the start out of the others.
      for (let c = 0; c < (anchor ? stride : cols); c++) {
        const v = params[base + c]! - (anchor ? anchor[base + c]! : 0);
        loss += 0.5 * options.l2 * v * v;
        grad[base + c]! += options.l2 * v;
      }
    }
    return loss;
  };
  const params = new Float64Array(classes * stride);
  if (options.anchor) {
    if (options.anchor.length !== params.length) throw new RangeError(`softmax: anchor has ${options.anchor.length} weights, expected ${params.length}`);
    params.set(options.anchor);
  }
  const result = minimiseLbfgs(objective, params, { maxIterations: options.maxIterations, relativeTolerance: 1e-7, gradientTolerance: 1e-6 });
  return { classes, features: cols, weights: Array.from(params), iterations: result.iterations };
}

/** Class probabilities, rows x classes, row-major. */
export function predictSoftmax(model: SoftmaxWeights, x: FeatureMatrix): Float64Array {
  const { classes, features, weights } = model;
  if (x.cols !== features) throw new RangeError(`softmax: ${x.cols} features per row, the model has ${features}`);
  const stride = features + 1;
  const out = new Float64Array(x.rows * classes);
  const w = Float64Array.from(weights);
  for (let r = 0; r < x.rows; r++) {
    const o = r * features;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      const base = k * stride;
      let s = w[base + features]!;
      for (let c = 0; c < features; c++) s += w[base + c]! * x.data[o + c]!;
      out[r * classes + k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) { const e = Math.exp(out[r * classes + k]! - max); out[r * classes + k] = e; sum += e; }
    for (let k = 0; k < classes; k++) out[r * classes + k]! /= sum;
  }
  return out;
}
