// One candidate per cell ('whole-cell' mode): nuclei seed the split of the
// segmenter's cell mask, so touching and overlapping cells each get a box.
// A small nucleus with no cytoplasm around it (neutrophils, lymphocytes) seeds
// nothing; a blob of overlapping nuclei too large for one nucleus becomes one
// candidate marked 'cluster'; a cell region with no visible nucleus (anucleate
// squame, pale cell) is a candidate of its own if it is cell-sized.
// Pure: detail image + cell mask + placement in, level-0 candidates out.
import type { CellKind } from '../../domain/cell.ts';
import type { Box, Point } from '../../domain/geometry.ts';
import type { RgbaImage } from '../../slide/slide-reader.ts';
import { px2ToUm2 } from '../scale.ts';
import { componentRuns } from '../segment/mask-morphology.ts';
import { detectNuclei } from './detect-nuclei.ts';
import type { Nucleus } from './detect-nuclei.ts';
import type { CellInstanceConfig } from './instance-config.ts';
import { labelBounds, runBounds } from './label-bounds.ts';
import type { LabelBounds } from './label-bounds.ts';
import { splitCellsBySeeds } from './split-cells.ts';
import { scratchArray } from '../scratch-arrays.ts';

export interface InstanceInput {
  /** RGBA at config.nucleusUmPerPixel, covering the slice plus its margin. */
  detail: RgbaImage;
  /** Level-0 position of detail pixel (0, 0) and level-0 px per detail px. */
  origin: Point;
  detailDownsample: number;
  /** The segmenter's cell mask, `factor` detail px per mask px on each axis (detail size / factor). */
  cellMask: Uint8Array;
  factor: number;
  /** The slice the candidates belong to (owned by nucleus centroid) and the slide bounds, level-0. */
  slice: Box;
  slide: Box;
  /** um per level-0 px. */
  mpp: number;
}

export interface CellInstance {
  kind: CellKind;
  /** The cell region's box (with its nucleus), padded, clamped to the slide. */
  box: Box;
  /** Where the cell is, level-0: its nucleus centroid, or the region centroid for a cell without one. */
  centre: Point;
  /** Centroid of the seeding nucleus (null for a cell without a visible nucleus). */
  nucleus: Point | null;
  /** Cell region area, level-0 px^2. */
  area: number;
  /** Nucleus area, level-0 px^2 (null without nucleus). */
  nucleusArea: number | null;
  /** 1 for a cell with a nucleus, 0 without, an estimate >= 2 for a cluster. */
  nuclei: number;
  /** floor of the crop box centre relative to the slice: the APACC file name's `cx-cy`. */
  cropCentreInSlice: Point;
}

export interface InstanceStats {
  nuclei: number;
  inflammatory: number;
  clusters: number;
  seedless: number;
  notOwned: number;
  kept: number;
}

function clampBox(x0: number, y0: number, x1: number, y1: number, bounds: Box): Box {
  const x = Math.max(Math.floor(x0), bounds.x);
  const y = Math.max(Math.floor(y0), bounds.y);
  const right = Math.min(Math.ceil(x1), bounds.x + bounds.width);
  const bottom = Math.min(Math.ceil(y1), bounds.y + bounds.height);
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

export function findCellInstances(input: InstanceInput, config: CellInstanceConfig): { instances: CellInstance[]; stats: InstanceStats } {
  const { detail, origin, factor, slice, slide, mpp } = input;
  const dsDetail = input.detailDownsample;
  const dsMask = dsDetail * factor;
  const umDetail = config.nucleusUmPerPixel;
  const mw = Math.floor(detail.width / factor);
  const mh = Math.floor(detail.height / factor);
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`cell instances: factor must be a whole number >= 1 (got ${factor})`);
  if (input.cellMask.length !== mw * mh) {
    throw new RangeError(`cell instances: cell mask has ${input.cellMask.length} px, expected ${mw}x${mh} (detail ${detail.width}x${detail.height} / ${factor})`);
  }
  const map = detectNuclei(detail, config);
  const stats: InstanceStats = { nuclei: map.nuclei.length, inflammatory: 0, clusters: 0, seedless: 0, notOwned: 0, kept: 0 };

  // Which nuclei seed a cell; seed ids are the nucleus labels of the seeding ones.
  const seeding = new Uint8Array(map.nuclei.length + 1);
  for (const nu of map.nuclei) {
    const areaUm2 = px2ToUm2(nu.area, umDetail);
    const epithelial = areaUm2 >= config.epithelialNucleusAreaUm2
      || (areaUm2 >= config.minSmallNucleusAreaUm2 && nu.ringCytoplasm >= config.minRingCytoplasm);
    if (epithelial) seeding[nu.label] = 1;
    else stats.inflammatory++;
  }
  const mask = scratchArray(Uint8Array, mw * mh);
  mask.set(input.cellMask);
  const seeds = scratchArray(Int32Array, mw * mh);
  const inflammatory = scratchArray(Uint8Array, mw * mh);
  const labels = map.labels;
  // Each nucleus's own box only (nuclei are a few percent of the image): its pixels onto the mask grid.
  for (const nu of map.nuclei) {
    const l = nu.label;
    for (let y = nu.minY; y <= Math.min(nu.maxY, mh * factor - 1); y++) {
      const row = y * detail.width;
      const maskRow = ((y / factor) | 0) * mw;
      for (let x = nu.minX; x <= Math.min(nu.maxX, mw * factor - 1); x++) {
        if (labels[row + x] !== l) continue;
        const m = maskRow + ((x / factor) | 0);
        mask[m] = 1;
        if (seeding[l] === 1) seeds[m] = l;
        else inflammatory[m] = 1;
      }
    }
  }
  const maxDistance = Math.round(config.maxCellRadiusUm / (umDetail * factor));
  const split = splitCellsBySeeds(mask, seeds, mw, mh, map.nuclei.length, maxDistance);
  const regions = labelBounds(split.regions, mw, map.nuclei.length);

  const pad = config.paddingUm / mpp;
  const instances: CellInstance[] = [];
  const inSlice = (p: Point) => p.x >= slice.x && p.x < slice.x + slice.width && p.y >= slice.y && p.y < slice.y + slice.height;
  const toLevel0 = (b: LabelBounds) => ({
    x0: origin.x + b.minX * dsMask, y0: origin.y + b.minY * dsMask,
    x1: origin.x + (b.maxX + 1) * dsMask, y1: origin.y + (b.maxY + 1) * dsMask,
  });
  const push = (kind: CellKind, cell: { x0: number; y0: number; x1: number; y1: number }, centre: Point,
    nucleus: Nucleus | null, area: number, nuclei: number) => {
    const box = clampBox(cell.x0 - pad, cell.y0 - pad, cell.x1 + pad, cell.y1 + pad, slide);
    instances.push({
      kind, box, centre,
      nucleus: nucleus ? { x: origin.x + nucleus.cx * dsDetail, y: origin.y + nucleus.cy * dsDetail } : null,
      area, nucleusArea: nucleus ? nucleus.area * dsDetail * dsDetail : null, nuclei,
      cropCentreInSlice: { x: Math.floor(box.x + box.width / 2) - slice.x, y: Math.floor(box.y + box.height / 2) - slice.y },
    });
  };

  for (const nu of map.nuclei) {
    if (seeding[nu.label] !== 1) continue;
    const nucleusPoint = { x: origin.x + nu.cx * dsDetail, y: origin.y + nu.cy * dsDetail };
    if (!inSlice(nucleusPoint)) {
      stats.notOwned++;
      continue;
    }
    const r = regions[nu.label]!;
    const cell = r.area > 0 ? toLevel0(r) : { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    // The nucleus may stick out of a coarse region: the box holds both.
    cell.x0 = Math.min(cell.x0, origin.x + nu.minX * dsDetail);
    cell.y0 = Math.min(cell.y0, origin.y + nu.minY * dsDetail);
    cell.x1 = Math.max(cell.x1, origin.x + (nu.maxX + 1) * dsDetail);
    cell.y1 = Math.max(cell.y1, origin.y + (nu.maxY + 1) * dsDetail);
    const areaUm2 = px2ToUm2(nu.area, umDetail);
    const cluster = areaUm2 > config.clusterNucleusAreaUm2;
    // The nucleus is where the cell is (a cell region may be lopsided): it is the stored centre,
    // so reading order, slice ownership and "which cell is this" all agree.
    const centre = nucleusPoint;
    const nuclei = cluster ? Math.max(2, Math.round(areaUm2 / config.typicalNucleusAreaUm2)) : 1;
    if (cluster) stats.clusters++;
    push(cluster ? 'cluster' : 'cell', cell, centre, nu, r.area * dsMask * dsMask, nuclei);
  }

  // Cell-sized regions no nucleus reached, and holding no inflammatory cell: cells without a visible nucleus.
  const rest = scratchArray(Uint8Array, mw * mh);
  for (let i = 0; i < rest.length; i++) rest[i] = mask[i] === 1 && split.regions[i] === 0 ? 1 : 0;
  // As runs, not a label image: each component's pixels are only read back through its runs.
  const restRuns = componentRuns(rest, mw, mh, 1);
  const restAreas = restRuns.areas;
  const hasInflammatory = new Uint8Array(restAreas.length);
  for (let r = 0; r < restRuns.count; r++) {
    const label = restRuns.label[r]!;
    if (hasInflammatory[label] === 1) continue;
    const row = restRuns.row[r]! * mw;
    for (let i = row + restRuns.start[r]!, end = row + restRuns.end[r]!; i <= end; i++) {
      if (inflammatory[i] === 1) { hasInflammatory[label] = 1; break; }
    }
  }
  const restBounds = runBounds(restRuns, restAreas.length - 1);
  const umMask = umDetail * factor;
  for (let l = 1; l < restAreas.length; l++) {
    const areaUm2 = px2ToUm2(restAreas[l]!, umMask);
    if (hasInflammatory[l] === 1 || areaUm2 < config.minSeedlessAreaUm2 || areaUm2 > config.maxSeedlessAreaUm2) continue;
    const b = restBounds[l]!;
    const centre = { x: origin.x + (b.sumX / b.area) * dsMask, y: origin.y + (b.sumY / b.area) * dsMask };
    if (!inSlice(centre)) {
      stats.notOwned++;
      continue;
    }
    stats.seedless++;
    push('cell', toLevel0(b), centre, null, b.area * dsMask * dsMask, 0);
  }
  stats.kept = instances.length;
  return { instances, stats };
}
