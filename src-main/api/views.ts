// What the operations return: plain, serialisable shapes built from the
// domain's records (declared in domain/, re-used here, never redeclared) plus the URLs of binary resources (tiles, crops,
// thumbnails, masks). URLs are absolute and come from the shell that serves
// them (http://127.0.0.1:<port>/t/<token>/... or smearlab://app/...): the
// renderer never builds one itself.

import type { AnnotatorRecord } from '../domain/annotator.ts';
import type { CellKind, CellView } from '../domain/cell.ts';
import type { CellEditEvent, CellMeasures } from '../domain/cell-edit.ts';
import type { JobRecord } from '../domain/job.ts';
import type { ClassCounts, LabelChange, LabelHistoryEntry, UndoRedoState } from '../domain/label.ts';
import type { DamageSummary, DamagedArea, SliceProgress, SliceRecord, SlideRecord } from '../domain/slide.ts';
import type { Box, Point } from '../domain/geometry.ts';
import type { SlideReading } from '../domain/reading.ts';
import type { MergeReport } from '../domain/work-package.ts';
import type { AssistSummary, CellSuggestion } from '../domain/assist.ts';
import type { ApiError } from './errors.ts';
import type { ExportResult } from '../dataset/export-options.ts';
import type { ImportReport } from '../dataset/import-report.ts';
import type { VerifyReport } from '../dataset/verify-export.ts';
import type { IngestResult } from '../pipeline/ingest/ingest-options.ts';
import type { SlideInfo } from '../slide/slide-reader.ts';

export type { AnnotatorRecord } from '../domain/annotator.ts';
export type { CellFilter, CellMarkers, CellView } from '../domain/cell.ts';
export type { ClassCounts, LabelHistoryEntry, UndoRedoState } from '../domain/label.ts';
export type { CellClassName } from '../domain/cell-class.ts';
export type { CellEditEvent, CellEditKind, CellMeasures } from '../domain/cell-edit.ts';
export type { Box, Point } from '../domain/geometry.ts';

export type { ExportResult, ImportReport, IngestResult, SlideInfo };

/** 'cli': the `smearlab` command, which calls the contract in-process. */
export type ShellMode = 'electron' | 'browser' | 'cli';

export interface SessionInfo {
  mode: ShellMode;
  /** True in Electron: openSlideFile({}) shows the system file dialog; browser mode needs a typed path. */
  canPickFiles: boolean;
  /** The annotator chosen for this session (chooseAnnotator, or --annotator at startup); null until chosen. */
  annotator: AnnotatorRecord | null;
  /** Smearlab version. */
  version: string;
}

/** Live figures of a running job (absent once the job has ended or when it runs in another process). */
export interface JobLiveProgress {
  slicesDone: number;
  slicesTotal: number;
  slicesFailed: number;
  /** Ingest: cells found so far; export: cells written. */
  cells: number;
  /** Export: cells it will write; null for an ingest (unknown until the end). */
  cellsTotal: number | null;
  /** Slices per second over this run. */
  rate: number;
  /** Export: bytes written and bytes per second over this run; null for an ingest. */
  bytesWritten: number | null;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  /** cancelJob was called; the job stops after the slices in hand. */
  cancelling: boolean;
}

/** What waitForJob answers: the job as it stands, and its run's own report once it ended. */
export interface JobOutcome {
  job: JobView;
  /** False when the wait timed out first (call again). */
  finished: boolean;
  /** The ingest's report, when it ran in this Smearlab process and did not fail. */
  ingest: IngestResult | null;
  /** The export's report, likewise. */
  export: ExportResult | null;
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
  /** Damaged scan data the ingest read around: regions, share of the smear (any level), share no level could read. */
  damage: DamageSummary;
  /** False when the scan is not where the slide says (moved, another workstation's, a stick not mounted): offer to find it. */
  scanAvailable: boolean;
  /** Read blind (readers see only their own labels until they finish). */
  blind: boolean;
  /** Readers' progress, open disagreements and the status; null for a reader the slide is still blind to. */
  reading: SlideReading | null;
}

export type SliceView = Pick<SliceRecord, 'id' | 'x' | 'y' | 'width' | 'height' | 'tissueFraction' | 'state' | 'cellCount'>;

export interface SlideDetail extends SlideListEntry {
  /** Deep Zoom descriptor for OpenSeadragon; null when the scan cannot be opened (cells still work). */
  dziUrl: string | null;
  /** Why dziUrl is null. */
  tileError: ApiError | null;
  /**
   * Level-0 position of the Deep Zoom image's pixel (0, 0): the corner of the
   * scanned bounds (openslide.bounds-*) the tiles are cut to; (0, 0) when
   * they cover the whole level 0, or there are no tiles. The viewer's image
   * coordinates plus this are level-0 px (src-renderer/viewer/slide-coords.ts).
   */
  dziOrigin: Point;
  /** Slice grid, reading order (y then x), level-0 px. */
  sliceGrid: SliceView[];
  /** Field-of-view mask, greyscale PNG (255 = smear) stretched over the whole slide; null before ingest planned it. */
  fovMaskUrl: string | null;
  /** Damaged areas of the scan (level-0 boxes, with level and reason), top to bottom; the viewer hatches them. */
  damagedRegions: DamagedArea[];
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
  /** The assistant's suggestion for the session's reader, when there is one. */
  suggestion: CellSuggestion | null;
  /** Every label / flag event of the cell and every edit that created, retired or restored it, oldest first, with who and when. */
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

/** A cell edit (or its undo / redo) as results and the 'cells-changed' event carry it. */
export interface CellsChangedView {
  slideId: number;
  event: CellEditEvent;
  /** Cells live after the change: new ones, or ones it restored (with their labels). */
  created: CellView[];
  /** Ids of the cells it retired (they leave markers, navigation, counts and exports). */
  retired: number[];
}

export interface EditResult {
  edit: CellsChangedView;
  /** Counters of the slide after the edit. */
  counts: ClassCounts;
  undo: UndoRedoState;
}

/** What the instance step proposes around a clicked nucleus (nothing is stored). */
export interface CellProposal {
  box: Box;
  kind: CellKind;
  measures: CellMeasures;
}

export interface UndoResult {
  /** The label or flag change; null when there was nothing to undo / redo or it was a cell edit. */
  change: LabelChangeView | null;
  /** The cell edit undone or redone, else null. */
  edit: CellsChangedView | null;
  cell: CellView | null;
  counts: ClassCounts | null;
  undo: UndoRedoState;
}

export interface GalleryCell extends CellView {
  cropUrl: string;
  /** The assistant's suggestion for the session's reader, when there is one. */
  suggestion: CellSuggestion | null;
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
export type VerifyResult = VerifyReport;

/** A work package written (packWork). */
export interface WorkPackWritten {
  file: string;
  bytes: number;
  slides: number;
  cells: number;
  events: number;
  crops: number;
}

/** What each merged package brought in (mergeWork), in the order given. */
export interface WorkMerged {
  reports: Array<MergeReport & { file: string }>;
}

/** An assist run ended (the 'assist-changed' event, and assistSummary's last run). */
export interface AssistChangedView {
  slideId: number;
  annotatorId: number;
  ok: boolean;
  /** What it did, or why it failed. */
  message: string;
  modelId: number | null;
  labels: number;
  cellsSuggested: number;
  timings: { featuresMs: number; trainMs: number; predictMs: number } | null;
}

export interface AssistStarted {
  /** False when a run for this reader and slide was already going (it will include the labels given so far). */
  started: boolean;
  message: string;
}

export interface AssistSummaryView extends AssistSummary {
  running: boolean;
  lastRun: AssistChangedView | null;
}

/** Several cells labelled with one key (a page of suggestions confirmed). */
export interface LabelManyResult {
  changes: LabelChangeView[];
  counts: ClassCounts;
  undo: UndoRedoState;
}
