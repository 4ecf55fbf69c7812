// The one contract every cell segmenter (ONNX model, ensemble, classical
// threshold) implements: RGBA image at the segmenter's downsample in, binary
// cell mask of the same size out. The pipeline only talks to this.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import type { Mask } from '../mask.ts';
import { SegmentError } from './segment-error.ts';

/** An execution provider that was tried and passed over, and why. */
export interface ProviderSkip {
  provider: string;
  reason: string;
}

export interface Segmenter {
  readonly name: string; // 'classical' | model name | ensemble name
  readonly provider: string; // execution provider that actually ran ('cpu' for classical)
  readonly modelId: string | null; // name + sha256 prefix of the onnx file(s)
  /** Level-0 px per input px on a 0.25 um/px reference scan (manifest `downsample`); the pipeline uses umPerPixel. */
  readonly downsample: number;
  /** Working scale: um per input pixel. The pipeline resamples every scan to it, whatever its mpp. */
  readonly umPerPixel: number;
  /** Providers earlier in the preference that could not be used (empty when the first one worked). */
  readonly providersSkipped: readonly ProviderSkip[];
  /** image: RGBA at `umPerPixel` (the pipeline resizes); returns a Mask of the same size. */
  segment(image: RgbaImage): Promise<Mask>;
  dispose(): Promise<void>;
}

/** Rejects images whose size and buffer disagree, naming the segmenter. */
export function checkImage(image: RgbaImage, who: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new SegmentError('bad-input', who, `image size ${width}x${height} is not a positive integer size`);
  }
  if (!data || data.length !== width * height * 4) {
    throw new SegmentError('bad-input', who, `image data has ${data?.length ?? 0} bytes, ${width}x${height} RGBA needs ${width * height * 4}`);
  }
}
