// What an export is asked to do, validated once at the boundary (CLI, API,
// worker) with zod, and what it reports back: progress and result.
import { z } from 'zod';
import type { CellClassName } from '../domain/cell-class.ts';
import type { SplitName } from './smear-split.ts';

const smearList = z.array(z.string().min(1).max(128));

const PNG_LEVEL_MESSAGE = 'PNG compression must be a whole number from 0 (fastest, largest files) to 9 (smallest, slowest); leave it out to choose from the target\'s speed';

export const splitRequestSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('auto'),
    /** Same smears, counts and seed: same split. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Share of smears held out for test (the paper: 20 of 107). */
    testFraction: z.number().gt(0).lt(1).default(0.2),
    /** Exact number of test smears instead of the fraction. */
    testCount: z.number().int().min(0).optional(),
  }),
  z.strictObject({ mode: z.literal('explicit'), train: smearList, test: smearList }),
  /** Every smear in train (e.g. a dataset for another lab's own split). */
  z.strictObject({ mode: z.literal('none') }),
]);

export const exportFormatsSchema = z.strictObject({
  /** cells/<split>/<class>/<APACC cell name>.png */
  cells: z.boolean().default(true),
  /** slices/<split>/<smear>_<x>_<y>.png + .txt */
  slices: z.boolean().default(true),
  /** annotated/<split>/<smear>_<x>_<y>.png: boxes in class colours with class names. */
  annotated: z.boolean().default(false),
  /** yolo/images, yolo/labels, yolo/data.yaml */
  yolo: z.boolean().default(false),
  /** coco/<split>.json (images are the slices: turns slices on). */
  coco: z.boolean().default(false),
  /** geojson/<smear>.geojson: one QuPath FeatureCollection per slide, level-0 coordinates. */
  geojson: z.boolean().default(false),
});

/** Which cells an export takes by label, and what it does with flagged cells. */
export const EXPORT_LABEL_CHOICES = ['labelled', 'all'] as const;
export const EXPORT_FLAGGED_CHOICES = ['exclude', 'include', 'only'] as const;
export const EXPORT_DECISIONS = ['consensus', 'majority', 'all-readers'] as const;

export const exportOptionsSchema = z.strictObject({
  /** Folder to write: created if missing (its parent must exist), or a previous Smearlab export to resume or update. */
  targetDir: z.string().min(1, 'target folder is empty'),
  /** SQLite file; default: the user's database. */
  dbPath: z.string().min(1).optional(),
  /** Slides to export (ids); default: every slide. */
  slideIds: z.array(z.number().int().positive()).min(1).optional(),
  /** 'labelled': cells with a class; 'all': unlabelled cells too (cells/<split>/unlabelled/, GeoJSON without class). */
  labels: z.enum(EXPORT_LABEL_CHOICES).default('labelled'),
  /** Flagged cells (set aside for a second look): left out by default. */
  flagged: z.enum(EXPORT_FLAGGED_CHOICES).default('exclude'),
  /**
   * Whose labels decide each cell's class (several readers, see domain/reading.ts):
   * 'consensus' (default): the adjudicator's decision, else the readers' consensus under each slide's rule and quorum;
   * 'majority': the adjudicator's, else more than half of the readers; 'reader:NAME': that reader's own labels;
   * 'all-readers': the consensus as the class, plus every reader's label in readers.csv.
   * Cells readers labelled that the choice leaves undecided are left out and counted (manifest: unresolved).
   */
  decision: z.union([z.enum(EXPORT_DECISIONS), z.string().regex(/^reader:\S.{0,63}$/, 'must be consensus, majority, all-readers or reader:NAME')])
    .default('consensus'),
  formats: exportFormatsSchema.default({ cells: true, slices: true, annotated: false, yolo: false, coco: false, geojson: false }),
  split: splitRequestSchema.default({ mode: 'auto', seed: 1, testFraction: 0.2 }),
  /** Image reads and encodes in flight. */
  concurrency: z.number().int().min(1).max(16).default(3),
  /**
   * zlib level of every PNG (0-9: 0 stores the pixels, fastest and three bytes a pixel; 9 smallest and
   * slowest); default: chosen from the target's measured write speed (png-level.ts: level 0 on a RAM or
   * fast local disk, 1 on a USB 3 stick, up to 6 with adaptive filtering on a slow stick). The manifest
   * records the setting used.
   */
  pngCompression: z.number({ error: PNG_LEVEL_MESSAGE }).int(PNG_LEVEL_MESSAGE).min(0, PNG_LEVEL_MESSAGE).max(9, PNG_LEVEL_MESSAGE).optional(),
  /** fsync each file before renaming it into place (what makes a pulled USB stick safe); off only for benchmarks. */
  fsync: z.boolean().default(true),
});

export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
export type ExportOptions = z.output<typeof exportOptionsSchema>;
export type ExportFormats = z.output<typeof exportFormatsSchema>;
export type SplitRequestInput = z.input<typeof splitRequestSchema>;

/** Validates options; the error lists every bad field. */
export function parseExportOptions(input: unknown): ExportOptions {
  const result = exportOptionsSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new RangeError(`invalid export options: ${detail}`);
  }
  const options = result.data;
  // COCO images are the slice images.
  if (options.formats.coco) options.formats = { ...options.formats, slices: true };
  const f = options.formats;
  if (!f.cells && !f.slices && !f.annotated && !f.yolo && !f.geojson) throw new RangeError('invalid export options: choose at least one format');
  return options;
}

export type ExportPhase = 'planning' | 'writing' | 'finishing';

export interface ExportProgress {
  jobId: number | null;
  phase: ExportPhase;
  filesDone: number;
  filesTotal: number;
  /** Files left as they were because their checksum already matched (a resumed export). */
  filesSkipped: number;
  cellsDone: number;
  cellsTotal: number;
  slicesDone: number;
  slicesTotal: number;
  bytesWritten: number;
  /** Over this run. */
  cellsPerSecond: number;
  bytesPerSecond: number;
  /** Seconds left at the current rate; null before there is a rate. */
  etaSeconds: number | null;
  /** The file written last (relative to the target). */
  currentFile: string | null;
}

export type ClassCountsWithUnlabelled = Record<CellClassName | 'unlabelled', number>;

export interface ExportResult {
  jobId: number | null;
  state: 'done' | 'cancelled';
  targetDir: string;
  /** manifest.json, or null when cancelled (a partial export has none). */
  manifestPath: string | null;
  files: number;
  filesWritten: number;
  filesSkipped: number;
  /** Stale files of an earlier export into the same folder that were removed. */
  filesRemoved: number;
  bytesWritten: number;
  cells: number;
  slices: number;
  split: { mode: string; train: string[]; test: string[]; seed: number | null; distance: number | null };
  counts: Record<SplitName, ClassCountsWithUnlabelled>;
  /** Named durations in ms. */
  timings: Record<string, number>;
  message: string;
}
