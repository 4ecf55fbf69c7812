// Row and argument types of the store, camelCase, as every other layer sees
// them. Coordinates are level-0 pixels; times are milliseconds since the epoch.

import type { CellClassName } from '../domain/cell-class.ts';
import type { Box, Point } from '../domain/geometry.ts';

export type SlideKind = 'scan' | 'slice-images';

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

export interface NewSlide {
  path: string;
  format: string;
  quickhash?: string | null;
  width: number;
  height: number;
  mppX?: number | null;
  mppY?: number | null;
  /** The lab's smear id; derived from the file name when omitted. */
  smearId?: string;
  fovMaskPath?: string | null;
  kind?: SlideKind;
}

export interface UpsertSlideResult {
  slide: SlideRecord;
  created: boolean;
  /** True when an existing row's metadata changed (only possible with ifHashDiffers: 'update'). */
  updated: boolean;
}

export type SliceState = 'pending' | 'done' | 'failed';

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

export interface PlannedSlice {
  x: number;
  y: number;
  width: number;
  height: number;
  tissueFraction?: number | null;
}

export interface PlanSlicesResult {
  inserted: number;
  existing: number;
}

export interface SliceProgress {
  total: number;
  pending: number;
  done: number;
  failed: number;
}

export type CellSource = 'auto' | 'manual' | 'imported';
/** A single cell, or a group the pipeline could not split (see CellRecord.kind). */
export type CellKind = 'cell' | 'cluster';

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
}

export interface NewCell {
  /** Number within the slice; assigned after the highest existing one when omitted. */
  number?: number;
  box: Box;
  centre: Point;
  area?: number | null;
  perimeter?: number | null;
  roundness?: number | null;
  solidity?: number | null;
  eccentricity?: number | null;
  cropPath?: string | null;
  source?: CellSource;
  model?: string | null;
  kind?: CellKind;
  nucleus?: Point | null;
  nucleusArea?: number | null;
  nuclei?: number | null;
  /** Imported datasets only: written as 'import' events by CommitOptions.annotatorId. */
  label?: CellClassName | null;
  flagged?: boolean;
}

export interface CommitOptions {
  /** Annotator that imported labels are recorded under; required when a cell carries label or flag. */
  annotatorId?: number;
  /** A new cell whose box overlaps a kept cell of the slice by at least this IoU is skipped (default 0.5). */
  keptOverlapIou?: number;
}

export interface CommitSliceResult {
  slice: SliceRecord;
  /** One entry per input cell, in input order; null where the cell was skipped as a duplicate of a kept cell. */
  cells: Array<{ id: number; number: number } | null>;
  /** Unlabelled auto cells of an earlier run that were replaced. */
  deleted: number;
  /** Cells that stayed (labelled, manual or imported). */
  kept: number;
  /** Crop files of the replaced cells, for the pipeline to delete. */
  deletedCropPaths: string[];
}

export interface ResetSlideResult {
  deletedCells: number;
  keptCells: number;
  deletedSlices: number;
  slicesReset: number;
  deletedCropPaths: string[];
}

export type LabelEventKind = 'label' | 'flag';
/** 'do' = a user action; 'undo'/'redo' revert an earlier event; 'import' = from a dataset, outside undo. */
export type LabelAction = 'do' | 'undo' | 'redo' | 'import';

interface LabelEventBase {
  id: number;
  cellId: number;
  annotatorId: number;
  action: LabelAction;
  revertsEventId: number | null;
  createdAt: number;
}

export type LabelEvent = LabelEventBase &
  ({ kind: 'label'; value: CellClassName | null } | { kind: 'flag'; value: boolean });

export type LabelHistoryEntry = LabelEvent & { annotatorName: string };

export interface CellLabelState {
  label: CellClassName | null;
  flagged: boolean;
}

export interface LabelChange {
  event: LabelEvent;
  previous: CellLabelState;
  current: CellLabelState;
}

export interface UndoRedoState {
  /** Cell the next undo / redo would change, or null when there is nothing to undo / redo. */
  undoCellId: number | null;
  redoCellId: number | null;
}

export interface RebuildResult {
  cells: number;
  /** Cells whose derived state was wrong before the rebuild (0 when cell_state was in sync). */
  corrected: number;
}

export interface AnnotatorRecord {
  id: number;
  name: string;
  createdAt: number;
}

export interface CellFilter {
  /** 'unlabelled' = no current class, 'labelled' = any class, or one class. */
  label?: CellClassName | 'unlabelled' | 'labelled';
  flagged?: boolean;
  source?: CellSource;
}

export interface GalleryQuery {
  /** All slides (slide by slide, in id order) when omitted. */
  slideId?: number;
  filter?: CellFilter;
  offset?: number;
  /** 1..1000, default 100. */
  limit?: number;
}

export interface GalleryPage {
  cells: CellView[];
  total: number;
  offset: number;
  limit: number;
}

export interface ClassCounts {
  total: number;
  labelled: number;
  unlabelled: number;
  flagged: number;
  byClass: Record<CellClassName, number>;
}

export interface SlideSummary {
  slide: SlideRecord;
  counts: ClassCounts;
  slices: SliceProgress;
  latestJob: JobRecord | null;
}

export interface ManualCellInput {
  slideId: number;
  box: Box;
  /** Defaults to the box centre. */
  centre?: Point;
}

export const JOB_KINDS = ['ingest', 'export', 'import'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export type JobOutcome = 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: number;
  kind: JobKind;
  slideId: number | null;
  state: JobState;
  options: Record<string, unknown>;
  progressDone: number;
  progressTotal: number | null;
  progressMessage: string | null;
  provider: string | null;
  model: string | null;
  /** Named durations in milliseconds, e.g. { fov: 812, segment: 51200 }. */
  timings: Record<string, number> | null;
  error: string | null;
  pid: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
}

export interface NewJob {
  kind: JobKind;
  slideId?: number | null;
  options?: Record<string, unknown>;
}

export interface StaleJobOptions {
  /** A running job whose heartbeat is older than this is stale (default 60,000 ms). */
  staleAfterMs?: number;
  /** Liveness probe for a job's pid (default: signal 0). */
  isProcessAlive?: (pid: number) => boolean;
}
