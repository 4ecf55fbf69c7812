// THE contract: every operation the UI may call, once. Each entry has a zod
// schema for its input (checked at the boundary by every adapter, see
// validate.ts) and the TypeScript type of its output. Handlers live in
// handlers/ (one table keyed by the same names); the Electron preload and the
// HTTP client expose one async function per name (operation-names.ts).
//
// Adding an operation: a name in operation-names.ts, an entry here, a handler
// in handlers/index.ts. The compiler refuses any of the three without the others.
// Reserved for the dataset module: startExport, verifyExport (job-progress
// events already carry any JobRecord kind).
//
// No Node or Electron imports here: the renderer compiles this file.

import { z } from 'zod';
import { EXPORT_FLAGGED_CHOICES, EXPORT_LABEL_CHOICES, exportFormatsSchema, splitRequestSchema } from '../dataset/export-options.ts';
import { MAX_MPP, MIN_MPP } from '../pipeline/scale.ts';
import { LABEL_GROUPS, type CellMarkers } from '../domain/cell.ts';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import { JOB_KINDS, JOB_STATES, type JobRecord } from '../domain/job.ts';
import type { ClassCounts } from '../domain/label.ts';
import { SEGMENTER_NAMES } from '../domain/segmenter.ts';
import type { OperationName } from './operation-names.ts';
import type {
  AnnotatorRecord, CellDetail, CellView, ExportStarted, GalleryPageView, IngestStarted, JobView, LabelResult, OpenSlideResult,
  SessionInfo, SlideDetail, SlideListEntry, UndoRedoState, UndoResult, VerifyResult,
} from './views.ts';

/** Database row id: a positive safe integer (the name is for readers of the table). */
const id = (_what: string) => z.number().int('must be a whole number').positive('must be a positive id');
const coordinate = z.number();
const nothing = z.strictObject({});

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
});

export const directionSchema = z.enum(['next', 'previous', 'up', 'down', 'left', 'right']);
export type Direction = z.infer<typeof directionSchema>;

export const ingestRequestSchema = z.strictObject({
  /** Path of the scan on the machine that runs Smearlab. */
  path: z.string().min(1, 'is empty').max(4096),
  /** Run again over a slide that is done (labelled cells are kept). */
  force: z.boolean().optional(),
  /** Default: the shell's setting (serve --segmenter), else onnx. */
  segmenter: z.enum(SEGMENTER_NAMES).optional(),
  /** Model name or path for the onnx segmenter. */
  model: z.string().min(1).max(4096).optional(),
  smearId: z.string().min(1).max(128).optional(),
  /** um per level-0 px, for scans that give none (or a wrong one); default: the slide's own. */
  mpp: z.number().min(MIN_MPP).max(MAX_MPP).optional(),
});

export const exportRequestSchema = z.strictObject({
  /** Folder to write (a USB stick, a network share), on the machine that runs Smearlab. */
  targetDir: z.string().min(1, 'is empty').max(4096),
  slideIds: z.array(z.number().int().positive('must be a positive id')).min(1).max(10_000).optional(),
  labels: z.enum(EXPORT_LABEL_CHOICES).optional(),
  flagged: z.enum(EXPORT_FLAGGED_CHOICES).optional(),
  formats: exportFormatsSchema.optional(),
  split: splitRequestSchema.optional(),
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
    z.strictObject({ name: z.string().trim().min(1, 'is empty').max(64, 'is longer than 64 characters') }),
    'Makes the named annotator current for this session, creating it on first use'),

  listSlides: op<SlideListEntry[]>()(nothing, 'The library: every slide with counts, progress and latest job'),
  getSlide: op<SlideDetail>()(z.strictObject({ slideId: id('slideId') }),
    'One slide for the viewer: DZI URL, mpp, slice grid, FOV mask (opens the scan for tiles)'),
  openSlideFile: op<OpenSlideResult>()(z.strictObject({ path: z.string().min(1, 'is empty').max(4096).optional() }),
    'Electron: file dialog when path is omitted. Known slide -> it; new file -> ingest started'),
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
  flagCell: op<LabelResult>()(z.strictObject({ cellId: id('cellId'), flagged: z.boolean(), annotatorId: id('annotatorId') }),
    'Flags a cell for second assessment (or clears it); next is always null'),
  undo: op<UndoResult>()(z.strictObject({ annotatorId: id('annotatorId') }), "Reverts the annotator's last action (a new event)"),
  redo: op<UndoResult>()(z.strictObject({ annotatorId: id('annotatorId') }), "Re-applies the annotator's last undone action"),
  undoState: op<UndoRedoState>()(z.strictObject({ annotatorId: id('annotatorId') }), 'Which cells undo / redo would change'),
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
  }), 'A page of cells in reading order with crop URLs'),
  counts: op<ClassCounts>()(z.strictObject({ slideId: id('slideId').optional() }), 'Counters of a slide, or of the whole library'),

  startExport: op<ExportStarted>()(exportRequestSchema,
    'Starts a dataset export in a worker; resolves when its job exists (progress comes as job-progress events)'),
  verifyExport: op<VerifyResult>()(z.strictObject({ folder: z.string().min(1, 'is empty').max(4096) }),
    'Checks every file of an export against its manifest'),
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
