// Every threshold of the one-candidate-per-cell step, in micrometres (or
// optical density), with the reasons. Tuned on the CRIC development fields
// (shared/data/real-pap/cricva-dev, training split only; the held-out third is
// reported by `npm run eval:cells`). Pixel values come from ../scale.ts.

export interface CellInstanceConfig {
  /** Scale nuclei are found at: a 4 um pyknotic nucleus is still 8 px across. */
  nucleusUmPerPixel: number;
  /** Box-blur radius (um) applied twice before thresholding: removes chromatin grain and JPEG noise. */
  smoothRadiusUm: number;
  /** Radius (um) of the local mean a nucleus must stand out from: wider than a large nucleus. */
  backgroundRadiusUm: number;
  /** min(OD red, OD green) a nucleus pixel exceeds its local mean by. */
  nucleusContrast: number;
  /** ...and at least this absolute value (glass and pale cytoplasm stay below). */
  nucleusMinDensity: number;
  /** Nuclei touching through a neck narrower than twice this (um) are parted. */
  nucleusNeckUm: number;
  /** ...when each side keeps a core of at least this much after that erosion (um^2). */
  minNucleusCoreUm2: number;
  /** Dark blobs smaller than this are specks, bacteria or debris (um^2). */
  minNucleusAreaUm2: number;
  /** Nuclei at least this large are epithelial whatever surrounds them (intermediate 7-9 um, abnormal larger). */
  epithelialNucleusAreaUm2: number;
  /** A smaller nucleus must be at least this large (a pyknotic superficial nucleus, 4-5 um across) to count at all (um^2). */
  minSmallNucleusAreaUm2: number;
  /** Ring around a smaller nucleus, from its edge (um), where cytoplasm is looked for. */
  cytoplasmRingUm: readonly [number, number];
  /** Share of that ring that must be stained non-nuclear material for a small nucleus to count as a cell's. */
  minRingCytoplasm: number;
  /** Summed R+G+B optical density (mean over a 2 x 2 px block) above which the block is stained (cytoplasm or nucleus), not glass. */
  stainDensity: number;
  /** A dark blob larger than this is several overlapping nuclei: one cluster candidate (um^2). */
  clusterNucleusAreaUm2: number;
  /** Typical single nucleus area, to estimate how many a cluster holds (um^2). */
  typicalNucleusAreaUm2: number;
  /** A cell region reaches at most this far (geodesic, um) from its nucleus. */
  maxCellRadiusUm: number;
  /** Cell regions with no visible nucleus (anucleate squames, pale cells) are candidates in this area range (um^2). */
  minSeedlessAreaUm2: number;
  maxSeedlessAreaUm2: number;
  /** Added on every side of the cell's box so its surroundings stay visible (APACC boxes are ~100 px = 25 um wider). */
  paddingUm: number;
}

/*
 * Reasoning, measured on the 61 training fields (1,406 annotated nuclei):
 * - min(OD red, OD green): nuclei absorb both; orange/pink (eosinophilic) cytoplasm absorbs
 *   little red and cyan (cyanophilic) cytoplasm little green, so neither counts as nuclear.
 * - contrast 0.1 over a 12 um local mean, floor 0.25: 96 % of annotated nuclei fall inside a
 *   blob; contrast 0.2 lost 8 % (pale vesicular NILM and ASC-US nuclei).
 * - inflammatory cells (neutrophils: 2-4 um lobes, 10-15 um cells) are 3-4 of every 5 blobs.
 *   A nucleus >= 35 um^2 is epithelial (HSIL/ASC-H nuclei are larger still, so small abnormal
 *   cells stay); a smaller one (a pyknotic superficial nucleus) is kept only when >= 70 % of
 *   the ring 3-7 um around it is cytoplasm, and >= 8 um^2 (single neutrophil lobes are smaller).
 *   Together: 95 % of annotated nuclei kept, blobs per annotated nucleus 4.8 -> 3.4; size alone
 *   (>= 35 um^2) kept 85 %. Learnt combinations of a dozen blob features did no better.
 * - parting nuclei that touch through a neck < ~2.5 um (erosion by 1 um): one-box recall
 *   0.944 -> 0.951, abnormal 0.951 -> 0.959, boxes per annotated nucleus 3.4 -> 3.7.
 * - clusters: a blob > 300 um^2 is several overlapping nuclei (a single HSIL nucleus is rarely
 *   over 200 um^2 here); regions reach at most 60 um from their nucleus (superficial cells are
 *   up to ~100 um across); padding 12.5 um = APACC's ~50 px per side at 0.25 um/px.
 * On the 31 held-out fields (`npm run eval:cells`) these give the figures in the README.
 */
export const DEFAULT_CELL_INSTANCE_CONFIG: Readonly<CellInstanceConfig> = Object.freeze({
  nucleusUmPerPixel: 0.5,
  smoothRadiusUm: 0.5,
  backgroundRadiusUm: 12,
  nucleusContrast: 0.1,
  nucleusMinDensity: 0.25,
  nucleusNeckUm: 1,
  minNucleusCoreUm2: 2,
  minNucleusAreaUm2: 5,
  epithelialNucleusAreaUm2: 35,
  minSmallNucleusAreaUm2: 8,
  cytoplasmRingUm: Object.freeze([3, 7]) as readonly [number, number],
  minRingCytoplasm: 0.7,
  stainDensity: 0.3,
  clusterNucleusAreaUm2: 300,
  typicalNucleusAreaUm2: 50,
  maxCellRadiusUm: 60,
  minSeedlessAreaUm2: 300,
  maxSeedlessAreaUm2: 6000,
  paddingUm: 12.5,
});

/**
 * Margin (um) read around each slice so that any cell whose nucleus lies in the slice is whole:
 * its region's reach. The padding is box arithmetic and needs no pixels (boxes are clamped to the
 * slide, not to what was read).
 */
export function instanceMarginUm(config: CellInstanceConfig): number {
  return config.maxCellRadiusUm;
}
