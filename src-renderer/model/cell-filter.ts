// The one view filter shared by the overlay, navigation and the gallery:
// every cell, unlabelled ones, labelled ones, one class, or flagged ones.
// Label codes are the APACC id, -1 for unlabelled.

import { CELL_CLASSES, type CellClassName } from '../../src-main/domain/cell-class.ts';

export const UNLABELLED = -1;

export type CellFilterMode = 'all' | 'unlabelled' | 'labelled' | 'flagged' | CellClassName;

export const FILTER_MODES: readonly CellFilterMode[] = ['all', 'unlabelled', 'labelled', ...CELL_CLASSES.map((c) => c.name), 'flagged'];

export function passesFilter(mode: CellFilterMode, code: number, flagged: boolean): boolean {
  switch (mode) {
    case 'all': return true;
    case 'unlabelled': return code === UNLABELLED;
    case 'labelled': return code !== UNLABELLED;
    case 'flagged': return flagged;
    default: return CELL_CLASSES[code]?.name === mode;
  }
}

/** True when unlabelled cells can pass (labelling then advances to the next unlabelled one). */
export function admitsUnlabelled(mode: CellFilterMode): boolean {
  return mode === 'all' || mode === 'unlabelled' || mode === 'flagged';
}
