// Cell features for AI assist: one fixed-length vector of numbers per cell,
// in physical units, from the cell's crop pixels, its stored measures and the
// slide's um/px. What a cytologist looks at is what goes in: size (cell and
// nucleus, in um), the nucleus-to-cytoplasm ratio, how dark and how grainy the
// nucleus is (hyperchromasia, coarse chromatin), its shape, and the colour of
// nucleus and cytoplasm (optical density per channel, so stain amount and hue
// are separated from brightness).
// The nucleus is the dark blob at the stored nucleus point, or, when the cell
// has none (cells without a visible nucleus, manual cells), the darkest blob
// near the crop's centre. It is cut out with Otsu's threshold on nuclear
// density, min(OD red, OD green) as in ../pipeline/instances/detect-nuclei.ts,
// over the stained pixels of a window around it, then flooded from its seed.
// Pure and allocation-light: a few hundred microseconds per cell at 0.25 um/px.
import type { CellKind } from '../domain/cell.ts';
import type { Box, Point } from '../domain/geometry.ts';
import { boxMean } from '../pipeline/instances/box-filter.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG } from '../pipeline/instances/instance-config.ts';
import { OD_TABLE } from '../pipeline/optical-density.ts';
import { otsuThreshold } from '../pipeline/otsu.ts';
import { fillHoles } from '../pipeline/segment/mask-morphology.ts';

/**
 * Rings around the nucleus point (um, outer radii): nuclear density and the share of nuclear-dark
 * pixels in each. A profile needs no segmentation, so it still tells a big pale nucleus or a
 * crowded group from a small dark one where the threshold cuts a nucleus badly.
 */
const RING_RADII_UM = [1.5, 3, 4.5, 6, 8, 10, 13] as const;
function RING_NAMES<P extends string>(prefix: P) {
  return RING_RADII_UM.map((r) => `${prefix}${r}` as const) as readonly `${P}${(typeof RING_RADII_UM)[number]}`[];
}

/** Names of the features, in vector order. Units in the name where there is one. */
export const CELL_FEATURE_NAMES = [
  'cellAreaUm2', 'cellPerimeterUm', 'boxWidthUm', 'boxHeightUm', 'roundness', 'solidity', 'eccentricity',
  'cluster', 'nuclei', 'nucleusGiven', 'nucleusFound',
  'nucleusAreaUm2', 'nucleusDiameterUm', 'ncRatio', 'nucleusCropAreaUm2', 'nucleusElongation',
  'nucleusDensity', 'nucleusDensityStd', 'nucleusGrain', 'nucleusOdRed', 'nucleusOdGreen', 'nucleusOdBlue',
  'cytoplasmOdRed', 'cytoplasmOdGreen', 'cytoplasmOdBlue', 'cytoplasmDensityStd', 'cytoplasmAreaUm2',
  'nucleusContrast', 'otherDarkShare',
  'nucleusRedShare', 'nucleusBlueShare', 'cytoplasmRedShare', 'cytoplasmBlueShare',
  ...RING_NAMES('ringDensity'), ...RING_NAMES('ringDarkShare'),
] as const;
export type CellFeatureName = (typeof CELL_FEATURE_NAMES)[number];
export const CELL_FEATURE_COUNT = CELL_FEATURE_NAMES.length;

/** Crop pixels, row-major, 3 (RGB) or 4 (RGBA, alpha 0 = not scanned) bytes per pixel. */
export interface CellCrop {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** What the features need of a cell record (CellRecord has all of it); level-0 px and px^2. */
export interface CellMeasures {
  box: Box;
  area: number | null;
  perimeter: number | null;
  roundness: number | null;
  solidity: number | null;
  eccentricity: number | null;
  kind?: CellKind;
  nucleus: Point | null;
  nucleusArea: number | null;
  nuclei?: number | null;
}

export interface CellFeatureInput {
  /** The cell's box, read at `cropDownsample`: about box.width / cropDownsample px wide. */
  crop: CellCrop;
  cell: CellMeasures;
  /** um per level-0 px of the slide. */
  mpp: number;
  /** Level-0 px per crop px (1 = a level-0 crop). */
  cropDownsample?: number;
}

/** Cytoplasm statistics are taken on a grid this fine (um): finer adds time, not information. */
const CYTOPLASM_GRID_UM = 0.5;
/** Nuclear density is smoothed over this radius (um) before the threshold: chromatin grain and JPEG noise. */
const NUCLEUS_SMOOTH_UM = 0.5;
/** Nucleus windows: radius around the seed, from the stored nucleus size or a typical one (um). */
const WINDOW_PER_RADIUS = 1.6;
const WINDOW_MARGIN_UM = 1.5;
const WINDOW_MIN_UM = 5;
const WINDOW_MAX_UM = 14;
/** Where no nucleus is stored, the darkest blob is looked for within this share of the inner box's half-side. */
const SEARCH_SHARE = 0.6;
/** The seed may miss the thresholded blob by this much (um) before the nucleus counts as not found. */
const SEED_SNAP_UM = 1.5;
/** Nuclear density histogram: bins per OD unit (OD 0..2 fills the 256 bins). */
const OD_BINS_PER_UNIT = 127.5;
const CONFIG = DEFAULT_CELL_INSTANCE_CONFIG;

function fail(message: string): never {
  throw new RangeError(`cell features: ${message}`);
}

function checkInput(input: CellFeatureInput): number {
  const { crop, cell, mpp } = input;
  const ds = input.cropDownsample ?? 1;
  if (!(Number.isFinite(mpp) && mpp > 0)) fail(`mpp must be a positive number, got ${mpp}`);
  if (!(Number.isFinite(ds) && ds > 0)) fail(`cropDownsample must be a positive number, got ${ds}`);
  if (crop.channels !== 3 && crop.channels !== 4) fail(`crop must have 3 or 4 channels, got ${String(crop.channels)}`);
  if (!(Number.isInteger(crop.width) && Number.isInteger(crop.height) && crop.width > 0 && crop.height > 0)) fail(`crop size ${crop.width}x${crop.height} is not a positive whole size`);
  if (crop.data.length !== crop.width * crop.height * crop.channels) fail(`crop has ${crop.data.length} bytes, expected ${crop.width}x${crop.height}x${crop.channels}`);
  const b = cell.box;
  if (![b.x, b.y, b.width, b.height].every(Number.isFinite) || b.width <= 0 || b.height <= 0) fail('cell box must be finite with a positive size');
  // The crop is the box at the downsample; rounding either way is allowed.
  if (Math.abs(b.width / ds - crop.width) > 2 || Math.abs(b.height / ds - crop.height) > 2) {
    fail(`crop ${crop.width}x${crop.height} px does not cover box ${b.width}x${b.height} at downsample ${ds}`);
  }
  return ds;
}

/** The nucleus the features measured, in crop px: a window of the crop and its mask. */
export interface NucleusMask {
  /** Window origin (crop px) and size; mask 1 = nucleus. */
  x0: number;
  y0: number;
  w: number;
  h: number;
  mask: Uint8Array;
  area: number;
  /** Nuclear density threshold used (OD). */
  threshold: number;
  /** Where the nucleus was looked for (the stored nucleus point, or the darkest point near the centre). */
  seed: Point;
}

/** Nuclear density of crop pixel i (a byte offset), or -1 for a pixel that was not scanned. */
function nuclearDensity(data: CellCrop['data'], p: number, alpha: boolean): number {
  if (alpha && data[p + 3] === 0) return -1;
  const r = OD_TABLE[data[p]!]!;
  const g = OD_TABLE[data[p + 1]!]!;
  return r < g ? r : g;
}

/** The darkest smoothed point near the crop centre (crop px), or null on an empty crop. */
function darkestNearCentre(crop: CellCrop, inner: Box, umPerPx: number): Point | null {
  const step = Math.max(1, Math.round(CYTOPLASM_GRID_UM / umPerPx));
  const gw = Math.ceil(crop.width / step);
  const gh = Math.ceil(crop.height / step);
  const grid = new Float32Array(gw * gh);
  const ch = crop.channels;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const v = nuclearDensity(crop.data, ((gy * step) * crop.width + gx * step) * ch, ch === 4);
      grid[gy * gw + gx] = v < 0 ? 0 : v;
    }
  }
  const smooth = boxMean(grid, gw, gh, Math.max(1, Math.round(2 / (umPerPx * step))));
  const cx = inner.x + inner.width / 2;
  const cy = inner.y + inner.height / 2;
  const rx = Math.max(1, (SEARCH_SHARE * inner.width) / 2);
  const ry = Math.max(1, (SEARCH_SHARE * inner.height) / 2);
  let best = -Infinity;
  let at: Point | null = null;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const dx = (gx * step + 0.5 - cx) / rx;
      const dy = (gy * step + 0.5 - cy) / ry;
      const d2 = dx * dx + dy * dy;
      if (d2 > 1) continue;
      // A mild pull to the centre: of two equally dark blobs, the central one is this cell's.
      const score = smooth[gy * gw + gx]! - 0.1 * d2;
      if (score > best) { best = score; at = { x: gx * step + step / 2, y: gy * step + step / 2 }; }
    }
  }
  return at;
}

/** Mean nuclear density per ring, then the share of pixels over `threshold` per ring (zeros without a centre). */
function ringProfile(crop: CellCrop, centre: Point | null, umPerPx: number, threshold: number): Float64Array {
  const n = RING_RADII_UM.length;
  const out = new Float64Array(2 * n);
  if (!centre) return out;
  const sum = new Float64Array(n);
  const dark = new Float64Array(n);
  const count = new Float64Array(n);
  const outer = RING_RADII_UM[n - 1]! / umPerPx;
  // Ring of a squared distance in um^2, looked up per whole um^2.
  const ringOf = new Int8Array(Math.ceil(RING_RADII_UM[n - 1]! ** 2) + 1);
  for (let d2 = 0, r = 0; d2 < ringOf.length; d2++) {
    while (r < n - 1 && d2 > RING_RADII_UM[r]! ** 2) r++;
    ringOf[d2] = r;
  }
  const ch = crop.channels;
  const alpha = ch === 4;
  const u2 = umPerPx * umPerPx;
  const step = Math.max(1, Math.round(CYTOPLASM_GRID_UM / umPerPx));
  const x0 = Math.max(0, Math.floor(centre.x - outer));
  const x1 = Math.min(crop.width, Math.ceil(centre.x + outer));
  for (let y = Math.max(0, Math.floor(centre.y - outer)); y < Math.min(crop.height, Math.ceil(centre.y + outer)); y += step) {
    const dy = y + 0.5 - centre.y;
    for (let x = x0; x < x1; x += step) {
      const dx = x + 0.5 - centre.x;
      const d2 = Math.round((dx * dx + dy * dy) * u2);
      if (d2 >= ringOf.length) continue;
      const v = nuclearDensity(crop.data, (y * crop.width + x) * ch, alpha);
      if (v < 0) continue;
      const r = ringOf[d2]!;
      sum[r]! += v;
      count[r]!++;
      if (v > threshold) dark[r]!++;
    }
  }
  for (let r = 0; r < n; r++) {
    out[r] = count[r]! > 0 ? sum[r]! / count[r]! : 0;
    out[n + r] = count[r]! > 0 ? dark[r]! / count[r]! : 0;
  }
  return out;
}

/**
 * Otsu's split, placed halfway between the two classes' means (in bins). Otsu's optimum satisfies
 * this on smooth histograms; on two sharp peaks any cut between them scores the same and Otsu
 * returns the lowest, which would let the smoothed rim of a nucleus count as nucleus.
 */
function midOtsu(histogram: Float64Array): number {
  const t = otsuThreshold(histogram);
  let n0 = 0, s0 = 0, n1 = 0, s1 = 0;
  for (let i = 0; i < 256; i++) {
    const h = histogram[i]!;
    if (i <= t) { n0 += h; s0 += h * (i + 0.5); } else { n1 += h; s1 += h * (i + 0.5); }
  }
  return n0 > 0 && n1 > 0 ? (s0 / n0 + s1 / n1) / 2 : t + 1;
}

/** The nucleus around `seed` (crop px): Otsu over the window's stained pixels, flooded from the seed. */
function segmentNucleus(crop: CellCrop, seed: Point, radiusPx: number, umPerPx: number): NucleusMask {
  const ch = crop.channels;
  const alpha = ch === 4;
  const x0 = Math.max(0, Math.floor(seed.x - radiusPx));
  const y0 = Math.max(0, Math.floor(seed.y - radiusPx));
  const x1 = Math.min(crop.width, Math.ceil(seed.x + radiusPx));
  const y1 = Math.min(crop.height, Math.ceil(seed.y + radiusPx));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const empty: NucleusMask = { x0, y0, w, h, mask: new Uint8Array(w * h), area: 0, threshold: CONFIG.nucleusMinDensity, seed };
  if (w === 0 || h === 0) return empty;
  const density = new Float32Array(w * h);
  const inDisc = new Uint8Array(w * h);
  const histogram = new Float64Array(256);
  const r2 = radiusPx * radiusPx;
  for (let y = 0; y < h; y++) {
    const dy = y0 + y + 0.5 - seed.y;
    for (let x = 0; x < w; x++) {
      const p = ((y0 + y) * crop.width + x0 + x) * ch;
      if (alpha && crop.data[p + 3] === 0) continue;
      const r = OD_TABLE[crop.data[p]!]!;
      const g = OD_TABLE[crop.data[p + 1]!]!;
      const v = r < g ? r : g;
      density[y * w + x] = v;
      const dx = x0 + x + 0.5 - seed.x;
      if (dx * dx + dy * dy > r2) continue;
      inDisc[y * w + x] = 1;
      // Glass is left out of the histogram: the split wanted is nucleus vs cytoplasm.
      if (r + g + OD_TABLE[crop.data[p + 2]!]! > CONFIG.stainDensity) histogram[Math.min(255, Math.floor(v * OD_BINS_PER_UNIT))]! += 1;
    }
  }
  const smooth = boxMean(density, w, h, Math.max(0, Math.round(NUCLEUS_SMOOTH_UM / umPerPx)));
  const threshold = Math.max(CONFIG.nucleusMinDensity, midOtsu(histogram) / OD_BINS_PER_UNIT);
  // Start from the seed pixel, or the nearest pixel over the threshold within the snap distance.
  const snap = SEED_SNAP_UM / umPerPx;
  let start = -1;
  let bestD2 = snap * snap;
  for (let y = Math.max(0, Math.floor(seed.y - snap) - y0); y < Math.min(h, Math.ceil(seed.y + snap) - y0); y++) {
    for (let x = Math.max(0, Math.floor(seed.x - snap) - x0); x < Math.min(w, Math.ceil(seed.x + snap) - x0); x++) {
      const i = y * w + x;
      if (inDisc[i] === 0 || smooth[i]! <= threshold) continue;
      const dx = x0 + x + 0.5 - seed.x;
      const dy = y0 + y + 0.5 - seed.y;
      const d2 = dx * dx + dy * dy;
      if (d2 <= bestD2) { bestD2 = d2; start = i; }
    }
  }
  if (start < 0) return { ...empty, threshold };
  let mask: Uint8Array = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  let top = 0;
  stack[top++] = start;
  mask[start] = 1;
  // 4-connected flood; each neighbour test written out (a closure per pixel costs more than the test).
  while (top > 0) {
    const i = stack[--top]!;
    const x = i % w;
    let j = i - 1;
    if (x > 0 && mask[j] === 0 && inDisc[j] === 1 && smooth[j]! > threshold) { mask[j] = 1; stack[top++] = j; }
    j = i + 1;
    if (x < w - 1 && mask[j] === 0 && inDisc[j] === 1 && smooth[j]! > threshold) { mask[j] = 1; stack[top++] = j; }
    j = i - w;
    if (j >= 0 && mask[j] === 0 && inDisc[j] === 1 && smooth[j]! > threshold) { mask[j] = 1; stack[top++] = j; }
    j = i + w;
    if (j < w * h && mask[j] === 0 && inDisc[j] === 1 && smooth[j]! > threshold) { mask[j] = 1; stack[top++] = j; }
  }
  mask = fillHoles(mask, w, h);
  let area = 0;
  for (let i = 0; i < mask.length; i++) area += mask[i]!;
  return { x0, y0, w, h, mask, area, threshold, seed };
}

/** The cell without the box's padding (never more than a quarter of a side), crop px. */
function innerBox(crop: CellCrop, umPerPx: number): Box {
  const padX = Math.min(CONFIG.paddingUm / umPerPx, crop.width / 4);
  const padY = Math.min(CONFIG.paddingUm / umPerPx, crop.height / 4);
  return { x: padX, y: padY, width: crop.width - 2 * padX, height: crop.height - 2 * padY };
}

function locateNucleus(input: CellFeatureInput, ds: number, inner: Box): NucleusMask | null {
  const { crop, cell, mpp } = input;
  const umPerPx = mpp * ds;
  const seed = cell.nucleus !== null
    ? { x: (cell.nucleus.x - cell.box.x) / ds, y: (cell.nucleus.y - cell.box.y) / ds }
    : darkestNearCentre(crop, inner, umPerPx);
  if (!seed) return null;
  const givenAreaUm2 = cell.nucleusArea !== null && cell.nucleusArea > 0 ? cell.nucleusArea * mpp * mpp : null;
  const radiusUm = Math.sqrt((givenAreaUm2 ?? CONFIG.typicalNucleusAreaUm2) / Math.PI);
  const windowUm = Math.min(WINDOW_MAX_UM, Math.max(WINDOW_MIN_UM, WINDOW_PER_RADIUS * radiusUm + WINDOW_MARGIN_UM));
  return segmentNucleus(crop, seed, windowUm / umPerPx, umPerPx);
}

/** The nucleus the features measure (crop px), or null when the crop has nowhere to look. */
export function findCellNucleus(input: CellFeatureInput): NucleusMask | null {
  const ds = checkInput(input);
  return locateNucleus(input, ds, innerBox(input.crop, input.mpp * ds));
}

/**
 * The feature vector of one cell (CELL_FEATURE_NAMES order), every value finite. A measure the
 * record lacks is estimated from the crop (cell area: its stained pixels) or set to a neutral
 * value (roundness 1, solidity 1, eccentricity 0); nucleusGiven / nucleusFound say what the
 * nucleus features rest on, and they are 0 where no nucleus was found.
 */
export function cellFeatures(input: CellFeatureInput, out: Float64Array = new Float64Array(CELL_FEATURE_COUNT)): Float64Array {
  const ds = checkInput(input);
  if (out.length !== CELL_FEATURE_COUNT) fail(`output has ${out.length} slots, expected ${CELL_FEATURE_COUNT}`);
  const { crop, cell, mpp } = input;
  const umPerPx = mpp * ds;
  const um2PerPx = umPerPx * umPerPx;
  const level0Um2 = mpp * mpp;
  const ch = crop.channels;
  const alpha = ch === 4;
  const data = crop.data;

  const inner = innerBox(crop, umPerPx);
  const given = cell.nucleus !== null;
  const givenAreaUm2 = cell.nucleusArea !== null && cell.nucleusArea > 0 ? cell.nucleusArea * level0Um2 : null;
  const nucleus = locateNucleus(input, ds, inner);
  const found = nucleus !== null && nucleus.area > 0;
  const threshold = nucleus?.threshold ?? CONFIG.nucleusMinDensity;

  // Nucleus statistics, full crop resolution.
  let nSum = 0, nSum2 = 0, nR = 0, nG = 0, nB = 0, grain = 0, grainPairs = 0;
  let mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
  if (found) {
    const { x0, y0, w, h, mask } = nucleus;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (mask[i] === 0) continue;
        const p = ((y0 + y) * crop.width + x0 + x) * ch;
        const r = OD_TABLE[data[p]!]!;
        const g = OD_TABLE[data[p + 1]!]!;
        const v = r < g ? r : g;
        nSum += v; nSum2 += v * v;
        nR += r; nG += g; nB += OD_TABLE[data[p + 2]!]!;
        mx += x; my += y; mxx += x * x; myy += y * y; mxy += x * y;
        // Chromatin grain: density steps to the right and down neighbours inside the nucleus.
        if (x + 1 < w && mask[i + 1] === 1) { grain += Math.abs(nuclearDensity(data, p + ch, alpha) - v); grainPairs++; }
        if (y + 1 < h && mask[i + w] === 1) { grain += Math.abs(nuclearDensity(data, p + crop.width * ch, alpha) - v); grainPairs++; }
      }
    }
  }
  const nArea = found ? nucleus.area : 0;
  const nMean = nArea > 0 ? nSum / nArea : 0;
  const nStd = nArea > 0 ? Math.sqrt(Math.max(0, nSum2 / nArea - nMean * nMean)) : 0;
  let elongation = 0;
  if (nArea > 1) {
    const cx = mx / nArea, cy = my / nArea;
    const sxx = mxx / nArea - cx * cx, syy = myy / nArea - cy * cy, sxy = mxy / nArea - cx * cy;
    const half = (sxx + syy) / 2;
    const root = Math.sqrt(Math.max(0, ((sxx - syy) / 2) ** 2 + sxy * sxy));
    const major = half + root;
    const minor = Math.max(0, half - root);
    elongation = major > 0 ? 1 - Math.sqrt(minor / major) : 0;
  }

  // Cytoplasm: stained pixels of the ellipse inscribed in the inner box, not nucleus, not other dark blobs.
  const step = Math.max(1, Math.round(CYTOPLASM_GRID_UM / umPerPx));
  const ecx = inner.x + inner.width / 2;
  const ecy = inner.y + inner.height / 2;
  const erx = Math.max(0.5, inner.width / 2);
  const ery = Math.max(0.5, inner.height / 2);
  let cCount = 0, cR = 0, cG = 0, cB = 0, cSum = 0, cSum2 = 0, dark = 0, stained = 0;
  for (let y = Math.floor(inner.y); y < Math.ceil(inner.y + inner.height); y += step) {
    const dy = (y + 0.5 - ecy) / ery;
    const dy2 = dy * dy;
    if (dy2 > 1) continue;
    const half = erx * Math.sqrt(1 - dy2);
    const xStart = Math.max(0, Math.ceil(ecx - half - 0.5));
    const xEnd = Math.min(crop.width, Math.floor(ecx + half - 0.5) + 1);
    const row = y * crop.width;
    const ny = found ? y - nucleus.y0 : -1;
    const nRow = found && ny >= 0 && ny < nucleus.h;
    for (let x = xStart; x < xEnd; x += step) {
      const p = (row + x) * ch;
      if (alpha && data[p + 3] === 0) continue;
      const r = OD_TABLE[data[p]!]!;
      const g = OD_TABLE[data[p + 1]!]!;
      const b = OD_TABLE[data[p + 2]!]!;
      if (r + g + b <= CONFIG.stainDensity) continue;
      stained++;
      if (nRow) {
        const nx = x - nucleus.x0;
        if (nx >= 0 && nx < nucleus.w && nucleus.mask[ny * nucleus.w + nx] === 1) continue;
      }
      const v = r < g ? r : g;
      if (v > threshold) { dark++; continue; }
      cCount++; cR += r; cG += g; cB += b; cSum += v; cSum2 += v * v;
    }
  }
  const cMean = cCount > 0 ? cSum / cCount : 0;
  const cStd = cCount > 0 ? Math.sqrt(Math.max(0, cSum2 / cCount - cMean * cMean)) : 0;
  const gridUm2 = step * step * um2PerPx;
  const cytoplasmAreaUm2 = cCount * gridUm2;

  const rings = ringProfile(crop, nucleus?.seed ?? null, umPerPx, threshold);

  const cellAreaUm2 = cell.area !== null && cell.area > 0 ? cell.area * level0Um2 : (stained * gridUm2 + nArea * um2PerPx);
  const perimeterUm = cell.perimeter !== null ? cell.perimeter * mpp : 2 * Math.sqrt(Math.PI * cellAreaUm2);
  const nucleusAreaUm2 = givenAreaUm2 ?? nArea * um2PerPx;

  let k = 0;
  out[k++] = cellAreaUm2;
  out[k++] = perimeterUm;
  out[k++] = cell.box.width * mpp;
  out[k++] = cell.box.height * mpp;
  out[k++] = cell.roundness ?? 1;
  out[k++] = cell.solidity ?? 1;
  out[k++] = cell.eccentricity ?? 0;
  out[k++] = cell.kind === 'cluster' ? 1 : 0;
  out[k++] = cell.nuclei ?? (given ? 1 : 0);
  out[k++] = given ? 1 : 0;
  out[k++] = found ? 1 : 0;
  out[k++] = nucleusAreaUm2;
  out[k++] = 2 * Math.sqrt(nucleusAreaUm2 / Math.PI);
  out[k++] = cellAreaUm2 > 0 ? Math.min(1, nucleusAreaUm2 / cellAreaUm2) : 0;
  out[k++] = nArea * um2PerPx;
  out[k++] = elongation;
  out[k++] = nMean;
  out[k++] = nStd;
  out[k++] = grainPairs > 0 ? grain / grainPairs : 0;
  out[k++] = nArea > 0 ? nR / nArea : 0;
  out[k++] = nArea > 0 ? nG / nArea : 0;
  out[k++] = nArea > 0 ? nB / nArea : 0;
  out[k++] = cCount > 0 ? cR / cCount : 0;
  out[k++] = cCount > 0 ? cG / cCount : 0;
  out[k++] = cCount > 0 ? cB / cCount : 0;
  out[k++] = cStd;
  out[k++] = cytoplasmAreaUm2;
  out[k++] = found ? nMean - cMean : 0;
  out[k++] = stained > 0 ? dark / stained : 0;
  // Hue without stain amount: which share of the optical density each channel takes (hematoxylin
  // absorbs red and green, orange G green and blue, light green red).
  const nOd = nR + nG + nB;
  const cOd = cR + cG + cB;
  out[k++] = nOd > 0 ? nR / nOd : 0;
  out[k++] = nOd > 0 ? nB / nOd : 0;
  out[k++] = cOd > 0 ? cR / cOd : 0;
  out[k++] = cOd > 0 ? cB / cOd : 0;
  for (const v of rings) out[k++] = v;
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) fail(`feature ${CELL_FEATURE_NAMES[i]} is not finite (${out[i]})`);
  return out;
}
