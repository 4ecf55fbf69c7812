// The store's own argument and result shapes, camelCase: what its
// repositories take and the compound answers they give. The records
// themselves (slides, slices, cells, labels, annotators, jobs) and their
// enums are declared in domain/. Coordinates are level-0 pixels; times are
// milliseconds since the epoch.

import type { CellFilter, CellKind, CellSource, CellView } from '../domain/cell.ts';
import type { CellEditKind, NewEditCell } from '../domain/cell-edit.ts';
import type { CellClassName } from '../domain/cell-class.ts';
import type { Box, Point } from '../domain/geometry.ts';
import type { JobKind, JobRecord } from '../domain/job.ts';
import type { ClassCounts } from '../domain/label.ts';
import type { LabelView } from '../domain/reading.ts';
import type { GalleryOrder } from '../domain/assist.ts';
import type { SlideKind, SlideRecord, SliceProgress, SliceRecord } from '../domain/slide.ts';

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

export interface RebuildResult {
  cells: number;
  /** Cells whose derived state was wrong before the rebuild (0 when cell_state was in sync). */
  corrected: number;
}

export interface GalleryQuery {
  /** All slides (slide by slide, in id order) when omitted. */
  slideId?: number;
  filter?: CellFilter;
  offset?: number;
  /** 1..1000, default 100. */
  limit?: number;
  /** Whose labels the page shows and filters on (default: the decision). */
  view?: LabelView;
  /** Reading order (default), or by the suggestions of suggestionsOf: most suspicious or least certain first. */
  order?: GalleryOrder;
  /** Only cells whose suggestion (for suggestionsOf) is this class. */
  suggested?: CellClassName;
  /** The reader whose suggestions order and filter the page. */
  suggestionsOf?: number;
}

export interface GalleryPage {
  cells: CellView[];
  total: number;
  offset: number;
  limit: number;
}

export interface SlideSummary {
  slide: SlideRecord;
  /** In the view asked for (a reader's own, or the decision). */
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

export interface CellEditInput {
  kind: CellEditKind;
  slideId: number;
  annotatorId: number;
  /** Live cells of the slide the edit replaces or rejects. */
  retire: readonly number[];
  /** Cells it makes, with their measures. */
  create: readonly NewEditCell[];
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
