// Public face of cell extraction: the config, the extractor and the box helpers.

export { DEFAULT_EXTRACT_CONFIG, extractConfigForScale, resolveExtractConfig, suggestedMargin } from './extract-config.ts';
export type { ExtractConfig, ExtractMode } from './extract-config.ts';
export { ExtractInputError } from './extract-error.ts';
export { extractCells } from './extract-cells.ts';
export type { CellCandidate, ExtractResult, ExtractStats, MaskPlacement } from './extract-cells.ts';
export { clipBoxToSlices, cropBoxToSlice, cropBoxToSliceLocal } from './crop-box.ts';
export type { SlicePart } from './crop-box.ts';
