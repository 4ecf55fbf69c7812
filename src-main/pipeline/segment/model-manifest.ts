// The manifest that travels with every model (models/<name>.json next to
// models/<name>.onnx): how to feed it, how to read its output, at which
// downsample it works, and its model card. Validated with zod so a bad file
// is rejected with its name and the offending field before any job starts.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SegmentError } from './segment-error.ts';

const layout = z.enum(['NCHW', 'NHWC']);

const fixedSize = z.object({
  type: z.literal('fixed'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
}).strict();

const dynamicSize = z.object({
  type: z.literal('dynamic'),
  /** Height and width must be a multiple of this (e.g. 2^poolings of a U-Net). */
  multipleOf: z.number().int().positive().default(1),
  /** Largest tile side fed at once; bigger images are tiled. Bounds memory. */
  maxTile: z.number().int().positive().default(1024),
}).strict();

const inputSchema = z.object({
  name: z.string().min(1),
  layout,
  size: z.discriminatedUnion('type', [fixedSize, dynamicSize]),
  /** 3 for an image model; 3 + member count for an ensemble's fusion model. */
  channels: z.number().int().positive().default(3),
  colorOrder: z.enum(['RGB', 'BGR']),
  /** value = (pixel / divideBy - mean[c]) / std[c], c in colorOrder. */
  divideBy: z.number().positive().default(255),
  mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
}).strict();

const outputSchema = z.object({
  /** Defaults to the model's first output. */
  name: z.string().min(1).optional(),
  layout: layout.default('NCHW'),
  /**
   * cell-probability: one channel in [0, 1]; cell-logit: one channel, sigmoid applied;
   * class-scores: `channels` channels, class `cellClass` is "cell".
   */
  kind: z.enum(['cell-probability', 'cell-logit', 'class-scores']),
  channels: z.number().int().positive().default(1),
  cellClass: z.number().int().nonnegative().default(0),
  /** class-scores only: 'logits' gets a softmax over channels, 'probabilities' is used as is. */
  scores: z.enum(['logits', 'probabilities']).default('logits'),
}).strict().superRefine((o, ctx) => {
  if (o.kind !== 'class-scores' && o.channels !== 1) {
    ctx.addIssue({ code: 'custom', path: ['channels'], message: `${o.kind} output has exactly 1 channel, not ${o.channels}` });
  }
  if (o.kind === 'class-scores' && o.cellClass >= o.channels) {
    ctx.addIssue({ code: 'custom', path: ['cellClass'], message: `cellClass ${o.cellClass} is outside 0..${o.channels - 1}` });
  }
});

const tilingSchema = z.object({
  /** Model pixels shared by neighbouring tiles; should exceed the receptive-field radius. */
  overlap: z.number().int().nonnegative().default(32),
  /** Tiles per run when the batch dimension is dynamic. */
  maxBatch: z.number().int().positive().default(4),
}).strict();

const cardSchema = z.object({
  summary: z.string().min(1),
  trainingData: z.string().min(1),
  metrics: z.record(z.string(), z.union([z.number(), z.string()])),
  limits: z.array(z.string()),
  architecture: z.string().optional(),
  parameters: z.number().int().nonnegative().optional(),
  training: z.string().optional(),
  license: z.string().optional(),
  authors: z.string().optional(),
  created: z.string().optional(),
}).strict();

export const modelManifestSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
  task: z.enum(['segmentation', 'classification']),
  /**
   * Level-0 pixels per model input pixel on a reference 0.25 um/px scan (4 = 1 um/px). Kept for
   * manifests written before umPerPixel; the pipeline works from the physical scale.
   */
  downsample: z.number().positive(),
  /** The model's working scale in um per input pixel; default downsample x 0.25. Scans at any mpp are resampled to it. */
  umPerPixel: z.number().positive().max(64).optional(),
  input: inputSchema,
  output: outputSchema,
  threshold: z.number().gt(0).lt(1).default(0.5),
  tiling: tilingSchema.default({ overlap: 32, maxBatch: 4 }),
  card: cardSchema,
}).strict();

export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** The scan resolution `downsample` is counted against when a manifest gives no umPerPixel. */
export const REFERENCE_MPP = 0.25;

/** A manifest's working scale, um per input pixel. */
export function manifestUmPerPixel(manifest: Pick<ModelManifest, 'downsample' | 'umPerPixel'>): number {
  return manifest.umPerPixel ?? manifest.downsample * REFERENCE_MPP;
}

/** Zod issues as one line: `field.path: message; ...`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SegmentError('not-found', path, `${what} not found`);
    throw new SegmentError('bad-manifest', path, `cannot read ${what}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SegmentError('bad-manifest', path, `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseModelManifest(json: unknown, path: string): ModelManifest {
  const result = modelManifestSchema.safeParse(json);
  if (!result.success) {
    throw new SegmentError('bad-manifest', path, `invalid model manifest: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

export async function readModelManifest(path: string): Promise<ModelManifest> {
  return parseModelManifest(await readJsonFile(path, 'model manifest'), path);
}
