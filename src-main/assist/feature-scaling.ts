// Puts every feature on one scale before a linear model sees it: centred on
// its median, divided by its spread (interquartile range / 1.349, which is the
// standard deviation for normal data, but not dragged by a few huge cells),
// then squashed with asinh, so a cluster 20 spreads out counts about as much
// as one 10 spreads out and no single cell pulls the fit. Monotone, so it
// changes nothing for tree models. Fitted on a sample of rows (every k-th):
// quantiles of 4,096 rows are as good as of 100,000 and 25 times cheaper.
import type { FeatureMatrix } from './feature-matrix.ts';

export interface FeatureScaling {
  centre: number[];
  scale: number[];
}

/** Rows used to estimate the quantiles, at most. */
const SAMPLE_ROWS = 4096;
/** IQR of a normal distribution in standard deviations. */
const IQR_PER_SD = 1.349;

function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function fitScaling(m: FeatureMatrix): FeatureScaling {
  if (m.rows === 0) throw new RangeError('feature scaling: no rows to fit on');
  const stride = Math.max(1, Math.floor(m.rows / SAMPLE_ROWS));
  const n = Math.ceil(m.rows / stride);
  const column = new Float64Array(n);
  const centre: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < m.cols; c++) {
    for (let k = 0; k < n; k++) column[k] = m.data[k * stride * m.cols + c]!;
    column.sort();
    const median = quantileSorted(column, 0.5);
    let spread = (quantileSorted(column, 0.75) - quantileSorted(column, 0.25)) / IQR_PER_SD;
    if (!(spread > 0)) {
      // Mostly one value (a flag, a measure the records lack): fall back to the standard deviation.
      let sum = 0, sum2 = 0;
      for (let k = 0; k < n; k++) { sum += column[k]!; sum2 += column[k]! * column[k]!; }
      const mean = sum / n;
      spread = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
    }
    centre.push(median);
    scale.push(spread > 0 ? spread : 1);
  }
  return { centre, scale };
}

/** asinh((x - centre) / scale) per value, as a new matrix. */
export function applyScaling(m: FeatureMatrix, s: FeatureScaling): FeatureMatrix {
  const out = new Float64Array(m.data.length);
  const cols = m.cols;
  for (let r = 0; r < m.rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[o + c] = Math.asinh((m.data[o + c]! - s.centre[c]!) / s.scale[c]!);
  }
  return { rows: m.rows, cols, data: out };
}
