// A bring-your-own ONNX cell classifier (manifest: classifier-manifest.ts)
// run on cells: each cell's crop of the manifest's side in um around its
// centre or nucleus, resampled to the model's input, normalised as the
// manifest says, in batches; the outputs mapped to APACC's four classes
// (outputs mapped to no class dropped, the rest renormalised to sum to 1).

import * as ort from 'onnxruntime-node';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import type { CellView } from '../domain/cell.ts';
import type { Box } from '../domain/geometry.ts';
import { DEFAULT_PROVIDERS, createSession } from '../pipeline/segment/execution-providers.ts';
import type { SlideReader } from '../slide/slide-reader.ts';
import { areaResampleRgb } from './crop-resample.ts';
import { ClassifierError, readClassifierManifest, type ClassifierManifest } from './classifier-manifest.ts';

/** cropUm square (level-0 px) on the cell's centre or nucleus, as the manifest says. */
export function classifierCropBox(cell: Pick<CellView, 'centre' | 'nucleus'>, mpp: number, input: Pick<ClassifierManifest['input'], 'cropUm' | 'centreOn'>): Box {
  const side = Math.max(8, Math.round(input.cropUm / mpp));
  const at = input.centreOn === 'nucleus' && cell.nucleus ? cell.nucleus : cell.centre;
  return { x: Math.round(at.x - side / 2), y: Math.round(at.y - side / 2), width: side, height: side };
}

/**
 * The crop's RGB bytes at the model's input size (area-averaged: crop-resample.ts).
 * Training exports read crops through this same function, so a model sees in the app what it learnt from.
 */
export async function readClassifierCrop(reader: SlideReader, box: Box, width: number, height: number): Promise<Buffer> {
  return areaResampleRgb(await reader.readRegion(box.x, box.y, 0, box.width, box.height), width, height);
}

export class OnnxClassifier {
  private constructor(
    readonly manifest: ClassifierManifest,
    readonly onnxPath: string,
    readonly provider: string,
    private readonly session: ort.InferenceSession,
    private readonly outputName: string,
  ) {}

  /** Opens the model beside the manifest (same name, .onnx) and proves it answers with one score per mapped output. */
  static async open(manifestPath: string, providers: readonly string[] = DEFAULT_PROVIDERS): Promise<OnnxClassifier> {
    const manifest = await readClassifierManifest(manifestPath);
    const onnxPath = manifestPath.replace(/\.json$/i, '.onnx');
    let choice;
    try {
      choice = await createSession(onnxPath, { providers });
    } catch (err) {
      throw new ClassifierError(`the model cannot be opened: ${(err as Error).message}`, onnxPath);
    }
    const { session, provider } = choice;
    if (!session.inputNames.includes(manifest.input.name)) {
      throw new ClassifierError(`has no input "${manifest.input.name}" (it has ${session.inputNames.join(', ')})`, onnxPath);
    }
    const outputName = manifest.output.name ?? session.outputNames[0]!;
    if (!session.outputNames.includes(outputName)) throw new ClassifierError(`has no output "${outputName}"`, onnxPath);
    const classifier = new OnnxClassifier(manifest, onnxPath, provider, session, outputName);
    const probe = await classifier.run(new Float32Array(3 * manifest.input.width * manifest.input.height), 1);
    if (probe.length !== manifest.output.classes.length) {
      throw new ClassifierError(`answers ${probe.length} scores per cell where its manifest maps ${manifest.output.classes.length}`, onnxPath);
    }
    return classifier;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  /** APACC probabilities (rows x 4, CELL_CLASS_NAMES order) for the cells, read from the scan. */
  async classify(reader: SlideReader, cells: readonly CellView[], mpp: number): Promise<Float64Array> {
    const { width, height } = this.manifest.input;
    const out = new Float64Array(cells.length * 4);
    for (let start = 0; start < cells.length; start += this.manifest.maxBatch) {
      const batch = cells.slice(start, start + this.manifest.maxBatch);
      const input = new Float32Array(batch.length * 3 * width * height);
      for (const [b, cell] of batch.entries()) {
        this.write(await readClassifierCrop(reader, classifierCropBox(cell, mpp, this.manifest.input), width, height), input, b);
      }
      const scores = await this.run(input, batch.length);
      const per = this.manifest.output.classes.length;
      for (let b = 0; b < batch.length; b++) this.mapRow(scores.subarray(b * per, (b + 1) * per), out, start + b);
    }
    return out;
  }

  private write(rgb: Buffer, input: Float32Array, b: number): void {
    const { width, height, layout, colorOrder, divideBy, mean, std } = this.manifest.input;
    const plane = width * height;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const source = colorOrder === 'RGB' ? c : 2 - c;
        const v = (rgb[p * 3 + source]! / divideBy - mean[c]!) / std[c]!;
        input[layout === 'NCHW' ? b * 3 * plane + c * plane + p : (b * plane + p) * 3 + c] = v;
      }
    }
  }

  private async run(input: Float32Array, n: number): Promise<Float32Array> {
    const { width, height, layout } = this.manifest.input;
    const dims = layout === 'NCHW' ? [n, 3, height, width] : [n, height, width, 3];
    const result = await this.session.run({ [this.manifest.input.name]: new ort.Tensor('float32', input, dims) });
    return result[this.outputName]!.data as Float32Array;
  }

  private mapRow(scores: ArrayLike<number>, out: Float64Array, row: number): void {
    const probs = this.manifest.output.scores === 'logits' ? softmax(scores) : Array.from(scores);
    let total = 0;
    for (const [k, cls] of this.manifest.output.classes.entries()) {
      if (cls === null) continue;
      out[row * 4 + CELL_CLASS_NAMES.indexOf(cls)]! += probs[k]!;
      total += probs[k]!;
    }
    for (let c = 0; c < 4; c++) out[row * 4 + c] = total > 0 ? out[row * 4 + c]! / total : 0.25;
  }
}

function softmax(scores: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(scores));
  const e = Array.from(scores, (s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
