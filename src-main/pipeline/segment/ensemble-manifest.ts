// The ensemble manifest (e.g. models/ensembles/<name>.json): which member
// models are averaged with which weights, and the optional fusion model that
// sees the image plus every member's output, as in the paper's ensemble.
// Configuration, not code: users swap members by editing this file.
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { describeIssues, readJsonFile } from './model-manifest.ts';
import { SegmentError } from './segment-error.ts';

const modelRef = z.string().min(1);

export const ensembleManifestSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
  description: z.string().optional(),
  /** Model names (looked up in the models folder) or paths relative to this file. */
  members: z.array(z.object({
    model: modelRef,
    weight: z.number().positive().default(1),
  }).strict()).min(1),
  /**
   * Optional fusion model: input = the image's 3 channels (normalised as its own
   * manifest says) followed by one probability channel per member, in member order.
   */
  fusion: z.object({ model: modelRef }).strict().optional(),
  /** Cut-off on the final probability; defaults to the fusion model's, else 0.5. */
  threshold: z.number().gt(0).lt(1).optional(),
}).strict();

export type EnsembleManifest = z.infer<typeof ensembleManifestSchema>;

export async function readEnsembleManifest(path: string): Promise<EnsembleManifest> {
  const json = await readJsonFile(path, 'ensemble manifest');
  const result = ensembleManifestSchema.safeParse(json);
  if (!result.success) {
    throw new SegmentError('bad-manifest', path, `invalid ensemble manifest: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

export interface ResolvedModelPaths {
  onnxPath: string;
  manifestPath: string;
}

/**
 * A model reference -> its .onnx and .json. A bare name (no slash, no extension)
 * is looked up in `modelsDir`; anything else is a path, relative to `baseDir`.
 * Either file of the pair may be named; the other sits next to it.
 */
export function resolveModelRef(ref: string, modelsDir: string, baseDir: string): ResolvedModelPaths {
  const isPath = ref.includes('/') || ref.includes('\\') || /\.(onnx|json)$/i.test(ref);
  const stem = isPath
    ? (isAbsolute(ref) ? ref : resolve(baseDir, ref)).replace(/\.(onnx|json)$/i, '')
    : resolve(modelsDir, ref);
  return { onnxPath: `${stem}.onnx`, manifestPath: `${stem}.json` };
}

export function ensembleBaseDir(manifestPath: string): string {
  return dirname(resolve(manifestPath));
}
