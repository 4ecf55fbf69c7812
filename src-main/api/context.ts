// What handlers may use: narrow ports, declared here in terms of plain types
// so the handlers stay free of Node and Electron (the renderer's compiler
// sees this folder). The shells build the real ApiContext: the Store from
// src-main/store satisfies ApiStore as it is; URLs, tiles and jobs come from
// src-main/runtime/api-runtime.ts, the file dialog from src-main/app/.

import type { Box, Point } from '../domain/geometry.ts';
import type { CellClassName } from '../domain/cell-class.ts';
import type { CellEditInput, GalleryPage, GalleryQuery, SlideSummary } from '../store/types.ts';
import type { AnnotatorRecord } from '../domain/annotator.ts';
import type { ReaderRating } from '../domain/agreement.ts';
import type { MergeReport, WorkCrop, WorkRecords } from '../domain/work-package.ts';
import type { AssistSummary, CellSuggestion } from '../domain/assist.ts';
import type {
  AnnotatorRole, CellReadings, LabelView, ReadingSettings, SlideReading,
} from '../domain/reading.ts';
import type { CellFilter, CellKind, CellMarkers, CellView } from '../domain/cell.ts';
import type { JobKind, JobRecord, JobState } from '../domain/job.ts';
import type { CellLabelState, ClassCounts, LabelChange, LabelHistoryEntry, StackChange, UndoRedoState } from '../domain/label.ts';
import type { CellEditChange, CellMeasures } from '../domain/cell-edit.ts';
import type { DamageSummary, DamagedRegionRecord, SliceProgress, SliceRecord, SlideRecord } from '../domain/slide.ts';
import type { ApiEventName, ApiEvents } from './events.ts';
import type { CountsCache } from './counts-cache.ts';
import type {
  AssistChangedView, ExportResult, ExportStarted, ImportReport, IngestResult, IngestStarted, JobLiveProgress, ShellMode, SlideInfo, VerifyResult,
} from './views.ts';
import type { z } from 'zod';
import type { exportRequestSchema, importRequestSchema, ingestRequestSchema } from './contract.ts';

/** The store calls the handlers make (src-main/store's Store has them all). */
export interface ApiStore {
  ensureAnnotator(name: string): AnnotatorRecord;
  getAnnotator(id: number): AnnotatorRecord;
  listAnnotators(): AnnotatorRecord[];
  setAnnotatorRole(id: number, role: AnnotatorRole): AnnotatorRecord;
  getSlide(id: number): SlideRecord;
  findSlideByPath(path: string): SlideRecord | null;
  listSlides(): SlideRecord[];
  slideSummaries(view?: LabelView): SlideSummary[];
  classCounts(slideId?: number, view?: LabelView): ClassCounts;
  sliceProgress(slideId: number): SliceProgress;
  listSlices(slideId: number): SliceRecord[];
  listDamagedRegions(slideId: number): DamagedRegionRecord[];
  damageSummary(slideId: number): DamageSummary;
  getSlice(id: number): SliceRecord;
  getCell(id: number, view?: LabelView): CellView;
  cellMarkers(slideId: number, viewport?: Box, view?: LabelView, suggestionsOf?: number): CellMarkers;
  cellsInViewport(slideId: number, viewport: Box, filter?: CellFilter, view?: LabelView): CellView[];
  cellsOfSlice(sliceId: number, view?: LabelView): CellView[];
  firstCell(slideId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  lastCell(slideId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  nextCell(cellId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  previousCell(cellId: number, filter?: CellFilter, view?: LabelView): CellView | null;
  galleryPage(query?: GalleryQuery): GalleryPage;
  applyLabel(cellId: number, label: CellClassName | null, annotatorId: number): LabelChange;
  transaction<T>(fn: () => T): T;
  setFlag(cellId: number, flagged: boolean, annotatorId: number): LabelChange;
  undo(annotatorId: number): StackChange | null;
  redo(annotatorId: number): StackChange | null;
  editCells(input: CellEditInput): CellEditChange;
  undoRedoState(annotatorId: number): UndoRedoState;
  cellLabelState(cellId: number, view?: LabelView): CellLabelState;
  labelHistory(cellId: number): LabelHistoryEntry[];
  lastLabelledCellOf(slideId: number, annotatorId: number): number | null;
  readingSettings(slideId: number): ReadingSettings;
  setReadingSettings(slideId: number, settings: Partial<ReadingSettings>): ReadingSettings;
  cellReadings(cellId: number): CellReadings;
  slideReading(slideId: number): SlideReading;
  readerRatings(slideIds: readonly number[]): ReaderRating[];
  readerFinished(slideId: number, annotatorId: number): boolean;
  adjudicationStarted(slideId: number): boolean;
  storeUid(): string;
  collectWork(slideIds?: readonly number[]): WorkRecords;
  mergeWork(records: WorkRecords): MergeReport;
  listScanFolders(): string[];
  suggestionFor(cellId: number, annotatorId: number): CellSuggestion | null;
  assistSummary(slideId: number, annotatorId: number): AssistSummary;
  setScanFolders(paths: readonly string[]): string[];
  relocateSlide(slideId: number, path: string): void;
  getJob(id: number): JobRecord;
  listJobs(options?: { slideId?: number; state?: JobState; kind?: JobKind; limit?: number }): JobRecord[];
  latestJob(slideId: number, kind?: JobKind): JobRecord | null;
}

/** Absolute URLs of the binary resources, in the scheme of the shell that serves them. */
export interface ResourceUrls {
  cellCrop(cellId: number, format: 'jpeg' | 'png'): string;
  /** The cell with its surroundings (contextBoxOf). */
  cellContext(cellId: number): string;
  slideThumbnail(slideId: number): string;
  fovMask(slideId: number): string;
}

export interface SlideTiles {
  /**
   * Opens the scan for tiles (once per run): its DZI URL and the level-0
   * position of the DZI's pixel (0, 0); throws (e.g. a SlideError) when it cannot.
   */
  dzi(slide: SlideRecord): Promise<{ url: string; origin: Point }>;
  /** Opens a scan file only to read what OpenSlide sees, then closes it; throws a SlideError when it cannot. */
  info(path: string): Promise<SlideInfo>;
}

/**
 * A job's report once it ends: resolves with the run's result (null when it
 * failed: the job row says why); null itself when the job did not run in
 * this process.
 */
export type JobOutcomeSource<Result> = (jobId: number) => Promise<Result | null> | null;

export type IngestRequest = z.output<typeof ingestRequestSchema>;

export interface JobControl {
  /** Starts an ingest in a worker; resolves once the job row exists (or the run was skipped / failed early). */
  startIngest(request: IngestRequest): Promise<IngestStarted>;
  /** Asks a job of this process to stop; throws an ApiFailure 'conflict' when it is not running here. */
  cancel(jobId: number): void;
  /** Live progress of a job running in this process, else null. */
  live(jobId: number): JobLiveProgress | null;
  outcome: JobOutcomeSource<IngestResult>;
}

export type ExportRequest = z.output<typeof exportRequestSchema>;

/** Dataset exports: run in a worker of the shell (src-main/runtime/export-jobs.ts). */
export interface DatasetControl {
  startExport(request: ExportRequest): Promise<ExportStarted>;
  verify(folder: string): Promise<VerifyResult>;
  /** True when the job is an export running in this process (and now asked to stop). */
  cancel(jobId: number): boolean;
  /** Live progress of an export running in this process, else null. */
  live(jobId: number): JobLiveProgress | null;
  outcome: JobOutcomeSource<ExportResult>;
  import(request: ImportRequest): Promise<ImportReport>;
}

export type ImportRequest = z.output<typeof importRequestSchema>;

export interface EventSink {
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
}

export interface FileDialogs {
  /** The system open-file dialog for scans; null when the user cancelled. */
  chooseSlideFile(): Promise<string | null>;
}

/** Work package files (src-main/sync/): written safely, read and checked whole. */
export interface WorkPackageFiles {
  /** Writes the records; answers with the bytes written. Throws a message naming the file when it cannot. */
  write(path: string, records: WorkRecords): Promise<number>;
  /** Reads and checks a package; throws naming the file and what is wrong (damaged, not a package, newer). */
  read(path: string): Promise<WorkRecords>;
  /** Small JPEG crops of the records' live cells, from their scans (or crops cached here); cells with neither are left out. */
  crops(records: WorkRecords): Promise<WorkCrop[]>;
}

/** Assist runs in worker threads, one at a time per reader and slide (runtime/assist-jobs.ts). */
export interface AssistControl {
  /** Starts a run (features for cells without them, training on the reader's labels, suggestions); false when one is going. */
  start(slideId: number, annotatorId: number, classifier?: string): boolean;
  /** A classifier's manifest path from its name or path, checked (an ApiFailure 'bad-input' names what is wrong). */
  classifierPath(model: string): Promise<string>;
  running(slideId: number, annotatorId: number): boolean;
  lastRun(slideId: number, annotatorId: number): AssistChangedView | null;
}

/** Looks for a moved scan (runtime/scan-locator.ts): a file under the folders with the slide's quickhash. */
export interface ScanSearch {
  locate(slide: SlideRecord, folders: readonly string[]): Promise<string | null>;
  /** Whether a file is at the slide's path now (no OpenSlide: a cheap check for the library). */
  present(slide: SlideRecord): boolean;
}

/** The synthetic demo slide, kept in the user's data folder (src-main/demo/). */
export interface DemoSlides {
  /** Writes the demo slide when missing (one write however many callers wait) and returns its path. */
  prepare(): Promise<string>;
}

/**
 * Pixel work of cell edits (runtime/cell-pixels.ts): reads the scan around a
 * box or point and runs the pipeline's instance step. Throws (a SlideError,
 * an ApiFailure) when the scan cannot be read.
 */
export interface CellEditPixels {
  /** Measures of each box (stained area, outline, nuclei inside), from one read of `within` (default: the boxes' union). */
  measure(slide: SlideRecord, boxes: readonly Box[], within?: Box): Promise<CellMeasures[]>;
  /** The instance step's cell whose box holds the point (nearest nucleus first), or null. */
  propose(slide: SlideRecord, point: Point): Promise<{ box: Box; kind: CellKind; measures: CellMeasures } | null>;
  /** The box split among the nuclei (geodesic split of the cell mask), one box per nucleus in order. */
  split(slide: SlideRecord, box: Box, nuclei: readonly Point[]): Promise<Box[]>;
}

/** Per-window (Electron) or per-server (browser mode) state. */
export interface ApiSession {
  annotatorId: number | null;
}

export interface ApiContext {
  mode: ShellMode;
  version: string;
  store: ApiStore;
  urls: ResourceUrls;
  tiles: SlideTiles;
  jobs: JobControl;
  datasets: DatasetControl;
  events: EventSink;
  /** Counters per slide, updated by label changes (see counts-cache.ts). */
  counts: CountsCache;
  session: ApiSession;
  /** null where the shell has no dialogs (browser mode). */
  dialogs: FileDialogs | null;
  /** null where the shell has no data folder (an in-memory database). */
  demo: DemoSlides | null;
  /** Assist runs (features, training, suggestions) in workers; absent or null where the database is not a file. */
  assist?: AssistControl | null;
  /** Finds moved scans; absent or null where the shell has no files. */
  scanSearch?: ScanSearch | null;
  /** Work packages between workstations; absent or null where the shell has no files. */
  workPackages?: WorkPackageFiles | null;
  /** Pixel work of cell edits; absent or null: edits go without measures and proposals are unsupported. */
  cellPixels?: CellEditPixels | null;
}
