// THE contract: every operation the UI may call, once. Each entry has a zod
// schema for its input (checked at the boundary by every adapter, see
// validate.ts) and the TypeScript type of its output. Handlers live in
// handlers/ (one table keyed by the same names); the Electron preload and the
// HTTP client expose one async function per name (operation-names.ts).
//
// Adding an operation: a name in operation-names.ts, an entry here, a handler
// in handlers/index.ts. The compiler refuses any of the three without the others.
// No Node or Electron imports here: the renderer compiles this file.

import { z } from 'zod';
import { exportOptionsSchema } from '../dataset/export-options.ts';
import { ingestOptionsSchema } from '../pipeline/ingest/ingest-options.ts';
import { CELL_QUEUES, LABEL_GROUPS, type CellMarkers } from '../domain/cell.ts';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import { CELL_EDIT_MAX_PARTS } from '../domain/cell-edit.ts';
import { JOB_KINDS, JOB_STATES, type JobRecord } from '../domain/job.ts';
import { ABSOLUTE_PATH, HOST_PATH_MAX, HOST_PATH_PROBLEMS } from '../domain/host-path.ts';
import type { ClassCounts } from '../domain/label.ts';
import type { AgreementReport } from '../domain/agreement.ts';
import { GALLERY_ORDERS } from '../domain/assist.ts';
import { ANNOTATOR_ROLES, CONSENSUS_RULES, QUORUM_MAX, type CellReadings, type SlideReading } from '../domain/reading.ts';
import type { OperationName } from './operation-names.ts';
import type {
  AnnotatorRecord, CellDetail, CellProposal, CellView, EditResult, ExportStarted, GalleryPageView, ImportReport, IngestStarted, JobOutcome, JobView, LabelResult,
  OpenSlideResult, SessionInfo, SlideDetail, SlideInfo, SlideListEntry, UndoRedoState, UndoResult, VerifyResult, WorkMerged, WorkPackWritten,
  AssistStarted, AssistSummaryView, LabelManyResult,
} from './views.ts';

/** Database row id: a positive safe integer (the name is for readers of the table). */
const id = (_what: string) => z.number().int('must be a whole number').positive('must be a positive id');
const coordinate = z.number();
const nothing = z.strictObject({});

/**
 * A path on the machine that runs Smearlab. Absolute: a relative one would be
 * resolved against whatever folder the server was started in. No NUL byte:
 * the file system would cut the name there. (domain/host-path.ts: the forms check the same as the user types.)
 */
export const hostPath = z.string().min(1, HOST_PATH_PROBLEMS.empty).max(HOST_PATH_MAX, HOST_PATH_PROBLEMS.tooLong)
  .refine((path) => !path.includes('\0'), HOST_PATH_PROBLEMS.nul)
  .refine((path) => ABSOLUTE_PATH.test(path), HOST_PATH_PROBLEMS.relative);

/** The option as its owner declares it (bounds, enum, meaning), without its default: the owner applies that. */
function asRequestField<T extends z.ZodType>(field: z.ZodDefault<T>): z.ZodOptional<T>;
function asRequestField<T extends z.ZodType>(field: T): z.ZodOptional<T>;
function asRequestField(field: z.ZodType): z.ZodOptional<z.ZodType> {
  return (field instanceof z.ZodDefault ? field.unwrap() as z.ZodType : field).optional();
}

export const boxSchema = z.strictObject({
  x: coordinate,
  y: coordinate,
  width: z.number().positive('must be positive'),
  height: z.number().positive('must be positive'),
});

export const cellFilterSchema = z.strictObject({
  /** 'unlabelled', 'labelled' (any class) or one class. */
  label: z.enum([...CELL_CLASS_NAMES, ...LABEL_GROUPS]).optional(),
  flagged: z.boolean().optional(),
  /** The adjudicator's queues (open disagreements, flagged cells); the decision view only. */
  queue: z.enum(CELL_QUEUES).optional(),
});

/** Largest side of a cell box a reader may draw, level-0 px (a cell cluster at 0.12 um/px fits). */
export const EDIT_BOX_SIDE_MAX = 8192;

/** A level-0 point on the slide. */
export const pointSchema = z.strictObject({
  x: z.number().finite().min(0, 'must be on the slide (>= 0)'),
  y: z.number().finite().min(0, 'must be on the slide (>= 0)'),
});

/** A box a reader draws: whole level-0 px, on the slide's side of 0, cell-sized. */
export const editBoxSchema = z.strictObject({
  x: z.number().int('must be a whole pixel').min(0, 'must be on the slide (>= 0)'),
  y: z.number().int('must be a whole pixel').min(0, 'must be on the slide (>= 0)'),
  width: z.number().int('must be a whole pixel').min(2, 'must be at least 2 px').max(EDIT_BOX_SIDE_MAX),
  height: z.number().int('must be a whole pixel').min(2, 'must be at least 2 px').max(EDIT_BOX_SIDE_MAX),
});

/** Ids given once each (a merge of a cell with itself is a mistake, not a merge). */
const distinctIds = (min: number) => z.array(id('cellId')).min(min).max(CELL_EDIT_MAX_PARTS)
  .refine((ids) => new Set(ids).size === ids.length, 'names a cell twice');

export const directionSchema = z.enum(['next', 'previous', 'up', 'down', 'left', 'right']);
export type Direction = z.infer<typeof directionSchema>;

const ingest = ingestOptionsSchema.shape;

/**
 * One ingest request for every caller (UI, HTTP, CLI flags): the pipeline's own
 * option fields, minus what the shell decides (database, data folder).
 */
export const ingestRequestSchema = z.strictObject({
  /** Path of the scan on the machine that runs Smearlab. */
  path: hostPath,
  /** Run again over a slide that is done (labelled cells are kept). */
  force: asRequestField(ingest.force),
  /** Default: the shell's setting (serve --segmenter), else onnx. */
  segmenter: asRequestField(ingest.segmenter),
  /** Model name (in models/) or path for the onnx segmenter. */
  model: asRequestField(ingest.model.unwrap().max(4096)),
  /** Ensemble manifest (name or path) instead of one model. */
  ensemble: asRequestField(ingest.ensemble.unwrap().max(4096)),
  /** Execution providers in order, e.g. ['cuda', 'cpu']. */
  executionProviders: asRequestField(ingest.executionProviders.unwrap().max(8)),
  smearId: asRequestField(ingest.smearId),
  /** um per level-0 px, for scans that give none (or a wrong one); default: the slide's own. */
  mpp: asRequestField(ingest.mpp),
  mode: asRequestField(ingest.mode),
  sliceSize: asRequestField(ingest.sliceSize),
  saveCrops: asRequestField(ingest.saveCrops),
}).superRefine((request, context) => {
  // Rules across fields are checked here, before any worker starts, so a
  // conflict is a 400 naming the fields (never a failure inside the job).
  if (request.model !== undefined && request.ensemble !== undefined) {
    context.addIssue({ code: 'custom', path: ['ensemble'], message: 'give either a model or an ensemble, not both' });
  }
  if (request.segmenter === 'classical') {
    for (const field of ['model', 'ensemble', 'executionProviders'] as const) {
      if (request[field] !== undefined) {
        context.addIssue({ code: 'custom', path: [field], message: `is for the onnx segmenter; the classical segmenter takes no ${field}` });
      }
    }
  }
});

const exporting = exportOptionsSchema.shape;

export const exportRequestSchema = z.strictObject({
  /** Folder to write (a USB stick, a network share), on the machine that runs Smearlab. */
  targetDir: hostPath,
  slideIds: asRequestField(exporting.slideIds.unwrap().max(10_000)),
  labels: asRequestField(exporting.labels),
  flagged: asRequestField(exporting.flagged),
  decision: asRequestField(exporting.decision),
  formats: asRequestField(exporting.formats),
  split: asRequestField(exporting.split),
  concurrency: asRequestField(exporting.concurrency),
  pngCompression: asRequestField(exporting.pngCompression),
  /** false only for benchmarks: a pulled USB stick is then unsafe. */
  fsync: asRequestField(exporting.fsync),
});

export const importRequestSchema = z.strictObject({
  /** An APACC-layout folder (a Smearlab export is one), or a QuPath GeoJSON file. */
  source: hostPath,
  /** Name the imported labels are recorded under (default: the source's name). */
  annotator: z.string().trim().min(1, 'is empty').max(64).optional(),
  /** Slice side where no image says (APACC folders). */
  sliceSize: z.number().int().min(64).max(16384).optional(),
  /** GeoJSON: the slide to import onto, by smear id or row id (default: the smear the file is named after). */
  smearId: z.string().min(1).max(128).optional(),
  slideId: id('slideId').optional(),
  /** Where slice images are copied (default: next to the database). */
  dataDir: hostPath.optional(),
}).superRefine((request, context) => {
  if (request.smearId !== undefined && request.slideId !== undefined) {
    context.addIssue({ code: 'custom', path: ['slideId'], message: 'give either smearId or slideId, not both' });
  }
});

/** Phantom carrier of an operation's output type (never read at run time). */
interface Spec<I extends z.ZodType, O> {
  input: I;
  summary: string;
  output: O;
}

function op<O>() {
  return <I extends z.ZodType>(input: I, summary: string): Spec<I, O> => ({ input, summary, output: undefined as O });
}

export const CONTRACT = {
  getSession: op<SessionInfo>()(nothing, 'Shell mode, whether it can show file dialogs, and the current annotator'),
  listAnnotators: op<AnnotatorRecord[]>()(nothing, 'Every annotator name known to this database'),
  chooseAnnotator: op<AnnotatorRecord>()(
    z.strictObject({
      name: z.string().trim().min(1, 'is empty').max(64, 'is longer than 64 characters'),
      /** Sets the annotator's role too: a reader labels, an adjudicator decides disputed cells (default: as before, a new one reads). */
      role: z.enum(ANNOTATOR_ROLES).optional(),
    }),
    'Makes the named annotator current for this session, creating it on first use'),

  listSlides: op<SlideListEntry[]>()(nothing, 'The library: every slide with counts, progress and latest job'),
  getSlide: op<SlideDetail>()(z.strictObject({ slideId: id('slideId') }),
    'One slide for the viewer: DZI URL, mpp, slice grid, FOV mask (opens the scan for tiles)'),
  openSlideFile: op<OpenSlideResult>()(z.strictObject({ path: hostPath.optional() }),
    'Electron: file dialog when path is omitted. Known slide -> it; new file -> ingest started'),
  slideInfo: op<SlideInfo>()(z.strictObject({ path: hostPath }),
    'What OpenSlide reads in a scan file (format, levels, mpp, properties); the library is not touched'),
  startIngest: op<IngestStarted>()(ingestRequestSchema, 'Starts an ingest job in a worker; resolves when the job exists'),
  openDemoSlide: op<IngestStarted>()(nothing,
    'Writes the synthetic demo slide into the data folder when missing (in a worker, once), then ingests it as startIngest does'),
  cancelJob: op<JobView>()(z.strictObject({ jobId: id('jobId') }), 'Asks a running job to stop after the slices in hand'),
  listJobs: op<JobView[]>()(z.strictObject({
    slideId: id('slideId').optional(),
    kind: z.enum(JOB_KINDS).optional(),
    state: z.enum(JOB_STATES).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }), 'Jobs, newest first, with live progress where running'),
  waitForJob: op<JobOutcome>()(z.strictObject({
    jobId: id('jobId'),
    /** How long to wait for the end (default 30 s); then answers with finished: false. */
    timeoutMs: z.number().int().min(0).max(60_000).optional(),
  }), "Waits until a job ends (or the timeout), then answers with the job and its run's report"),

  cellMarkers: op<CellMarkers>()(z.strictObject({ slideId: id('slideId'), viewport: boxSchema.optional() }),
    'Overlay columns (ids, boxes, labels, flags) of a slide, or of the cells meeting a level-0 viewport'),
  getCell: op<CellDetail>()(z.strictObject({ cellId: id('cellId') }), 'A cell with its label history and crop URLs'),
  labelCell: op<LabelResult>()(z.strictObject({
    cellId: id('cellId'),
    /** null clears the label. */
    label: z.enum(CELL_CLASS_NAMES).nullable(),
    annotatorId: id('annotatorId'),
    /** Where `next` points: the next unlabelled cell in reading order (default, wraps to the slide's start), the next cell, or nowhere. */
    advance: z.enum(['next-unlabelled', 'next', 'none']).optional(),
  }), 'Commits a label to SQLite, then answers with the change, counters and the next cell'),
  labelCells: op<LabelManyResult>()(z.strictObject({
    cellIds: z.array(id('cellId')).min(1).max(500).refine((ids) => new Set(ids).size === ids.length, 'name each cell once'),
    label: z.enum(CELL_CLASS_NAMES),
    annotatorId: id('annotatorId'),
  }), 'Labels several cells with one class in one transaction (a page of suggestions confirmed with one key); each its own event'),
  trainAssist: op<AssistStarted>()(z.strictObject({ slideId: id('slideId') }),
    "Starts an assist run in a worker for the session's reader: features, a classifier on their labels, suggestions for every cell"),
  runClassifier: op<AssistStarted>()(z.strictObject({
    slideId: id('slideId'),
    /** A classifier in models/classifiers/ by name, or the absolute path of its manifest (.json beside the .onnx). */
    model: z.string().min(1).max(4096),
  }), "Runs a bring-your-own ONNX cell classifier on every cell of the slide, in a worker; its probabilities become the reader's suggestions"),
  assistSummary: op<AssistSummaryView>()(z.strictObject({ slideId: id('slideId') }),
    "The reader's assist model, estimated class counts with their spread, and whether a run is going"),
  flagCell: op<LabelResult>()(z.strictObject({ cellId: id('cellId'), flagged: z.boolean(), annotatorId: id('annotatorId') }),
    'Flags a cell for second assessment (or clears it); next is always null'),
  undo: op<UndoResult>()(z.strictObject({ annotatorId: id('annotatorId') }), "Reverts the annotator's last action (a new event)"),
  redo: op<UndoResult>()(z.strictObject({ annotatorId: id('annotatorId') }), "Re-applies the annotator's last undone action"),
  undoState: op<UndoRedoState>()(z.strictObject({ annotatorId: id('annotatorId') }), 'Which cells undo / redo would change'),
  lastCellOf: op<CellView | null>()(z.strictObject({ slideId: id('slideId'), annotatorId: id('annotatorId') }),
    "Where the reader left off: the cell of the annotator's latest label event on the slide (null when none)"),
  neighbourCell: op<CellView | null>()(z.strictObject({
    slideId: id('slideId'),
    /** Omitted: next -> the first cell, previous -> the last; arrows need a cell. */
    cellId: id('cellId').optional(),
    direction: directionSchema,
    filter: cellFilterSchema.optional(),
  }), 'Next / previous in reading order, or the nearest cell up / down / left / right'),
  gallery: op<GalleryPageView>()(z.strictObject({
    slideId: id('slideId'),
    /** Only this slice's cells. */
    sliceId: id('sliceId').optional(),
    filter: cellFilterSchema.optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    /** Reading order (default), most suspicious first (p unhealthy) or least certain first, by the reader's suggestions. */
    order: z.enum(GALLERY_ORDERS).optional(),
    /** Only cells the assistant suggests this class for. */
    suggested: z.enum(CELL_CLASS_NAMES).optional(),
  }), "A page of cells in reading order (or by the reader's suggestions) with crop URLs and suggestions"),
  counts: op<ClassCounts>()(z.strictObject({ slideId: id('slideId').optional() }),
    "Counters of a slide, or of the whole library, in the session's view (a reader's own labels, else the decision)"),

  slideReading: op<SlideReading>()(z.strictObject({ slideId: id('slideId') }),
    "Readers' progress, the reading settings, open disagreements and the slide's status (refused to a reader it is still blind to)"),
  setReadingSettings: op<SlideReading>()(z.strictObject({
    slideId: id('slideId'),
    blind: z.boolean().optional(),
    quorum: z.number().int().min(1).max(QUORUM_MAX).optional(),
    rule: z.enum(CONSENSUS_RULES).optional(),
  }), 'Blind reading, quorum and consensus rule of a slide; a new rule or quorum re-decides its cells'),
  cellReadings: op<CellReadings>()(z.strictObject({ cellId: id('cellId') }),
    "Every reader's label and flag on a cell, the adjudicator's decision and the outcome (refused to a blinded reader)"),
  agreement: op<AgreementReport>()(z.strictObject({
    /** Default: every slide. */
    slideIds: z.array(id('slideId')).min(1).max(1000).optional(),
    /** Bootstrap rounds for the confidence intervals (default 1000). */
    rounds: z.number().int().min(0).max(10_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  }), "Inter-reader agreement over the slides' cells: Cohen's kappa per pair, Fleiss' kappa, per class, confusion matrices, bootstrap intervals"),

  packWork: op<WorkPackWritten>()(z.strictObject({
    /** The package file to write (".smearlab-work" is added when missing): a USB stick, a share, anywhere. */
    file: hostPath,
    /** Default: every slide. */
    slideIds: z.array(id('slideId')).min(1).max(10_000).optional(),
    /** Small JPEG crops of the live cells, so a workstation without the scan still shows them (default false). */
    crops: z.boolean().optional(),
  }), "Writes a work package: the slides' references, cells and every label, flag and edit event, no pixels"),
  mergeWork: op<WorkMerged>()(z.strictObject({ files: z.array(hostPath).min(1).max(100) }),
    "Merges work packages from other workstations (a union of events: twice changes nothing); each file is checked whole first"),
  scanFolders: op<{ folders: string[] }>()(z.strictObject({ folders: z.array(hostPath).max(50).optional() }),
    'Folders where a moved scan is looked for (a USB stick, a share); sets them when given'),
  locateScan: op<SlideListEntry>()(z.strictObject({
    slideId: id('slideId'),
    /** The scan file, when the user knows where it is; else it is looked for under the scan folders. */
    path: hostPath.optional(),
  }), "Points a slide at its scan's new place: a path given, or one found under the scan folders, taken only if OpenSlide's quickhash matches"),

  proposeCell: op<CellProposal | null>()(z.strictObject({ slideId: id('slideId'), point: pointSchema }),
    "The cell the pipeline's instance step finds around a clicked nucleus (box, kind, measures), or null; nothing is stored"),
  addCell: op<EditResult>()(z.strictObject({
    slideId: id('slideId'),
    /** A box the reader drew, or ... */
    box: editBoxSchema.optional(),
    /** ... a nucleus clicked: the instance step's box around it. */
    point: pointSchema.optional(),
    annotatorId: id('annotatorId'),
  }).superRefine((input, context) => {
    if ((input.box === undefined) === (input.point === undefined)) {
      context.addIssue({ code: 'custom', path: ['box'], message: 'give either a box or a point, not both or neither' });
    }
  }), 'Adds a cell (source manual) with measures from the scan; an append-only edit on the undo stack'),
  reshapeCell: op<EditResult>()(z.strictObject({ cellId: id('cellId'), box: editBoxSchema, annotatorId: id('annotatorId') }),
    'Replaces a cell by one with a new box (it keeps the label and flag); the old cell is retired, not deleted'),
  splitCell: op<EditResult>()(z.strictObject({
    cellId: id('cellId'),
    /** One point per nucleus, inside the cell's box: one new cell each. */
    nuclei: z.array(pointSchema).min(2, 'a split needs at least 2 nuclei').max(CELL_EDIT_MAX_PARTS),
    annotatorId: id('annotatorId'),
  }), 'Splits a cell into one cell per clicked nucleus; the old cell is retired'),
  mergeCells: op<EditResult>()(z.strictObject({ cellIds: distinctIds(2), annotatorId: id('annotatorId') }),
    'Replaces several cells by one whose box holds them all (the label when they agree)'),
  rejectCell: op<EditResult>()(z.strictObject({ cellId: id('cellId'), annotatorId: id('annotatorId') }),
    "Retires a candidate that is not a cell ('not a cell'); undo brings it back"),

  startExport: op<ExportStarted>()(exportRequestSchema,
    'Starts a dataset export in a worker; resolves when its job exists (progress comes as job-progress events)'),
  verifyExport: op<VerifyResult>()(z.strictObject({ folder: hostPath }),
    'Checks every file of an export against its manifest'),
  importDataset: op<ImportReport>()(importRequestSchema,
    'Imports an APACC-layout folder as new slides, or QuPath GeoJSON onto an ingested slide; problems are listed, the rest imported'),
} as const satisfies { [K in OperationName]: Spec<z.ZodType, unknown> };

// The table has every name and no other (satisfies checks the first half).
type _NoExtraOperations = Exclude<keyof typeof CONTRACT, OperationName> extends never ? true : never;
const _noExtra: _NoExtraOperations = true;
void _noExtra;

export type Contract = typeof CONTRACT;
/** What a caller passes (defaults not yet applied). */
export type Input<K extends OperationName> = z.input<Contract[K]['input']>;
/** What a handler receives after validation. */
export type ParsedInput<K extends OperationName> = z.output<Contract[K]['input']>;
export type Output<K extends OperationName> = Contract[K]['output'];

export type { JobRecord };
