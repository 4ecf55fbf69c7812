// The assist feature vector: the measures of cell-features.ts (what a
// cytologist looks at, in um and optical density) followed by the shipped
// crop model's log-probabilities (models/classifiers/cric-crop-cnn: a small
// CNN on a 32 um nucleus-centred crop, trained on the CRICVA training fields;
// models/training/train_crop_model.py). The measures alone found 68 % of the
// abnormal cells in the first 10 % of the suspicious-first gallery on the
// held-out fields; the crop model sees chromatin and nuclear outline in ways
// the measures do not (bench:assist has the figures with and without it).
import { join } from 'node:path';
import { CELL_CLASS_NAMES } from '../domain/cell-class.ts';
import type { CellView } from '../domain/cell.ts';
import { MODELS_DIR } from '../files/app-layout.ts';
import type { SlideReader } from '../slide/slide-reader.ts';
import { CELL_FEATURE_COUNT, CELL_FEATURE_NAMES } from './cell-features.ts';
import { OnnxClassifier } from './onnx-classifier.ts';

export const CROP_MODEL_PATH = join(MODELS_DIR, 'classifiers', 'cric-crop-cnn.json');
/** The crop model's outputs, in this order, as the APACC classes its manifest maps them to. */
const CROP_CLASSES = ['unhealthy', 'healthy', 'rubbish'] as const;
export const CROP_SCORE_NAMES = ['cropAbnormalLogP', 'cropNilmLogP', 'cropOtherLogP'] as const;
export const ASSIST_FEATURE_NAMES = [...CELL_FEATURE_NAMES, ...CROP_SCORE_NAMES] as const;
export const ASSIST_FEATURE_COUNT = ASSIST_FEATURE_NAMES.length;
/** Log-probabilities are floored here: 1e-4 and 1e-9 both mean "surely not". */
const LOG_P_FLOOR = Math.log(1e-4);

/** A crop-model probability as its feature: the log, floored. */
export function cropLogP(q: number): number {
  return q > 0 ? Math.max(LOG_P_FLOOR, Math.log(q)) : LOG_P_FLOOR;
}

/** Runs the crop model on cells; one per worker, opened once. */
export class CropScorer {
  private constructor(private readonly classifier: OnnxClassifier) {}

  /** Opens the crop model; a missing or broken model is an error that names its file. */
  static async open(path = CROP_MODEL_PATH): Promise<CropScorer> {
    const classifier = await OnnxClassifier.open(path);
    const mapped = classifier.manifest.output.classes;
    if (CROP_CLASSES.some((c) => !mapped.includes(c))) {
      throw new RangeError(`${path}: the crop model must map outputs to ${CROP_CLASSES.join(', ')} (it maps ${mapped.join(', ')})`);
    }
    return new CropScorer(classifier);
  }

  get provider(): string {
    return this.classifier.provider;
  }

  /** Writes each cell's crop scores into its vector (ASSIST_FEATURE_COUNT long) after the measures. */
  async score(reader: SlideReader, cells: readonly CellView[], mpp: number, vectors: readonly Float64Array[]): Promise<void> {
    const p = await this.classifier.classify(reader, cells, mpp);
    cells.forEach((_, i) => {
      const v = vectors[i]!;
      CROP_CLASSES.forEach((c, k) => {
        v[CELL_FEATURE_COUNT + k] = cropLogP(p[i * 4 + CELL_CLASS_NAMES.indexOf(c)]!);
      });
    });
  }

  async close(): Promise<void> {
    await this.classifier.close();
  }
}
