// True-scale crops: in '1:1' mode every gallery tile and the panel's crop
// show the slide at one fixed physical scale, DISPLAY_UM_PER_PX, whatever the
// scan's pixel size, so a 250 px intermediate cell looks smaller than a 400 px
// superficial one and sizes and N:C compare at a glance. 'fit' scales each
// crop into its frame (the old view). The choice is remembered on this machine.

import { RememberedChoice } from '../model/remembered-choice.ts';

export type CropScaleMode = '1:1' | 'fit';

/** Micrometres per CSS px of every crop in '1:1' mode (a 96 um field in a gallery tile). */
export const DISPLAY_UM_PER_PX = 0.5;
/** Length of the scale bar on each crop. */
export const SCALE_BAR_UM = 10;

export interface CropDisplay {
  /** CSS px the whole crop takes. */
  width: number;
  height: number;
  /** CSS px of SCALE_BAR_UM at this size; null when the slide's pixel size is unknown. */
  barPx: number | null;
  /** The mode in effect: '1:1' needs the slide's pixel size, and falls back to 'fit' without it. */
  mode: CropScaleMode;
}

/**
 * How large a crop of `boxWidth` x `boxHeight` level-0 px shows: at the fixed
 * scale, or fitted into the frame (never enlarged).
 */
export function cropDisplay(boxWidth: number, boxHeight: number, mpp: number | null, mode: CropScaleMode, frame: { width: number; height: number }): CropDisplay {
  const known = mpp !== null && mpp > 0;
  if (mode === '1:1' && known) {
    const k = mpp / DISPLAY_UM_PER_PX;
    return { width: boxWidth * k, height: boxHeight * k, barPx: SCALE_BAR_UM / DISPLAY_UM_PER_PX, mode: '1:1' };
  }
  const k = Math.min(1, frame.width / boxWidth, frame.height / boxHeight);
  return { width: boxWidth * k, height: boxHeight * k, barPx: known ? (SCALE_BAR_UM / mpp) * k : null, mode: 'fit' };
}

/** The remembered mode, one setting for the gallery and the panel. */
export const cropScaleMode = new RememberedChoice<CropScaleMode>('smearlab.cropScale', ['1:1', 'fit'], '1:1');
