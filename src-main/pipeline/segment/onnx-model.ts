// One ONNX segmentation model opened and checked against its manifest:
// the session on the chosen execution provider, a dry run that proves the
// output shape, and tiled inference that turns an image of any size into a
// per-pixel cell probability map.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { RgbaImage } from '../../slide/slide-reader.ts';
import { NoProviderError, createSession } from './execution-providers.ts';
import { manifestUmPerPixel, readModelManifest, type ModelManifest } from './model-manifest.ts';
import { SegmentError } from './segment-error.ts';
import type { ProviderSkip } from './segmenter.ts';
import { normalisationTables, readProbabilities, writeTile } from './tensor-io.ts';
import { Blender, planAxis, planTiles, type TileGeometry } from './tiling.ts';

export interface ModelFiles {
  onnxPath: string;
  manifestPath: string;
}

export interface OpenModelOptions {
  providers: readonly string[];
  /** Channels the model must take: 3, or 3 + members for a fusion model. */
  expectedChannels?: number;
  intraOpNumThreads?: number;
  log?: (message: string) => void;
}

/** Side of the dummy input used by the dry run for dynamic-size models. */
const DRY_RUN_SIDE = 64;

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

export class OnnxModel {
  readonly manifest: ModelManifest;
  readonly files: ModelFiles;
  readonly sha256: string;
  readonly provider: string;
  readonly providersSkipped: readonly ProviderSkip[];
  /** Tiles per run: fixed by the model, or the manifest's maxBatch when the batch dim is dynamic. */
  readonly batchSize: number;
  private readonly batchFixed: boolean;
  private readonly session: ort.InferenceSession;
  private readonly outputName: string;
  private readonly tables: Float32Array[];
  private disposed = false;

  private constructor(init: {
    manifest: ModelManifest; files: ModelFiles; sha256: string; provider: string; skipped: ProviderSkip[];
    session: ort.InferenceSession; outputName: string; batchSize: number; batchFixed: boolean;
  }) {
    this.manifest = init.manifest;
    this.files = init.files;
    this.sha256 = init.sha256;
    this.provider = init.provider;
    this.providersSkipped = init.skipped;
    this.session = init.session;
    this.outputName = init.outputName;
    this.batchSize = init.batchSize;
    this.batchFixed = init.batchFixed;
    this.tables = normalisationTables(init.manifest.input);
  }

  get name(): string {
    return this.manifest.name;
  }

  /** `name@sha256-prefix`: identifies the exact weights a job ran with. */
  get id(): string {
    return `${this.manifest.name}@${this.sha256.slice(0, 12)}`;
  }

  get downsample(): number {
    return this.manifest.downsample;
  }

  get umPerPixel(): number {
    return manifestUmPerPixel(this.manifest);
  }

  get inputChannels(): number {
    return this.manifest.input.channels;
  }

  /** Opens, validates and dry-runs a model; every failure names the file and the mismatch. */
  static async open(files: ModelFiles, opts: OpenModelOptions): Promise<OnnxModel> {
    const { onnxPath, manifestPath } = files;
    try {
      const st = await stat(onnxPath);
      if (!st.isFile()) throw new SegmentError('not-found', onnxPath, 'model file is not a regular file');
    } catch (err) {
      if (err instanceof SegmentError) throw err;
      throw new SegmentError('not-found', onnxPath, 'model file not found');
    }
    const manifest = await readModelManifest(manifestPath);
    if (manifest.task !== 'segmentation') {
      throw new SegmentError('bad-manifest', manifestPath, `model task is '${manifest.task}', a segmenter needs 'segmentation'`);
    }
    const expected = opts.expectedChannels ?? 3;
    if (manifest.input.channels !== expected) {
      throw new SegmentError('bad-manifest', manifestPath,
        `input.channels is ${manifest.input.channels} but this use needs ${expected}`
        + (expected > 3 ? ` (3 image channels + ${expected - 3} ensemble member outputs)` : ''));
    }
    const sha256 = createHash('sha256').update(await readFile(onnxPath)).digest('hex');

    let choice;
    try {
      choice = await createSession(onnxPath, {
        providers: opts.providers,
        ...(opts.intraOpNumThreads !== undefined ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
    } catch (err) {
      if (err instanceof NoProviderError && err.cpuError) {
        throw new SegmentError('onnx-load', onnxPath, `ONNX Runtime cannot load the model: ${err.cpuError.message.split('\n')[0]}`);
      }
      throw new SegmentError('no-provider', onnxPath, `no usable execution provider: ${(err as Error).message}`);
    }
    const { session, provider, skipped } = choice;
    try {
      const { batchSize, batchFixed, outputName } = checkSignature(session, manifest, files);
      const model = new OnnxModel({ manifest, files, sha256, provider, skipped, session, outputName, batchSize, batchFixed });
      await model.dryRun();
      return model;
    } catch (err) {
      await session.release().catch(() => undefined);
      throw err;
    }
  }

  /** Runs a dummy batch and checks the output shape against the manifest. */
  private async dryRun(): Promise<void> {
    const { input, output } = this.manifest;
    const multiple = input.size.type === 'dynamic' ? input.size.multipleOf : 1;
    const width = input.size.type === 'fixed' ? input.size.width : roundUp(DRY_RUN_SIDE, multiple);
    const height = input.size.type === 'fixed' ? input.size.height : roundUp(DRY_RUN_SIDE, multiple);
    const batch = this.batchFixed ? this.batchSize : 1;
    const dims = this.inputDims(batch, width, height);
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run({ [input.name]: new ort.Tensor('float32', data, dims) });
    } catch (err) {
      throw new SegmentError('model-mismatch', this.files.onnxPath,
        `dry run on input ${shapeText(dims)} (${input.layout}, from ${this.files.manifestPath}) failed: ${String((err as Error).message).split('\n')[0]}`);
    }
    const out = result[this.outputName] as ort.Tensor | undefined;
    if (!out || out.type !== 'float32') {
      throw new SegmentError('model-mismatch', this.files.onnxPath, `output '${this.outputName}' is ${out?.type ?? 'missing'}, expected float32`);
    }
    const expected = output.layout === 'NCHW' ? [batch, output.channels, height, width] : [batch, height, width, output.channels];
    const got = [...out.dims];
    const rank3Ok = output.channels === 1 && got.length === 3 && got[0] === batch && got[1] === height && got[2] === width;
    const matches = got.length === 4 && got.every((d, i) => d === expected[i]);
    if (!matches && !rank3Ok) {
      throw new SegmentError('model-mismatch', this.files.onnxPath,
        `output '${this.outputName}' has shape ${shapeText(got)} for input ${shapeText(dims)}, but the manifest `
        + `${this.files.manifestPath} (output.layout ${output.layout}, ${output.channels} channel(s), same size as input) implies ${shapeText(expected)}`);
    }
  }

  private inputDims(batch: number, width: number, height: number): number[] {
    const c = this.manifest.input.channels;
    return this.manifest.input.layout === 'NCHW' ? [batch, c, height, width] : [batch, height, width, c];
  }

  /**
   * Cell probability per pixel of `image` (already at the model's downsample).
   * `extra` planes (image-sized) are appended after the colour channels (fusion input).
   */
  async predict(image: RgbaImage, extra: readonly Float32Array[] = []): Promise<Float32Array> {
    if (this.disposed) throw new SegmentError('disposed', this.files.onnxPath, 'model used after dispose()');
    const { input, output, tiling } = this.manifest;
    const size = input.size;
    const axisOpts = size.type === 'fixed'
      ? { maxTile: 0, multipleOf: 1, overlap: tiling.overlap }
      : { maxTile: size.maxTile, multipleOf: size.multipleOf, overlap: tiling.overlap };
    const xs = planAxis(image.width, size.type === 'fixed' ? { ...axisOpts, fixedTile: size.width } : axisOpts);
    const ys = planAxis(image.height, size.type === 'fixed' ? { ...axisOpts, fixedTile: size.height } : axisOpts);
    const tiles = planTiles(xs, ys);
    const blender = new Blender(image.width, image.height, xs.overlap, ys.overlap);
    const perTile = input.channels * xs.tile * ys.tile;
    for (let first = 0; first < tiles.length; first += this.batchSize) {
      const group = tiles.slice(first, first + this.batchSize);
      const batch = this.batchFixed ? this.batchSize : group.length;
      const data = new Float32Array(batch * perTile);
      for (let b = 0; b < batch; b++) {
        // A fixed batch larger than the tiles left is filled by repeating the last tile.
        const tile: TileGeometry = group[Math.min(b, group.length - 1)]!;
        writeTile(image, tile, input, this.tables, data, b, extra);
      }
      const dims = this.inputDims(batch, xs.tile, ys.tile);
      const result = await this.session.run({ [input.name]: new ort.Tensor('float32', data, dims) });
      const out = result[this.outputName] as ort.Tensor;
      const outData = out.data as Float32Array;
      for (let b = 0; b < group.length; b++) {
        blender.add(group[b]!, readProbabilities(outData, out.dims, output, b));
      }
      out.dispose();
    }
    return blender.result();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

/** Input/output names, rank, channel count and fixed dims against the manifest. */
function checkSignature(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  files: ModelFiles,
): { batchSize: number; batchFixed: boolean; outputName: string } {
  const { input, output } = manifest;
  const where = `${files.onnxPath} vs ${files.manifestPath}`;
  const mismatch = (message: string): SegmentError => new SegmentError('model-mismatch', where, message);
  if (session.inputNames.length !== 1) {
    throw mismatch(`model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); a segmentation model takes one image tensor`);
  }
  if (session.inputNames[0] !== input.name) {
    throw mismatch(`manifest input.name is '${input.name}' but the model's input is '${session.inputNames[0]}'`);
  }
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor) throw mismatch(`input '${input.name}' is not a tensor`);
  if (meta.type !== 'float32') throw mismatch(`input '${input.name}' has type ${meta.type}, only float32 is supported`);
  const shape = meta.shape;
  if (shape.length !== 4) {
    throw mismatch(`input '${input.name}' has rank ${shape.length} ${shapeText(shape)}, layout ${input.layout} needs rank 4`);
  }
  const [cIdx, hIdx, wIdx] = input.layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const otherC = input.layout === 'NCHW' ? 3 : 1;
  if (typeof shape[cIdx] === 'string' && shape[otherC] === input.channels) {
    throw mismatch(`input '${input.name}' ${shapeText(shape)} looks ${input.layout === 'NCHW' ? 'NHWC' : 'NCHW'} but the manifest says input.layout ${input.layout}`);
  }
  const c = shape[cIdx]!;
  if (typeof c === 'number' && c !== input.channels) {
    throw mismatch(`input '${input.name}' ${shapeText(shape)} has ${c} channels at dim ${cIdx} (${input.layout}); manifest expects ${input.channels}`);
  }
  const h = shape[hIdx]!;
  const w = shape[wIdx]!;
  if (input.size.type === 'fixed') {
    if ((typeof h === 'number' && h !== input.size.height) || (typeof w === 'number' && w !== input.size.width)) {
      throw mismatch(`input '${input.name}' ${shapeText(shape)} is not the manifest's fixed ${input.size.width}x${input.size.height} (${input.layout})`);
    }
  } else if (typeof h === 'number' || typeof w === 'number') {
    throw mismatch(`input '${input.name}' ${shapeText(shape)} has fixed height/width but the manifest says input.size.type 'dynamic'`);
  }
  const n = shape[0]!;
  const batchFixed = typeof n === 'number';
  const batchSize = batchFixed ? Math.max(1, n) : manifest.tiling.maxBatch;

  const outputName = output.name ?? session.outputNames[0];
  if (!outputName || !session.outputNames.includes(outputName)) {
    throw mismatch(`manifest output.name '${output.name}' is not an output of the model (outputs: ${session.outputNames.join(', ')})`);
  }
  const outMeta = session.outputMetadata[session.outputNames.indexOf(outputName)];
  if (outMeta?.isTensor) {
    if (outMeta.type !== 'float32') throw mismatch(`output '${outputName}' has type ${outMeta.type}, only float32 is supported`);
    const oshape = outMeta.shape;
    const rankOk = oshape.length === 4 || (oshape.length === 3 && output.channels === 1);
    if (!rankOk) throw mismatch(`output '${outputName}' has rank ${oshape.length} ${shapeText(oshape)}, expected rank 4 (${output.layout})`);
    if (oshape.length === 4) {
      const oc = oshape[output.layout === 'NCHW' ? 1 : 3]!;
      if (typeof oc === 'number' && oc !== output.channels) {
        throw mismatch(`output '${outputName}' ${shapeText(oshape)} has ${oc} channels (${output.layout}); manifest output.channels is ${output.channels} for kind ${output.kind}`);
      }
    }
  }
  return { batchSize, batchFixed, outputName };
}
