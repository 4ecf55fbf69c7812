// What an ingest run is asked to do, validated once at the boundary (CLI,
// API) so the worker can trust it. Defaults follow the APACC protocol.
import { z } from 'zod';
import { DEFAULT_SEGMENTER, SEGMENTER_NAMES } from '../../domain/segmenter.ts';
import { MAX_MPP, MIN_MPP } from '../scale.ts';
import { DEFAULT_SLICE_GRID_CONFIG } from '../slice-grid.ts';

export const ingestOptionsSchema = z.object({
  slidePath: z.string().min(1, 'slide path is empty'),
  /** SQLite file; default: the user's database. */
  dbPath: z.string().min(1).optional(),
  segmenter: z.enum(SEGMENTER_NAMES).default(DEFAULT_SEGMENTER),
  model: z.string().min(1).optional(),
  ensemble: z.string().min(1).optional(),
  /** Ordered execution-provider preference, e.g. ['cuda', 'cpu']. */
  executionProviders: z.array(z.string().min(1)).min(1).optional(),
  smearId: z.string().min(1).max(128).optional(),
  /** Re-ingest a slide that is already done (labelled cells are kept). */
  force: z.boolean().default(false),
  sliceSize: z.number().int().min(256).max(16384).default(DEFAULT_SLICE_GRID_CONFIG.sliceSize),
  minTissueFraction: z.number().min(0).max(1).default(DEFAULT_SLICE_GRID_CONFIG.minTissueFraction),
  /**
   * 'whole-cell' (ours): each slice is segmented with a margin read from its
   * neighbours and every cell is kept once, whole. 'paper': the APACC paper's
   * per-slice behaviour, cells cut by the grid appear once per side.
   */
  mode: z.enum(['whole-cell', 'paper']).default('whole-cell'),
  /**
   * um per level-0 px, overriding the slide's own (or supplying it where the slide has none:
   * without either, 0.25 is assumed with a warning). Every size in the pipeline is in um.
   */
  mpp: z.number().min(MIN_MPP).max(MAX_MPP).optional(),
  /** Level-0 px read around each slice in whole-cell mode; default: the largest cell kept fits (instanceMarginUm at the slide's mpp). */
  margin: z.number().int().min(0).max(4096).optional(),
  /** Write every crop as a PNG at ingest (the paper's save_image); by default crops are rendered on demand. */
  saveCrops: z.boolean().default(false),
  /** Folder for FOV masks and saved crops; default: next to the database. */
  dataDir: z.string().min(1).optional(),
  /**
   * Slices processed at once, each on its own thread with its own reader and inference session
   * (slice-lanes.ts); default: one per core, at most 4. ONNX Runtime's threads are shared out between them.
   */
  concurrency: z.number().int().min(1).max(8).optional(),
});

export type IngestOptionsInput = z.input<typeof ingestOptionsSchema>;
export type IngestOptions = z.output<typeof ingestOptionsSchema>;

/** Validates options; the error lists every bad field. */
export function parseIngestOptions(input: unknown): IngestOptions {
  const result = ingestOptionsSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new RangeError(`invalid ingest options: ${detail}`);
  }
  if (result.data.model && result.data.ensemble) throw new RangeError('invalid ingest options: give either a model or an ensemble');
  return result.data;
}

export interface IngestProgress {
  jobId: number;
  slideId: number;
  slicesDone: number;
  slicesTotal: number;
  slicesFailed: number;
  cells: number;
  /** Slices per second over this run. */
  rate: number;
  /** Seconds left at the current rate; null before the first slice. */
  etaSeconds: number | null;
}

export interface IngestResult {
  jobId: number | null;
  slideId: number;
  smearId: string;
  state: 'done' | 'failed' | 'cancelled' | 'skipped';
  provider: string;
  model: string | null;
  /** um per level-0 px the run used, and where it came from. */
  mpp: number;
  mppSource: 'slide' | 'override' | 'assumed';
  /** Things the user should know (an assumed mpp). */
  warnings: string[];
  slicesTotal: number;
  slicesDone: number;
  slicesFailed: number;
  cells: number;
  /** Slices processed side by side (threads); 0 for a skipped run. */
  lanes: number;
  /**
   * Named durations (ms). read, segment, extract, crops, db: summed over slices, each the time
   * that stage took in its lane (lanes run in parallel, so they add up to more than the wall time);
   * slices: wall time of the slice phase; fov: once per slide.
   */
  timings: Record<string, number>;
  error: string | null;
  message: string;
}
