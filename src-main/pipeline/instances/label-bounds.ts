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

/** Index = label (0 unused); labels above `count` are ignored. An empty label has area 0. */
export function labelBounds(labels: Int32Array, width: number, count: number): LabelBounds[] {
  const out = Array.from({ length: count + 1 }, (): LabelBounds => (
    { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, sumX: 0, sumY: 0, area: 0 }));
  for (let i = 0, x = 0, y = 0; i < labels.length; i++, x++) {
    if (x === width) { x = 0; y++; }
    const l = labels[i]!;
    if (l === 0 || l > count) continue;
    const b = out[l]!;
    b.area++;
    b.sumX += x + 0.5;
    b.sumY += y + 0.5;
    if (x < b.minX) b.minX = x;
    if (x > b.maxX) b.maxX = x;
    if (y < b.minY) b.minY = y;
    if (y > b.maxY) b.maxY = y;
  }
  return out;
}
