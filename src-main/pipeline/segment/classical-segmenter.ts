// The model-free segmenter ('classical'): stained cells absorb light, glass
// does not. Per pixel optical density (summed over R, G, B), a threshold from
// Otsu's method bounded by a floor (so an empty glass field stays empty),
// then closing, hole filling, opening and removal of specks. Sizes are in
// micrometres and scaled to the working resolution (the pipeline resamples
// every scan to umPerPixel, whatever its mpp).
import type { RgbaImage } from '../../slide/slide-reader.ts';
import type { Mask } from '../mask.ts';
import { OD_TABLE } from '../optical-density.ts';
import { otsuThreshold } from '../otsu.ts';
import { REFERENCE_MPP } from './model-manifest.ts';
import { closeSquare, fillHoles, openSquare, removeSmallComponents } from './mask-morphology.ts';
import { checkImage, type ProviderSkip, type Segmenter } from './segmenter.ts';

export interface ClassicalConfig {
  /** Working scale, um per px. */
  umPerPixel: number;
  /** Optical-density units per byte of the score histogram (score = OD sum * scale). */
  odScale: number;
  /** Lowest OD sum (R+G+B) that can count as stain, whatever Otsu says. */
  minOpticalDensity: number;
  /** Highest threshold Otsu may choose: keeps pale cytoplasm when a field has very dark nuclei. */
  maxOpticalDensity: number;
  /** Closing / opening radius in um. */
  closeRadiusUm: number;
  openRadiusUm: number;
  /** Holes up to this area (um^2) are filled: nuclei brighter than their rim, vacuoles. */
  maxHoleAreaUm2: number;
  /** Components below this area (um^2) are dropped as debris. */
  minAreaUm2: number;
}

export const DEFAULT_CLASSICAL_CONFIG: Readonly<ClassicalConfig> = Object.freeze({
  umPerPixel: 1,
  odScale: 100,
  minOpticalDensity: 0.12,
  // Pale superficial cells sit near OD 0.2-0.3 on a 0.1 glass: a higher ceiling let Otsu
  // follow dark nuclei and blobs and lose them (demo recall 0.82 at 0.45, 0.96 at 0.2).
  maxOpticalDensity: 0.2,
  closeRadiusUm: 2,
  openRadiusUm: 1,
  maxHoleAreaUm2: 16 * 16,
  minAreaUm2: 10 * 10,
});

/**
 * OD per byte value in float64: the per-pixel sum is float64 either way, and this table (2 KB)
 * stays in the L1 cache. A 64 K-entry table of OD red + OD green (512 KB) saved a lookup but
 * missed the cache on most pixels.
 */
const OD_64 = Float64Array.from(OD_TABLE);

/** The score of the pixel at byte p, composited on white glass where it is not opaque (alpha 0: glass, 0). */
function compositedScore(data: Uint8Array, p: number, odScale: number): number {
  const a = data[p + 3]!;
  if (a === 0) return 0;
  let r = data[p]!;
  let g = data[p + 1]!;
  let b = data[p + 2]!;
  if (a !== 255) {
    const glass = 255 * (255 - a);
    r = ((r * a + glass) / 255) | 0;
    g = ((g * a + glass) / 255) | 0;
    b = ((b * a + glass) / 255) | 0;
  }
  return Math.min(255, Math.round((OD_TABLE[r]! + OD_TABLE[g]! + OD_TABLE[b]!) * odScale));
}

/** Summed optical density per pixel as a byte (OD * scale, clamped), transparent = glass. */
export function densityScores(image: RgbaImage, odScale: number): Uint8Array {
  const { width, height, data } = image;
  const scores = new Uint8Array(width * height);
  if (data.byteOffset % 4 !== 0) {
    for (let i = 0; i < scores.length; i++) scores[i] = compositedScore(data, i * 4, odScale);
    return scores;
  }
  // Opaque pixels (nearly all: reads are composited on the background) a 32-bit word at a time.
  const words = new Uint32Array(data.buffer, data.byteOffset, scores.length);
  for (let i = 0; i < scores.length; i++) {
    const v = words[i]!;
    scores[i] = v >>> 24 === 255
      ? Math.min(255, Math.round((OD_64[v & 0xff]! + OD_64[(v >>> 8) & 0xff]! + OD_64[(v >>> 16) & 0xff]!) * odScale))
      : compositedScore(data, i * 4, odScale);
  }
  return scores;
}

/** The mask alone, for tests and for callers that already hold the image. */
export function classicalMask(image: RgbaImage, config: ClassicalConfig = DEFAULT_CLASSICAL_CONFIG): Uint8Array {
  const { width, height } = image;
  const scores = densityScores(image, config.odScale);
  const hist = new Float64Array(256);
  for (let i = 0; i < scores.length; i++) hist[scores[i]!]!++;
  const floor = Math.round(config.minOpticalDensity * config.odScale);
  const ceiling = Math.round(config.maxOpticalDensity * config.odScale);
  const threshold = Math.min(ceiling, Math.max(floor, otsuThreshold(hist)));
  let mask: Uint8Array = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) mask[i] = scores[i]! > threshold ? 1 : 0;
  const um = config.umPerPixel;
  const px = (lengthUm: number): number => Math.max(0, Math.round(lengthUm / um));
  const area = (areaUm2: number): number => Math.round(areaUm2 / (um * um));
  mask = closeSquare(mask, width, height, px(config.closeRadiusUm));
  mask = fillHoles(mask, width, height, area(config.maxHoleAreaUm2));
  mask = openSquare(mask, width, height, px(config.openRadiusUm));
  return removeSmallComponents(mask, width, height, area(config.minAreaUm2));
}

export class ClassicalSegmenter implements Segmenter {
  readonly name = 'classical';
  readonly provider = 'cpu';
  readonly modelId = null;
  readonly providersSkipped: readonly ProviderSkip[] = [];
  readonly config: ClassicalConfig;

  constructor(config: Partial<ClassicalConfig> = {}) {
    this.config = { ...DEFAULT_CLASSICAL_CONFIG, ...config };
  }

  get umPerPixel(): number {
    return this.config.umPerPixel;
  }

  get downsample(): number {
    return this.config.umPerPixel / REFERENCE_MPP;
  }

  async segment(image: RgbaImage): Promise<Mask> {
    checkImage(image, this.name);
    return { width: image.width, height: image.height, data: classicalMask(image, this.config), downsample: this.downsample };
  }

  async dispose(): Promise<void> {}
}
