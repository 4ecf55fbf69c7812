// A slide (one scanned smear) and its slices (the 2,000 x 2,000 pieces an
// ingest cuts it into). Coordinates are level-0 pixels; times are
// milliseconds since the epoch.

/** 'scan': a whole-slide file OpenSlide reads; 'slice-images': slice PNGs imported from an APACC dataset. */
export const SLIDE_KINDS = ['scan', 'slice-images'] as const;
export type SlideKind = (typeof SLIDE_KINDS)[number];

export interface SlideRecord {
  id: number;
  /** Absolute path of the scan (kind 'scan'), or a unique key chosen by the importer ('slice-images'). */
  path: string;
  format: string;
  quickhash: string | null;
  width: number;
  height: number;
  mppX: number | null;
  mppY: number | null;
  smearId: string;
  fovMaskPath: string | null;
  kind: SlideKind;
  createdAt: number;
}

export const SLICE_STATES = ['pending', 'done', 'failed'] as const;
export type SliceState = (typeof SLICE_STATES)[number];

export interface SliceRecord {
  id: number;
  slideId: number;
  x: number;
  y: number;
  width: number;
  height: number;
  tissueFraction: number | null;
  state: SliceState;
  /** Cells in the slice after its last commit; null until then. */
  cellCount: number | null;
  error: string | null;
  updatedAt: number;
}

/** Slices of a slide by state: the progress of its ingest. */
export type SliceProgress = { total: number } & Record<SliceState, number>;
