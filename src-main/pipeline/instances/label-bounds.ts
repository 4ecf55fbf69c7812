// Per-label bounding box, pixel count and coordinate sums of a label image,
// in one pass: what nucleus measures, blob splitting and cell boxes all need.

export interface LabelBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Sums of pixel-centre coordinates (x + 0.5, y + 0.5): centroid = sum / area. */
  sumX: number;
  sumY: number;
  area: number;
}

/** Bounds of no pixel (area 0). */
export function emptyBounds(): LabelBounds {
  return { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, sumX: 0, sumY: 0, area: 0 };
}

/** Adds pixel (x, y) to b. */
export function addPixel(b: LabelBounds, x: number, y: number): void {
  b.area++;
  b.sumX += x + 0.5;
  b.sumY += y + 0.5;
  if (x < b.minX) b.minX = x;
  if (x > b.maxX) b.maxX = x;
  if (y < b.minY) b.minY = y;
  if (y > b.maxY) b.maxY = y;
}

/** Index = label (0 unused); labels above `count` are ignored. An empty label has area 0. */
export function labelBounds(labels: Int32Array, width: number, count: number): LabelBounds[] {
  const out = Array.from({ length: count + 1 }, emptyBounds);
  for (let i = 0, x = 0, y = 0; i < labels.length; i++, x++) {
    if (x === width) { x = 0; y++; }
    const l = labels[i]!;
    if (l === 0 || l > count) continue;
    addPixel(out[l]!, x, y);
  }
  return out;
}

/** The same from a label image's runs (row, first and last column, label): work per run, not per pixel. */
export function runBounds(
  runs: { count: number; start: Int32Array; end: Int32Array; row: Int32Array; label: Int32Array }, count: number,
): LabelBounds[] {
  const out = Array.from({ length: count + 1 }, emptyBounds);
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    if (l === 0 || l > count) continue;
    const b = out[l]!;
    const s = runs.start[r]!;
    const e = runs.end[r]!;
    const y = runs.row[r]!;
    const n = e - s + 1;
    b.area += n;
    // Centres s + 0.5 .. e + 0.5: n of them, mean (s + e + 1) / 2.
    b.sumX += (n * (s + e + 1)) / 2;
    b.sumY += n * (y + 0.5);
    if (s < b.minX) b.minX = s;
    if (e > b.maxX) b.maxX = e;
    if (y < b.minY) b.minY = y;
    if (y > b.maxY) b.maxY = y;
  }
  return out;
}
