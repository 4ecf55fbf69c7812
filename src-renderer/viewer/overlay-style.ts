// Colours and sizes of the cell overlay. Class colours come from the interned
// APACC classes; the rest are ours, picked to read on pale glass and on
// purple/pink stained cells alike.

import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';

export const UNLABELLED_COLOUR = '#8C939D';
export const FLAG_COLOUR = '#F5A623';
/** Dashed inner line of a cluster candidate. */
export const CLUSTER_COLOUR = '#FFFFFF';
export const FOCUS_OUTER = '#111418';
export const FOCUS_INNER = '#FFFFFF';
export const SLICE_GRID_COLOUR = '#0096AA';
export const FOV_COLOUR = '#E8A33D';
/** Hatching over damaged scan data, and its line spacing in CSS px. */
export const DAMAGE_COLOUR = '#D81B60';
export const DAMAGE_HATCH_CSS = 10;

/** Stroke colour by label code + 1 (index 0 = unlabelled). */
export const CODE_COLOURS: readonly string[] = [UNLABELLED_COLOUR, ...CELL_CLASSES.map((c) => c.colour)];

export function colourOfCode(code: number): string {
  return CODE_COLOURS[code + 1] ?? UNLABELLED_COLOUR;
}

/** Box stroke width in CSS px. */
export const BOX_LINE_CSS = 2;
/**
 * Below this many CSS px for a typical box side the overlay stops drawing
 * vectors and shows the pre-rendered raster: boxes that small are colour
 * dots anyway, and a zoomed-out view may hold every cell of the slide.
 */
export const RASTER_BELOW_CSS_PX = 6;
/** Longest side of the zoomed-out raster, in raster px. */
export const RASTER_MAX_SIDE = 2048;
