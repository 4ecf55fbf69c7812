// Box arithmetic of cell edits, shared by the handlers and the viewer's
// previews: the box that holds merged cells, the parts of a split box (one
// per clicked nucleus: the box of the points nearest to it), and keeping a
// drawn box on the slide. Level-0 px; boxes have whole-pixel corners.

import type { Box, Point } from './geometry.ts';

/** The smallest box holding every box. */
export function unionBox(boxes: readonly Box[]): Box {
  if (boxes.length === 0) throw new RangeError('unionBox needs at least one box');
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The box cut to the bounds (whole px), or null when nothing of it is left. */
export function clampBox(box: Box, bounds: Box): Box | null {
  const x = Math.max(Math.floor(box.x), bounds.x);
  const y = Math.max(Math.floor(box.y), bounds.y);
  const right = Math.min(Math.ceil(box.x + box.width), bounds.x + bounds.width);
  const bottom = Math.min(Math.ceil(box.y + box.height), bounds.y + bounds.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

export function pointInBox(p: Point, b: Box): boolean {
  return p.x >= b.x && p.x < b.x + b.width && p.y >= b.y && p.y < b.y + b.height;
}

/** Sample grid of the split: fine enough for whole-pixel parts of any cell box, cheap (SPLIT_SAMPLES^2 distance checks per seed). */
const SPLIT_SAMPLES = 96;

/**
 * A box split among nuclei: each part is the box of the points of `box`
 * nearer to its nucleus than to any other (the Voronoi cell, cut to the box),
 * in the order of `nuclei`. Parts touch but do not overlap beyond a pixel.
 * Used when the scan's pixels are not at hand; with pixels, the instance
 * step's geodesic split decides (pipeline/instances/manual-cell.ts).
 */
export function splitBoxByNuclei(box: Box, nuclei: readonly Point[]): Box[] {
  const n = nuclei.length;
  const x0 = new Array<number>(n).fill(Infinity);
  const y0 = new Array<number>(n).fill(Infinity);
  const x1 = new Array<number>(n).fill(-Infinity);
  const y1 = new Array<number>(n).fill(-Infinity);
  const stepsX = Math.min(SPLIT_SAMPLES, box.width);
  const stepsY = Math.min(SPLIT_SAMPLES, box.height);
  for (let j = 0; j < stepsY; j++) {
    const ya = box.y + (j * box.height) / stepsY;
    const yb = box.y + ((j + 1) * box.height) / stepsY;
    const yc = (ya + yb) / 2;
    for (let i = 0; i < stepsX; i++) {
      const xa = box.x + (i * box.width) / stepsX;
      const xb = box.x + ((i + 1) * box.width) / stepsX;
      const xc = (xa + xb) / 2;
      let best = 0;
      let bestD = Infinity;
      for (let k = 0; k < n; k++) {
        const d = (nuclei[k]!.x - xc) ** 2 + (nuclei[k]!.y - yc) ** 2;
        if (d < bestD) { best = k; bestD = d; }
      }
      x0[best] = Math.min(x0[best]!, xa);
      y0[best] = Math.min(y0[best]!, ya);
      x1[best] = Math.max(x1[best]!, xb);
      y1[best] = Math.max(y1[best]!, yb);
    }
  }
  return nuclei.map((p, k) => {
    // A nucleus that won no sample (two clicks on one spot): a small box around it.
    if (!Number.isFinite(x0[k]!)) return clampBox({ x: p.x - 1, y: p.y - 1, width: 2, height: 2 }, box) ?? { ...box };
    const part = clampBox({ x: x0[k]!, y: y0[k]!, width: x1[k]! - x0[k]!, height: y1[k]! - y0[k]! }, box)!;
    return part;
  });
}
