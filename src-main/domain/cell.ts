// A cell candidate: one cell (or one cluster the pipeline could not split),
// its box in level-0 pixels, its measures in level-0 px / px^2, and where it
// came from. Times are milliseconds since the epoch.

import type { CellClassName } from './cell-class.ts';
import type { Box, Point } from './geometry.ts';

/** 'auto': found by an ingest; 'manual': drawn or edited by a reader (see cell-edit.ts); 'imported': from a dataset. */
export const CELL_SOURCES = ['auto', 'manual', 'imported'] as const;
export type CellSource = (typeof CELL_SOURCES)[number];

/** A single cell, or a group the pipeline could not split (see CellRecord.kind). */
export const CELL_KINDS = ['cell', 'cluster'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export interface CellRecord {
  id: number;
  slideId: number;
  sliceId: number;
  /** Top-left of the cell's slice (what APACC file names carry). */
  sliceX: number;
  sliceY: number;
  /** 1-based number within the slice. */
  number: number;
  /** Full padded box, even where it crosses the slice border. */
  box: Box;
  centre: Point;
  area: number | null;
  perimeter: number | null;
  roundness: number | null;
  solidity: number | null;
  eccentricity: number | null;
  cropPath: string | null;
  source: CellSource;
  model: string | null;
  createdAt: number;
  /** 'cluster': nuclei overlap so much that the cells could not be told apart; one candidate for the group. */
  kind: CellKind;
  /** Centroid of the nucleus that seeded the candidate, level-0; null when none was found (or before schema 2). */
  nucleus: Point | null;
  /** Nucleus area in level-0 px^2 (for a cluster: all its nuclei). */
  nucleusArea: number | null;
  /** Nuclei inside the candidate (1 for a cell, 0 for a cell without a visible nucleus). */
  nuclei: number | null;
}

/** A cell with its current (derived) label and flag. */
export interface CellView extends CellRecord {
  label: CellClassName | null;
  flagged: boolean;
  labelAnnotatorId: number | null;
  labelledAt: number | null;
  /** An edit replaced or rejected the cell: it left markers, navigation, counts and exports, its history stays. */
  retired: boolean;
}

/** Every cell of a view in columns, for the overlay layer: cheap to build and to send across processes. */
export interface CellMarkers {
  count: number;
  ids: Uint32Array;
  /** x, y, width, height of each cell's box, level-0. */
  boxes: Int32Array;
  /** APACC class id (0..3) of the current label, -1 when unlabelled. */
  labels: Int8Array;
  /** 1 when flagged. */
  flagged: Uint8Array;
  /** x, y of each cell's stored centre (its nucleus), level-0: the reading order and slice ownership use it. */
  centres: Float64Array;
  /** 1 for a cluster candidate (nuclei too overlapped to split), 0 for a single cell. */
  clusters: Uint8Array;
  /** The assistant's suggested class (APACC id, -1 none) for the session's reader, when they have suggestions. */
  suggested?: Int8Array;
  /** Its probability. */
  suggestedP?: Float32Array;
}

/** Label filters beside the class names: no current class, or any class. */
export const LABEL_GROUPS = ['unlabelled', 'labelled'] as const;
/** Which cells a filter keeps by label: none yet, any class, or one class. */
export type CellLabelFilter = CellClassName | (typeof LABEL_GROUPS)[number];

/** The adjudicator's queues (see store/cell-rows.ts): open disagreements, and flagged cells alone. */
export const CELL_QUEUES = ['disagreements', 'second-assessment'] as const;
export type CellQueue = (typeof CELL_QUEUES)[number];

export interface CellFilter {
  /** 'unlabelled' = no current class, 'labelled' = any class, or one class (in the caller's view: own labels or the decision). */
  label?: CellLabelFilter;
  flagged?: boolean;
  source?: CellSource;
  queue?: CellQueue;
}
