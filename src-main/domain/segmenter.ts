// The segmenters an ingest can run: 'onnx' (a model or an ensemble from
// models/) or 'classical' (model-free thresholding). Declared once; the
// contract, the ingest options and the CLI flags all check against it.

export const SEGMENTER_NAMES = ['onnx', 'classical'] as const;
export type SegmenterName = (typeof SEGMENTER_NAMES)[number];

export const DEFAULT_SEGMENTER: SegmenterName = 'onnx';

export function isSegmenterName(value: unknown): value is SegmenterName {
  return (SEGMENTER_NAMES as readonly unknown[]).includes(value);
}
