// What the operations return: plain, serialisable shapes built from the
// domain's records (declared in domain/, re-used here, never redeclared) plus the URLs of binary resources (tiles, crops,
// thumbnails, masks). URLs are absolute and come from the shell that serves
// them (http://127.0.0.1:<port>/t/<token>/... or smearlab://app/...): the
// renderer never builds one itself.

import type { AnnotatorRecord } from '../domain/annotator.ts';
import type { CellView } from '../domain/cell.ts';
import type { JobRecord } from '../domain/job.ts';
import type { ClassCounts, LabelChange, LabelHistoryEntry, UndoRedoState } from '../domain/label.ts';
import type { SliceProgress, SliceRecord, SlideRecord } from '../domain/slide.ts';
import type { Box } from '../domain/geometry.ts';
import type { ApiError } from './errors.ts';

export type { AnnotatorRecord } from '../domain/annotator.ts';
export type { CellFilter, CellMarkers, CellView } from '../domain/cell.ts';
export type { ClassCounts, LabelHistoryEntry, UndoRedoState } from '../domain/label.ts';
export type { CellClassName } from '../domain/cell-class.ts';
export type { Box, Point } from '../domain/geometry.ts';

export type ShellMode = 'electron' | 'browser';

export interface SessionInfo {
  mode: ShellMode;
  /** True in Electron: openSlideFile({}) shows the system file dialog; browser mode needs a typed path. */
  canPickFiles: boolean;
  /** The annotator chosen for this session (chooseAnnotator, or --annotator at startup); null until chosen. */
  annotator: AnnotatorRecord | null;
  /** Smearlab version. */
  version: string;
}

/** Live figures of a running ingest (absent once the job has ended or when it runs in another process). */
export interface JobLiveProgress {
  slicesDone: number;
  slicesTotal: number;
  slicesFailed: number;
  cells: number;
  /** Slices per second over this run. */
  rate: number;
  etaSeconds: number | null;
  /** cancelJob was called; the job stops after the slices in hand. */
  cancelling: boolean;
}

export interface JobView extends JobRecord {
  live: JobLiveProgress | null;
}

export interface SlideListEntry
  extends Pick<SlideRecord, 'id' | 'smearId' | 'path' | 'format' | 'kind' | 'width' | 'height' | 'mppX' | 'mppY' | 'createdAt'> {
  /** File name of the scan (no folders). */
  name: string;
  /** JPEG; answers 404 when the scan cannot be opened (show a placeholder). */
  thumbnailUrl: string;
  counts: ClassCounts;
  /** Slice states: progress of the ingest. */
  slices: SliceProgress;
  latestJob: JobView | null;
}

export type SliceView = Pick<SliceRecord, 'id' | 'x' | 'y' | 'width' | 'height' | 'tissueFraction' | 'state' | 'cellCount'>;

export interface SlideDetail extends SlideListEntry {
  /** Deep Zoom descriptor for OpenSeadragon; null when the scan cannot be opened (cells still work). */
  dziUrl: string | null;
  /** Why dziUrl is null. */
  tileError: ApiError | null;
  /** Slice grid, reading order (y then x), level-0 px. */
  sliceGrid: SliceView[];
  /** Field-of-view mask, greyscale PNG (255 = smear) stretched over the whole slide; null before ingest planned it. */
  fovMaskUrl: string | null;
}

export interface OpenSlideResult {
  /** The file chosen (null when the dialog was cancelled). */
  path: string | null;
  /** The slide when it was already in the library (no ingest started), else null. */
  slide: SlideListEntry | null;
  /** The ingest started for a new file, else null. */
  ingest: IngestStarted | null;
}

export interface IngestStarted {
  /** The job, as soon as the worker created it; null when nothing needed doing (skipped). */
  job: JobView | null;
  slideId: number | null;
  /** True when the slide was already fully ingested (pass force to run again). */
  skipped: boolean;
  message: string;
}

export interface CellDetail {
  cell: CellView;
  /** Every label / flag event of the cell, oldest first, with who and when. */
  history: LabelHistoryEntry[];
  /** The cell's padded box at full resolution, JPEG. */
  cropUrl: string;
  /** The cell with its surroundings (contextBox), JPEG, full resolution. */
  contextUrl: string;
  /** Level-0 box the context image shows; the cell box lies inside it. */
  contextBox: Box;
}

/** One label or flag change as events and results carry it. */
export interface LabelChangeView extends LabelChange {
  slideId: number;
  cellId: number;
}

export interface LabelResult {
  change: LabelChangeView;
  /** The cell after the change. */
  cell: CellView;
  /** Counters of the cell's slide after the change. */
  counts: ClassCounts;
  /** Where the focus goes next (see labelCell's advance); null when nothing is left. */
  next: CellView | null;
  undo: UndoRedoState;
}

export interface UndoResult {
  /** null when there was nothing to undo / redo. */
  change: LabelChangeView | null;
  cell: CellView | null;
  counts: ClassCounts | null;
  undo: UndoRedoState;
}

export interface GalleryCell extends CellView {
  cropUrl: string;
}

export interface GalleryPageView {
  cells: GalleryCell[];
  /** Cells matching the filter in all pages. */
  total: number;
  offset: number;
  limit: number;
}

export interface ExportStarted {
  /** The export's job row; its progress arrives as job-progress events (progressDone / progressTotal in files). */
  job: JobView | null;
  targetDir: string;
  message: string;
}

/** What `verifyExport` found: an export is sound when ok is true. */
export interface VerifyResult {
  folder: string;
  ok: boolean;
  files: number;
  missing: string[];
  damaged: string[];
  extra: string[];
  message: string;
}
