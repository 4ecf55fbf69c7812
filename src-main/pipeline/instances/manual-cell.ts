// The pipeline's own steps for cells a reader draws or points at: measures of
// a drawn box (stained area and outline from the cell mask, the nuclei
// inside it), the instance step's candidate around a clicked nucleus, and
// the geodesic split of a box among clicked nuclei. Pure: detail image + cell
// mask + placement in, level-0 boxes and measures out (the runtime reads the
// pixels, runtime/cell-pixels.ts).

import type { CellKind } from '../../domain/cell.ts';
import type { CellMeasures } from '../../domain/cell-edit.ts';
import { clampBox, pointInBox, splitBoxByNuclei } from '../../domain/edit-geometry.ts';
import type { Box, Point } from '../../domain/geometry.ts';
import type { RgbaImage } from '../../slide/slide-reader.ts';
import { findCellInstances } from './cell-instances.ts';
import { detectNuclei } from './detect-nuclei.ts';
import type { CellInstanceConfig } from './instance-config.ts';
import { labelBounds } from './label-bounds.ts';
import { splitCellsBySeeds } from './split-cells.ts';

export interface CellPixels {
  /** RGBA at config.nucleusUmPerPixel. */
  detail: RgbaImage;
  /** Level-0 position of detail pixel (0, 0) and level-0 px per detail px. */
  origin: Point;
  detailDownsample: number;
  /** Cell mask, `factor` detail px per mask px on each axis. */
  cellMask: Uint8Array;
  factor: number;
  slide: Box;
  /** um per level-0 px. */
  mpp: number;
}

export interface ProposedCell {
  box: Box;
  kind: CellKind;
  measures: CellMeasures;
}

function maskGeometry(px: CellPixels) {
  const mw = Math.floor(px.detail.width / px.factor);
  const mh = Math.floor(px.detail.height / px.factor);
  const ds = px.detailDownsample * px.factor;
  return { mw, mh, ds };
}

/** Mask px whose level-0 centre lies in the box: [m0, m1) on each axis. */
function maskSpan(px: CellPixels, box: Box) {
  const { mw, mh, ds } = maskGeometry(px);
  const c0 = (v: number, o: number, n: number) => Math.max(0, Math.min(n, Math.ceil((v - o) / ds - 0.5)));
  return {
    mx0: c0(box.x, px.origin.x, mw), mx1: c0(box.x + box.width, px.origin.x, mw),
    my0: c0(box.y, px.origin.y, mh), my1: c0(box.y + box.height, px.origin.y, mh), mw, ds,
  };
}

/** Stained area and outline inside the box, and the nuclei whose centroid it holds (level-0 px, px^2). */
export function measureBox(px: CellPixels, box: Box, config: CellInstanceConfig): CellMeasures {
  const { mx0, mx1, my0, my1, mw, ds } = maskSpan(px, box);
  const mask = px.cellMask;
  let area = 0;
  let edge = 0;
  for (let y = my0; y < my1; y++) {
    for (let x = mx0; x < mx1; x++) {
      if (mask[y * mw + x] !== 1) continue;
      area++;
      const outside = (xx: number, yy: number) => xx < mx0 || xx >= mx1 || yy < my0 || yy >= my1 || mask[yy * mw + xx] !== 1;
      if (outside(x - 1, y) || outside(x + 1, y) || outside(x, y - 1) || outside(x, y + 1)) edge++;
    }
  }
  const dd = px.detailDownsample;
  const inside = detectNuclei(px.detail, config).nuclei
    .map((n) => ({ point: { x: px.origin.x + n.cx * dd, y: px.origin.y + n.cy * dd }, area: n.area * dd * dd }))
    .filter((n) => pointInBox(n.point, box));
  const largest = inside.reduce<(typeof inside)[number] | null>((a, b) => (a === null || b.area > a.area ? b : a), null);
  return {
    area: area * ds * ds,
    perimeter: edge * ds,
    nucleus: largest?.point ?? null,
    nucleusArea: largest?.area ?? null,
    nuclei: inside.length,
  };
}

/**
 * The instance step's candidate whose box holds the point, the one with its
 * nucleus nearest to the point when several do; null when none holds it.
 */
export function proposeCellAt(px: CellPixels, point: Point, config: CellInstanceConfig): ProposedCell | null {
  const region: Box = {
    x: px.origin.x, y: px.origin.y,
    width: px.detail.width * px.detailDownsample, height: px.detail.height * px.detailDownsample,
  };
  const { instances } = findCellInstances({
    detail: px.detail, origin: px.origin, detailDownsample: px.detailDownsample, cellMask: px.cellMask, factor: px.factor,
    slice: region, slide: px.slide, mpp: px.mpp,
  }, config);
  let best: (typeof instances)[number] | null = null;
  let bestD = Infinity;
  for (const c of instances) {
    if (!pointInBox(point, c.box)) continue;
    const at = c.nucleus ?? c.centre;
    const d = (at.x - point.x) ** 2 + (at.y - point.y) ** 2;
    if (d < bestD) { best = c; bestD = d; }
  }
  if (!best) return null;
  return {
    box: best.box,
    kind: best.kind,
    measures: { area: best.area, perimeter: null, nucleus: best.nucleus, nucleusArea: best.nucleusArea, nuclei: best.nuclei },
  };
}

/**
 * A box split among clicked nuclei by the instance step's geodesic split of
 * the cell mask inside it; a nucleus whose region is empty (a click on glass)
 * gets its part of the box's Voronoi split instead. One box per nucleus, in order.
 */
export function splitBoxAt(px: CellPixels, box: Box, nuclei: readonly Point[], config: CellInstanceConfig): Box[] {
  const { mx0, mx1, my0, my1, mw, ds } = maskSpan(px, box);
  const w = mx1 - mx0;
  const h = my1 - my0;
  const fallback = splitBoxByNuclei(box, nuclei);
  if (w <= 0 || h <= 0) return fallback;
  const mask = new Uint8Array(w * h);
  const seeds = new Int32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mask[y * w + x] = px.cellMask[(y + my0) * mw + x + mx0] === 1 ? 1 : 0;
  nuclei.forEach((p, k) => {
    const x = Math.min(w - 1, Math.max(0, Math.floor((p.x - px.origin.x) / ds) - mx0));
    const y = Math.min(h - 1, Math.max(0, Math.floor((p.y - px.origin.y) / ds) - my0));
    seeds[y * w + x] = k + 1;
    mask[y * w + x] = 1;
  });
  const maxDistance = Math.round(config.maxCellRadiusUm / (px.mpp * ds));
  const split = splitCellsBySeeds(mask, seeds, w, h, nuclei.length, maxDistance);
  const bounds = labelBounds(split.regions, w, nuclei.length);
  return nuclei.map((_, k) => {
    const r = bounds[k + 1];
    if (!r || r.area === 0) return fallback[k]!;
    const part = {
      x: px.origin.x + (mx0 + r.minX) * ds, y: px.origin.y + (my0 + r.minY) * ds,
      width: (r.maxX - r.minX + 1) * ds, height: (r.maxY - r.minY + 1) * ds,
    };
    return clampBox(part, box) ?? fallback[k]!;
  });
}
