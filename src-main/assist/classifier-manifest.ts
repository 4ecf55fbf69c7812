// Bring your own classifier: an ONNX model that takes a cell's crop and gives
// class scores, with a manifest beside it (models/classifiers/<name>.json):
// the crop's side in um around the cell's centre or nucleus (so the model
// sees cells at the scale it was trained at, whatever the scan's mpp), the input size and
// normalisation, and what each output means as one of APACC's four classes
// (or null: ignored, the rest renormalised). Validated with zod: a wrong
// file is refused with its name and the field, before any model is opened.

import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';

export const classifierManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  name: z.string().min(1).max(128),
  task: z.literal('classification', { message: 'is not "classification" (a segmentation model is no cell classifier)' }),
  input: z.strictObject({
    name: z.string().min(1),
    layout: z.enum(['NCHW', 'NHWC']),
    width: z.number().int().min(8).max(1024),
    height: z.number().int().min(8).max(1024),
    /** Side of the square crop around the cell's centre, um. */
    cropUm: z.number().positive().max(500),
    /** What the crop is centred on: the cell's centre, or its nucleus (the cell's centre where it has none). */
    centreOn: z.enum(['cell', 'nucleus']).default('cell'),
    colorOrder: z.enum(['RGB', 'BGR']),
    divideBy: z.number().positive().default(255),
    mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
  }),
  output: z.strictObject({
    name: z.string().min(1).optional(),
    scores: z.enum(['logits', 'probabilities']),
    /** One entry per output: the APACC class it is, or null to ignore it. */
    classes: z.array(z.enum(CELL_CLASS_NAMES).nullable()).min(2).max(64)
      .refine((c) => c.some((x) => x !== null), 'map at least one output to an APACC class'),
  }),
  maxBatch: z.number().int().min(1).max(1024).default(32),
  card: z.record(z.string(), z.unknown()).optional(),
});

export type ClassifierManifest = z.output<typeof classifierManifestSchema>;

const MANIFEST_MAX_BYTES = 1024 * 1024;

export class ClassifierError extends Error {
  constructor(message: string, readonly path: string) {
    super(`${path}: ${message}`);
    this.name = 'ClassifierError';
  }
}

export async function readClassifierManifest(path: string): Promise<ClassifierManifest> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MANIFEST_MAX_BYTES) throw new ClassifierError('is not a manifest file', path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof ClassifierError) throw err;
    throw new ClassifierError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such manifest' : (err as Error).message, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ClassifierError('is not JSON', path);
  }
  const parsed = classifierManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ClassifierError(`is not a classifier manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'} ${i.message}`).join('; ')}`, path);
  }
  return parsed.data;
}
