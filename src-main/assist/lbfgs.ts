// Limited-memory BFGS for smooth convex objectives (the assist classifier's
// regularised log-loss): a handful of gradient evaluations instead of the
// thousands plain gradient descent needs, and no step size to tune. Textbook
// two-loop recursion (Nocedal & Wright, Numerical Optimization, alg. 7.4) with
// a backtracking Armijo line search. Pure: works in place on Float64Arrays.

/** Objective: writes the gradient at x into `gradient` and returns the value. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Iterations at most (each one gradient evaluation, more when the line search backtracks). */
  maxIterations: number;
  /** Pairs of (step, gradient change) remembered. */
  memory?: number;
  /** Stop when the value improves by less than this share of itself. */
  relativeTolerance?: number;
  /** Stop when the gradient's largest component is below this. */
  gradientTolerance?: number;
}

export interface LbfgsResult {
  value: number;
  iterations: number;
  evaluations: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]!); if (v > m) m = v; }
  return m;
}

/** Minimises `objective` from `x` (changed in place). */
export function minimiseLbfgs(objective: Objective, x: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x.length;
  const m = options.memory ?? 8;
  const relTol = options.relativeTolerance ?? 1e-9;
  const gradTol = options.gradientTolerance ?? 1e-7;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let g = new Float64Array(n);
  let value = objective(x, g);
  let evaluations = 1;
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;
  for (; iterations < options.maxIterations; iterations++) {
    if (maxAbs(g) < gradTol) break;
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -g[i]!;
    for (let k = s.length - 1; k >= 0; k--) {
      const a = rho[k]! * dot(s[k]!, direction);
      alpha[k] = a;
      const yk = y[k]!;
      for (let i = 0; i < n; i++) direction[i]! -= a * yk[i]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!);
      for (let i = 0; i < n; i++) direction[i]! *= gamma;
    } else {
      // First step: a unit-length move along the steepest descent.
      const norm = Math.sqrt(dot(direction, direction));
      if (norm > 0) for (let i = 0; i < n; i++) direction[i]! /= norm;
    }
    for (let k = 0; k < s.length; k++) {
      const b = rho[k]! * dot(y[k]!, direction);
      const sk = s[k]!;
      for (let i = 0; i < n; i++) direction[i]! += (alpha[k]! - b) * sk[i]!;
    }
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0; y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i]!;
      slope = dot(g, direction);
      if (!(slope < 0)) break;
    }
    let step = 1;
    let newValue = Infinity;
    let accepted = false;
    for (let b = 0; b < MAX_BACKTRACKS; b++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * direction[i]!;
      newValue = objective(xNew, gNew);
      evaluations++;
      if (Number.isFinite(newValue) && newValue <= value + ARMIJO * step * slope) { accepted = true; break; }
      step /= 2;
    }
    if (!accepted) break;
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) { sk[i] = xNew[i]! - x[i]!; yk[i] = gNew[i]! - g[i]!; }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) { s.shift(); y.shift(); rho.shift(); }
      s.push(sk); y.push(yk); rho.push(1 / sy);
    }
    x.set(xNew);
    const swap = g; g = gNew; gNew = swap;
    const improvement = value - newValue;
    value = newValue;
    if (improvement <= relTol * Math.max(1, Math.abs(value))) { iterations++; break; }
  }
  return { value, iterations, evaluations };
}
