// Feature vectors of many cells as one flat row-major Float64Array: cheap to
// build, to scan and to send to a worker thread (transferable), unlike an
// array of arrays. Checked once here so the classifier can trust it.

export interface FeatureMatrix {
  rows: number;
  cols: number;
  /** rows x cols values, row-major. */
  data: Float64Array;
}

function fail(message: string): never {
  throw new RangeError(`feature matrix: ${message}`);
}

/** Packs equal-length vectors into a matrix; refuses ragged rows and values that are not finite numbers. */
export function featureMatrix(vectors: ReadonlyArray<ArrayLike<number>>, cols?: number): FeatureMatrix {
  const width = cols ?? vectors[0]?.length ?? 0;
  const data = new Float64Array(vectors.length * width);
  vectors.forEach((v, r) => {
    if (v.length !== width) fail(`row ${r} has ${v.length} values, expected ${width}`);
    for (let c = 0; c < width; c++) data[r * width + c] = v[c]!;
  });
  const m = { rows: vectors.length, cols: width, data };
  checkFeatureMatrix(m);
  return m;
}

/** Throws a RangeError naming the first bad cell: wrong size or a value that is NaN or infinite. */
export function checkFeatureMatrix(m: FeatureMatrix, expectedCols?: number): void {
  if (!Number.isInteger(m.rows) || m.rows < 0 || !Number.isInteger(m.cols) || m.cols < 0) fail(`bad shape ${m.rows} x ${m.cols}`);
  if (m.data.length !== m.rows * m.cols) fail(`${m.data.length} values for ${m.rows} x ${m.cols}`);
  if (expectedCols !== undefined && m.cols !== expectedCols) fail(`${m.cols} features per row, the model expects ${expectedCols}`);
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) fail(`row ${Math.floor(i / m.cols)}, feature ${i % m.cols} is ${d[i]}: every feature must be a finite number`);
  }
}

/** The rows listed, in that order, as a new matrix. */
export function selectRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const out = new Float64Array(rows.length * m.cols);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (!(Number.isInteger(r) && r >= 0 && r < m.rows)) fail(`row ${r} is outside 0..${m.rows - 1}`);
    out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols);
  }
  return { rows: rows.length, cols: m.cols, data: out };
}
