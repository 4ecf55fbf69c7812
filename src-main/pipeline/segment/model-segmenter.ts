// Segmenter over ONNX models: one model, or an ensemble whose members'
// probabilities are averaged with weights, optionally followed by a fusion
// model fed with the image and every member's output. A single model is an
// ensemble of one.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import type { Mask } from '../mask.ts';
import type { OnnxModel } from './onnx-model.ts';
import { SegmentError } from './segment-error.ts';
import { checkImage, type ProviderSkip, type Segmenter } from './segmenter.ts';
import { thresholdProbabilities } from './tensor-io.ts';

export interface ModelSegmenterInit {
  name: string;
  members: { model: OnnxModel; weight: number }[];
  fusion?: OnnxModel;
  threshold: number;
}

export class ModelSegmenter implements Segmenter {
  readonly name: string;
  readonly provider: string;
  readonly modelId: string;
  readonly downsample: number;
  readonly umPerPixel: number;
  readonly providersSkipped: readonly ProviderSkip[];
  readonly threshold: number;
  private readonly members: { model: OnnxModel; weight: number }[];
  private readonly fusion: OnnxModel | undefined;
  private disposed = false;

  constructor(init: ModelSegmenterInit) {
    this.name = init.name;
    this.members = init.members;
    this.fusion = init.fusion;
    this.threshold = init.threshold;
    const all = [...init.members.map((m) => m.model), ...(init.fusion ? [init.fusion] : [])];
    const first = all[0]!;
    this.downsample = first.downsample;
    this.umPerPixel = first.umPerPixel;
    this.provider = [...new Set(all.map((m) => m.provider))].join('+');
    const skips = new Map<string, ProviderSkip>();
    for (const m of all) for (const s of m.providersSkipped) if (!skips.has(s.provider)) skips.set(s.provider, s);
    this.providersSkipped = [...skips.values()];
    this.modelId = all.length === 1
      ? first.id
      : `${init.name}[${init.members.map((m) => m.model.id).join('+')}${init.fusion ? `;fusion=${init.fusion.id}` : ''}]`;
  }

  /** Final cell probability per pixel (before the threshold). */
  async probabilities(image: RgbaImage): Promise<Float32Array> {
    if (this.disposed) throw new SegmentError('disposed', this.name, 'segmenter used after dispose()');
    checkImage(image, this.name);
    const outputs: Float32Array[] = [];
    // Sequential on purpose: each session already uses ONNX Runtime's thread pool.
    for (const m of this.members) outputs.push(await m.model.predict(image));
    if (this.fusion) return this.fusion.predict(image, outputs);
    if (outputs.length === 1) return outputs[0]!;
    const total = this.members.reduce((s, m) => s + m.weight, 0);
    const mean = new Float32Array(image.width * image.height);
    for (let k = 0; k < outputs.length; k++) {
      const w = this.members[k]!.weight / total;
      const o = outputs[k]!;
      for (let i = 0; i < mean.length; i++) mean[i]! += w * o[i]!;
    }
    return mean;
  }

  async segment(image: RgbaImage): Promise<Mask> {
    const probs = await this.probabilities(image);
    return { width: image.width, height: image.height, data: thresholdProbabilities(probs, this.threshold), downsample: this.downsample };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of this.members) await m.model.dispose();
    await this.fusion?.dispose();
  }
}
