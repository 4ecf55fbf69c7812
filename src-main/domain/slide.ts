// A slide (one scanned smear) and its slices (the 2,000 x 2,000 pieces an
// ingest cuts it into). Coordinates are level-0 pixels; times are
// milliseconds since the epoch.

import type { Box } from './geometry.ts';

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

/**
 * Part of a scan whose pixels could not be read at one pyramid level (a
 * damaged or missing tile), in level-0 px. `recoveredFrom` is the level its
 * pixels were read from instead, null when no level had them (they were
 * treated as background).
 */
export interface DamagedArea {
  box: Box;
  level: number;
  /** OpenSlide's reason, without the path (e.g. "Not a JPEG file: starts with 0x00 0x00"). */
  reason: string;
  recoveredFrom: number | null;
}

export interface DamagedRegionRecord extends DamagedArea {
  id: number;
  slideId: number;
  createdAt: number;
}

/** How much of a slide's scan is damaged. */
export interface DamageSummary {
  /** Damaged areas stored. */
  regions: number;
  /** Share of the smear (0..1) they cover, at any level. */
  smearFraction: number;
  /** Share of the smear (0..1) no level could read (treated as background: cells there are missing). */
  unreadableFraction: number;
}
