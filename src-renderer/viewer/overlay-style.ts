// Colours and sizes of the cell overlay. Class colours come from the interned
// APACC classes; the rest are ours, picked to read on pale glass and on
// purple/pink stained cells alike. Colour is never the only cue: each class
// also has its own line pattern and letter (CODE_CUES), because healthy and
// unhealthy both turn olive for a deuteranope, and rubbish and bothcells
// both blue. The pairs that must reach WCAG's 3:1 for non-text contrast are
// listed in swatch-contrast.ts and checked by its unit test.

import { CELL_CLASSES, type CellClassName } from '../../src-main/domain/cell-class.ts';

/** Dark enough for white badge text (4.5:1) and to stand out on glass; light enough on the dark panels (3:1). */
export const UNLABELLED_COLOUR = '#6E7681';
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

/** The cue besides colour: a dash pattern (on, off, ... in CSS px; empty = solid), a double line, a letter. */
export interface ClassCue {
  dash: readonly number[];
  double: boolean;
  /** Drawn beside the box when it is large on screen; '' for unlabelled. */
  letter: string;
}

// Unhealthy, the class nobody may miss, is the only double line; the three
// others differ in their dash rhythm, which survives any colour vision.
const CLASS_CUES: Record<CellClassName, Omit<ClassCue, 'letter'>> = {
  healthy: { dash: [9, 3], double: false },
  rubbish: { dash: [2, 3], double: false },
  unhealthy: { dash: [], double: true },
  bothcells: { dash: [9, 3, 2, 3], double: false },
};

/** Cue by label code + 1 (index 0 = unlabelled: a plain solid line). */
export const CODE_CUES: readonly ClassCue[] = [
  { dash: [], double: false, letter: '' },
  ...CELL_CLASSES.map((c) => ({ ...CLASS_CUES[c.name], letter: c.letterKey.toUpperCase() })),
];

/**
 * A light line on both sides of every box stroke, and in its dash gaps: on
 * stain the class colours alone reach 2-2.5:1, against this casing 3.6:1 or more.
 */
export const CASING_COLOUR = '#FFFFFF';
/** Casing width in CSS px. */
export const CASING_CSS = 1;
/** Class letters appear beside boxes whose shorter side is at least this many CSS px. */
export const LETTER_MIN_BOX_CSS = 40;
export const LETTER_FONT_CSS = 13;
/** The flag: a pennant on a short pole above the box's top-right corner, this tall, at any zoom. */
export const FLAG_HEIGHT_CSS = 18;
/** Outline of the pennant and the pole. */
export const FLAG_OUTLINE = '#111418';
/** The ring around UI swatches on the dark panels (app.css `.swatch`), so every class colour reaches 3:1. */
export const SWATCH_RING = '#E3E6EA';
/** Background of the overlay legend over the slide. */
export const LEGEND_BACKGROUND = '#F7F7F8';

export function colourOfCode(code: number): string {
  return CODE_COLOURS[code + 1] ?? UNLABELLED_COLOUR;
}

/** Box stroke width in CSS px. */
export const BOX_LINE_CSS = 2;

/**
 * A suggestion is not a label: the cell keeps its grey unlabelled line and
 * gets a thin dotted ring just outside it (outside its casing) in the
 * suggested class's colour, and, where the box is large, "r? 0.87" in
 * italics (letter in lower case, a question mark, the probability) where a
 * label's upper-case letter would stand. A labelled cell shows no suggestion.
 */
export const SUGGESTION_LINE_CSS = 1;
/** Dots of the ring: on, off in CSS px (shorter than any class dash). */
export const SUGGESTION_DASH_CSS: readonly number[] = [2, 2];
export const SUGGESTION_FONT_CSS = 12;
/**
 * Below this many CSS px for a typical box side the overlay stops drawing
 * vectors and shows the pre-rendered raster: boxes that small are colour
 * dots anyway, and a zoomed-out view may hold every cell of the slide.
 */
export const RASTER_BELOW_CSS_PX = 6;
/** Longest side of the zoomed-out raster, in raster px. */
export const RASTER_MAX_SIDE = 2048;
