// The model-free segmenter ('classical'): stained cells absorb light, glass
// does not. Per pixel optical density (summed over R, G, B), a threshold from
// Otsu's method bounded by a floor (so an empty glass field stays empty),
// then closing, hole filling, opening and removal of specks. Sizes are set in
// level-0 pixels and scaled to the working downsample.
import type { RgbaImage } from '../../slide/slide-reader.ts';
import type { Mask } from '../mask.ts';
import { otsuThreshold } from '../otsu.ts';
import { closeSquare, fillHoles, openSquare, removeSmallComponents } from './mask-morphology.ts';
import { checkImage, type ProviderSkip, type Segmenter } from './segmenter.ts';

export interface ClassicalConfig {
  /** Level-0 px per working px. */
  downsample: number;
  /** Optical-density units per byte of the score histogram (score = OD sum * scale). */
  odScale: number;
  /** Lowest OD sum (R+G+B) that can count as stain, whatever Otsu says. */
  minOpticalDensity: number;
  /** Highest threshold Otsu may choose: keeps pale cytoplasm when a field has very dark nuclei. */
  maxOpticalDensity: number;
  /** Closing / opening radius in level-0 px. */
  closeRadius: number;
  openRadius: number;
  /** Holes up to this area (level-0 px^2) are filled: nuclei brighter than their rim, vacuoles. */
  maxHoleArea: number;
  /** Components below this area (level-0 px^2) are dropped as debris. */
  minArea: number;
}

export const DEFAULT_CLASSICAL_CONFIG: Readonly<ClassicalConfig> = Object.freeze({
  downsample: 4,
  odScale: 100,
  minOpticalDensity: 0.12,
  // Pale superficial cells sit near OD 0.2-0.3 on a 0.1 glass: a higher ceiling let Otsu
  // follow dark nuclei and blobs and lose them (demo recall 0.82 at 0.45, 0.96 at 0.2).
  maxOpticalDensity: 0.2,
  closeRadius: 8,
  openRadius: 4,
  maxHoleArea: 64 * 64,
  minArea: 40 * 40,
});

/** OD of each byte value: -log10((v + 0.5) / 256), precomputed once. */
const OD_TABLE = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = -Math.log10((v + 0.5) / 256);
  return t;
})();

/** Summed optical density per pixel as a byte (OD * scale, clamped), transparent = glass. */
export function densityScores(image: RgbaImage, odScale: number): Uint8Array {
  const { width, height, data } = image;
  const scores = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < scores.length; i++, p += 4) {
    const a = data[p + 3]!;
    if (a === 0) continue;
    let r = data[p]!;
    let g = data[p + 1]!;
    let b = data[p + 2]!;
    if (a !== 255) {
      const glass = 255 * (255 - a);
      r = ((r * a + glass) / 255) | 0;
      g = ((g * a + glass) / 255) | 0;
      b = ((b * a + glass) / 255) | 0;
    }
    const od = OD_TABLE[r]! + OD_TABLE[g]! + OD_TABLE[b]!;
    scores[i] = Math.min(255, Math.round(od * odScale));
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
  const ds = config.downsample;
  const px = (level0: number): number => Math.max(0, Math.round(level0 / ds));
  const area = (level0Area: number): number => Math.round(level0Area / (ds * ds));
  mask = closeSquare(mask, width, height, px(config.closeRadius));
  mask = fillHoles(mask, width, height, area(config.maxHoleArea));
  mask = openSquare(mask, width, height, px(config.openRadius));
  return removeSmallComponents(mask, width, height, area(config.minArea));
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

  get downsample(): number {
    return this.config.downsample;
  }

  async segment(image: RgbaImage): Promise<Mask> {
    checkImage(image, this.name);
    return { width: image.width, height: image.height, data: classicalMask(image, this.config), downsample: this.config.downsample };
  }

  async dispose(): Promise<void> {}
}
