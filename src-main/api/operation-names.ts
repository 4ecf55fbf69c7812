// The name of every operation the UI may call, with no dependency at all, so
// the sandboxed preload and the HTTP client can build one function per name
// without bundling zod or the schemas. contract.ts checks that its table has
// exactly these keys, so the list cannot drift from the contract.

export const OPERATION_NAMES = [
  'getSession',
  'listAnnotators',
  'chooseAnnotator',
  'listSlides',
  'getSlide',
  'openSlideFile',
  'slideInfo',
  'startIngest',
  'openDemoSlide',
  'cancelJob',
  'listJobs',
  'waitForJob',
  'cellMarkers',
  'getCell',
  'labelCell',
  'labelCells',
  'trainAssist',
  'assistSummary',
  'runClassifier',
  'flagCell',
  'undo',
  'redo',
  'undoState',
  'lastCellOf',
  'neighbourCell',
  'gallery',
  'proposeCell',
  'addCell',
  'reshapeCell',
  'splitCell',
  'mergeCells',
  'rejectCell',
  'counts',
  'slideReading',
  'setReadingSettings',
  'cellReadings',
  'agreement',
  'packWork',
  'mergeWork',
  'scanFolders',
  'locateScan',
  'startExport',
  'verifyExport',
  'importDataset',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

export function isOperationName(value: string): value is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(value);
}
