// Every threshold of cell extraction in one place, with the defaults and the
// reasons for them. Areas and lengths are level-0 pixels so that a config means
// the same thing whatever downsample the segmentation mask was made at; only
// the erosion count is in mask pixels, because erosion acts on the mask grid.

import { ASSUMED_MPP } from '../scale.ts';
import { ExtractInputError } from './extract-error.ts';

/**
 * 'whole-cell': the mask carries a margin read from neighbouring slices; a candidate is kept
 *   only when its centroid lies in the owning slice (each physical cell once across the grid)
 *   and its box may cross the slice border (clamped to the slide).
 * 'paper': the APACC paper's per-slice behaviour: only the slice's own pixels are segmented,
 *   boxes are clamped to the slice, and a cell cut by the grid appears once on each side.
 */
export type ExtractMode = 'whole-cell' | 'paper';

export interface ExtractConfig {
  mode: ExtractMode;
  /** Pixel connectivity of every labelling step; only 8 (diagonal pixels join) is supported. */
  connectivity: 8;
  /** Connected components of the raw mask strictly larger than this (level-0 px^2) are dropped before erosion. */
  maxComponentArea: number;
  /** Erosions with a 3x3 square footprint, in mask pixels (k erosions = one (2k+1)x(2k+1) square). */
  erosionIterations: number;
  /** Inclusive range of the eroded component's area, level-0 px^2. */
  minArea: number;
  maxArea: number;
  /**
   * Minimum 4*pi*area/perimeter^2 of the eroded component (scikit-image perimeter). Meaningless
   * for a few pixels (a 1x9 line scores 2.3, one pixel has no perimeter and scores 0): minArea
   * must keep such specks out.
   */
  minRoundness: number;
  /** Minimum area / convex area (scikit-image solidity); 0 turns the test off. */
  minSolidity: number;
  /** Maximum eccentricity of the moment ellipse; 1 turns the test off. */
  maxEccentricity: number;
  /** Level-0 pixels added on every side of the grown-back box, so the cell's surroundings stay visible. */
  padding: number;
}

/*
 * Defaults, tuned on the synthetic demo slide's ground truth (test/fixtures, scored by
 * src-main/demo/detection-score.ts). Reasoning, at the typical 0.25 um/px level 0 and a
 * mask at downsample 4 (500 x 500 for a 2,000 px slice):
 * - APACC boxes that no slice edge cuts are 212-540 px a side (median ~330 px); with
 *   ~50 px of padding per side that is a cell of ~110-440 px across.
 * - minArea 5,000: a 110 px cell eroded by 3 mask px (12 level-0 px) is ~85 px across,
 *   ~5,700 px^2; smaller things are debris, lymphocytes, stain specks.
 * - maxArea 150,000: a ~440 px disc, the largest single cell APACC crops hold.
 * - maxComponentArea 300,000: about two of the largest cells touching; bigger blobs are
 *   sheets/clusters that erosion cannot split into single cells (the paper drops them).
 * - erosionIterations 5: at downsample 4 it cuts necks up to ~40 level-0 px wide, enough to
 *   part cells that touch or overlap a little, while a 128 px cell keeps ~40% of its area.
 *   On the demo slide (default model) recall went 0.953 -> 0.984 from k = 3 to 5; k = 7
 *   and more start to erase small cells.
 * - minRoundness 0.3: discs score ~0.9-1.0 and polygonal squamous cells ~0.75-0.85; two
 *   cells left joined score ~0.4-0.7 and are worth a crop (the rubbish and bothcells
 *   classes exist for them); a 1:10 streak scores ~0.25 and is dropped. 0.5 lost ~3% of
 *   the demo's cells, all of them joined pairs.
 * - padding 50: APACC boxes are ~100 px larger than the cell they hold.
 * - solidity / eccentricity tests off until the ground truth says they help.
 */
export const DEFAULT_EXTRACT_CONFIG: Readonly<ExtractConfig> = Object.freeze({
  mode: 'whole-cell',
  connectivity: 8,
  maxComponentArea: 300_000,
  erosionIterations: 5,
  minArea: 5_000,
  maxArea: 150_000,
  minRoundness: 0.3,
  minSolidity: 0,
  maxEccentricity: 1,
  padding: 50,
});

function requireNumber(name: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ExtractInputError(`extract config: ${name} must be a finite number ${range} (got ${String(value)})`);
  }
  return value;
}

/** Defaults overlaid with `overrides`, checked; throws ExtractInputError naming the bad field. */
export function resolveExtractConfig(overrides: Partial<ExtractConfig> = {}): ExtractConfig {
  const c: ExtractConfig = { ...DEFAULT_EXTRACT_CONFIG, ...overrides };
  if (c.mode !== 'whole-cell' && c.mode !== 'paper') {
    throw new ExtractInputError(`extract config: mode must be 'whole-cell' or 'paper' (got ${String(c.mode)})`);
  }
  if (c.connectivity !== 8) {
    throw new ExtractInputError(`extract config: connectivity must be 8 (got ${String(c.connectivity)})`);
  }
  requireNumber('maxComponentArea', c.maxComponentArea, 0);
  requireNumber('erosionIterations', c.erosionIterations, 0);
  if (!Number.isInteger(c.erosionIterations)) {
    throw new ExtractInputError(`extract config: erosionIterations must be a whole number (got ${c.erosionIterations})`);
  }
  requireNumber('minArea', c.minArea, 0);
  requireNumber('maxArea', c.maxArea, 0);
  if (c.minArea > c.maxArea) {
    throw new ExtractInputError(`extract config: minArea (${c.minArea}) must not exceed maxArea (${c.maxArea})`);
  }
  requireNumber('minRoundness', c.minRoundness, 0);
  requireNumber('minSolidity', c.minSolidity, 0, 1);
  requireNumber('maxEccentricity', c.maxEccentricity, 0, 1);
  requireNumber('padding', c.padding, 0);
  return c;
}

/** The mask scale the erosion count was chosen at (downsample 4 of a 0.25 um/px scan). */
export const EROSION_REFERENCE_UM_PER_PX = 1;

/**
 * The config for a scan at `mpp` um/px, on a mask of `maskUmPerPixel`: the defaults (and
 * overrides) above are level-0 px on the APACC scanner's 0.25 um/px, so areas scale by
 * (0.25 / mpp)^2 and the padding by 0.25 / mpp; the erosion count is in mask pixels at 1 um/px,
 * so a coarser mask erodes fewer times (rounded, at least once), the same depth in um.
 */
export function extractConfigForScale(mpp: number, overrides: Partial<ExtractConfig> = {}, maskUmPerPixel = EROSION_REFERENCE_UM_PER_PX): ExtractConfig {
  const c = resolveExtractConfig(overrides);
  const k = ASSUMED_MPP / mpp;
  const erosionIterations = c.erosionIterations === 0 ? 0 : Math.max(1, Math.round(c.erosionIterations * EROSION_REFERENCE_UM_PER_PX / maskUmPerPixel));
  return resolveExtractConfig({
    ...c,
    erosionIterations,
    maxComponentArea: c.maxComponentArea * k * k,
    minArea: c.minArea * k * k,
    maxArea: c.maxArea * k * k,
    padding: Math.round(c.padding * k),
  });
}

/**
 * Level-0 margin a 'whole-cell' mask should carry on each side of its slice so that any cell
 * the config can keep, with its centroid in the slice, lies wholly inside the mask: the
 * diameter of a disc of maxArea (generous for the radius, covering non-round cells) plus the
 * erosion. Defaults at downsample 4: 458 px. Cells that still reach the mask edge are flagged
 * by CellCandidate.cutByMaskEdge.
 */
export function suggestedMargin(config: ExtractConfig, downsample: number): number {
  return Math.ceil(2 * Math.sqrt(config.maxArea / Math.PI) + config.erosionIterations * downsample);
}
