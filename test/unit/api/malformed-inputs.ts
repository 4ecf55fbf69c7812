// Malformed inputs for every contract operation, with the field the error
// message must name. Typed by operation name, so a new operation without
// cases fails to compile. Shared by the HTTP and IPC adapter tests.

import type { OperationName } from '../../../src-main/api/operation-names.ts';

export interface MalformedCase {
  input: unknown;
  /** Text the error message must contain (the field, or what is wrong). */
  names: string;
}

const NOT_OBJECTS: MalformedCase[] = [
  { input: 42, names: 'must be an object' },
  { input: 'labelCell', names: 'must be an object' },
  { input: [1, 2], names: 'must be an object' },
  { input: null, names: 'must be an object' },
];

const SPECIFIC: Record<OperationName, MalformedCase[]> = {
  getSession: [{ input: { annotator: 'x' }, names: 'annotator' }],
  listAnnotators: [{ input: { all: true }, names: 'all' }],
  chooseAnnotator: [
    { input: {}, names: 'name' },
    { input: { name: '   ' }, names: 'name' },
    { input: { name: 7 }, names: 'name' },
    { input: { name: 'x'.repeat(65) }, names: 'name' },
    { input: { name: 'Ann', role: 'boss' }, names: 'role' },
  ],
  listSlides: [{ input: { page: 2 }, names: 'page' }],
  getSlide: [
    { input: {}, names: 'slideId' },
    { input: { slideId: '1' }, names: 'slideId' },
    { input: { slideId: 0 }, names: 'slideId' },
    { input: { slideId: 1.5 }, names: 'slideId' },
  ],
  openSlideFile: [
    { input: { path: '' }, names: 'path' },
    { input: { path: 3 }, names: 'path' },
    { input: { path: 'scans/a.mrxs' }, names: 'absolute' },
  ],
  slideInfo: [
    { input: {}, names: 'path' },
    { input: { path: 'a.mrxs' }, names: 'absolute' },
    { input: { path: '/tmp/a\u0000.mrxs' }, names: 'NUL' },
  ],
  openDemoSlide: [{ input: { path: '/tmp/x.mrxs' }, names: 'path' }],
  startIngest: [
    { input: {}, names: 'path' },
    { input: { path: '/tmp/x.mrxs', segmenter: 'magic' }, names: 'segmenter' },
    { input: { path: '/tmp/x.mrxs', force: 'yes' }, names: 'force' },
    { input: { path: 'x.mrxs' }, names: 'absolute' },
    { input: { path: '/tmp/x.mrxs', segmenter: 'classical', model: 'smear-unet-tiny' }, names: 'model' },
    { input: { path: '/tmp/x.mrxs', segmenter: 'classical', executionProviders: ['cuda'] }, names: 'executionProviders' },
    { input: { path: '/tmp/x.mrxs', model: 'a', ensemble: 'b' }, names: 'ensemble' },
    { input: { path: '/tmp/x.mrxs', mode: 'fast' }, names: 'mode' },
    { input: { path: '/tmp/x.mrxs', sliceSize: 100 }, names: 'sliceSize' },
  ],
  cancelJob: [{ input: { jobId: -1 }, names: 'jobId' }, { input: { job: 1 }, names: 'jobId' }],
  listJobs: [
    { input: { limit: 0 }, names: 'limit' },
    { input: { limit: 501 }, names: 'limit' },
    { input: { kind: 'bake' }, names: 'kind' },
    { input: { state: 1 }, names: 'state' },
  ],
  waitForJob: [
    { input: {}, names: 'jobId' },
    { input: { jobId: 1, timeoutMs: 600_000 }, names: 'timeoutMs' },
    { input: { jobId: 1, timeoutMs: -5 }, names: 'timeoutMs' },
  ],
  cellMarkers: [
    { input: { slideId: 1, viewport: { x: 0, y: 0, width: 0, height: 5 } }, names: 'viewport.width' },
    { input: { slideId: 1, viewport: { x: 'left', y: 0, width: 5, height: 5 } }, names: 'viewport.x' },
    { input: { viewport: { x: 0, y: 0, width: 5, height: 5 } }, names: 'slideId' },
  ],
  getCell: [{ input: { cellId: null }, names: 'cellId' }],
  labelCell: [
    { input: { cellId: 1, label: 'sick', annotatorId: 1 }, names: 'label' },
    { input: { cellId: 1, label: 'healthy' }, names: 'annotatorId' },
    { input: { cellId: 1, label: 'healthy', annotatorId: 1, advance: 'sideways' }, names: 'advance' },
    { input: { cellId: '1', label: 'healthy', annotatorId: 1 }, names: 'cellId' },
  ],
  flagCell: [{ input: { cellId: 1, flagged: 'yes', annotatorId: 1 }, names: 'flagged' }],
  undo: [{ input: { annotatorId: 'me' }, names: 'annotatorId' }],
  redo: [{ input: {}, names: 'annotatorId' }],
  undoState: [{ input: { annotatorId: 2 ** 60 }, names: 'annotatorId' }],
  lastCellOf: [
    { input: { slideId: 1 }, names: 'annotatorId' },
    { input: { slideId: 0, annotatorId: 1 }, names: 'slideId' },
  ],
  neighbourCell: [
    { input: { slideId: 1, direction: 'north' }, names: 'direction' },
    { input: { slideId: 1, direction: 'next', filter: { label: 'pink' } }, names: 'filter.label' },
    { input: { slideId: 1, direction: 'next', filter: { colour: 'red' } }, names: 'colour' },
  ],
  gallery: [
    { input: { slideId: 1, limit: 5000 }, names: 'limit' },
    { input: { slideId: 1, offset: -1 }, names: 'offset' },
    { input: {}, names: 'slideId' },
  ],
  counts: [{ input: { slideId: 'all' }, names: 'slideId' }],
  slideReading: [{ input: {}, names: 'slideId' }, { input: { slideId: 0 }, names: 'slideId' }],
  setReadingSettings: [
    { input: { slideId: 1, quorum: 0 }, names: 'quorum' },
    { input: { slideId: 1, quorum: 2.5 }, names: 'quorum' },
    { input: { slideId: 1, rule: 'plurality' }, names: 'rule' },
    { input: { slideId: 1, blind: 'yes' }, names: 'blind' },
    { input: { slideId: 1, readers: ['a'] }, names: 'readers' },
  ],
  cellReadings: [{ input: { cellId: -3 }, names: 'cellId' }],
  agreement: [
    { input: { slideIds: [] }, names: 'slideIds' },
    { input: { slideIds: [1], rounds: -1 }, names: 'rounds' },
    { input: { seed: 0.5 }, names: 'seed' },
  ],
  packWork: [{ input: {}, names: 'file' }, { input: { file: 'relative.smearlab-work' }, names: 'file' }, { input: { file: '/x', slideIds: [] }, names: 'slideIds' }],
  mergeWork: [{ input: { files: [] }, names: 'files' }, { input: { files: ['rel'] }, names: 'files' }],
  scanFolders: [{ input: { folders: ['relative/usb'] }, names: 'folders' }, { input: { folders: 'x' }, names: 'folders' }],
  labelCells: [
    { input: { cellIds: [], label: 'healthy', annotatorId: 1 }, names: 'cellIds' },
    { input: { cellIds: [1, 1], label: 'healthy', annotatorId: 1 }, names: 'cellIds' },
    { input: { cellIds: [1], label: 'HSIL', annotatorId: 1 }, names: 'label' },
  ],
  trainAssist: [{ input: {}, names: 'slideId' }],
  assistSummary: [{ input: { slideId: 'x' }, names: 'slideId' }],
  runClassifier: [{ input: { slideId: 1 }, names: 'model' }, { input: { slideId: 1, model: '' }, names: 'model' }],
  locateScan: [{ input: {}, names: 'slideId' }, { input: { slideId: 1, path: 'moved.mrxs' }, names: 'path' }],
  proposeCell: [
    { input: { slideId: 1 }, names: 'point' },
    { input: { slideId: 1, point: { x: -1, y: 5 } }, names: 'point.x' },
    { input: { slideId: 1, point: { x: 1, y: Number.NaN } }, names: 'point.y' },
    { input: { slideId: 1, point: { x: 1, y: 2, z: 3 } }, names: 'z' },
  ],
  addCell: [
    { input: { slideId: 1, annotatorId: 1 }, names: 'either a box or a point' },
    { input: { slideId: 1, annotatorId: 1, box: { x: 0, y: 0, width: 10, height: 10 }, point: { x: 5, y: 5 } }, names: 'not both' },
    { input: { slideId: 1, annotatorId: 1, box: { x: 0.5, y: 0, width: 10, height: 10 } }, names: 'box.x' },
    { input: { slideId: 1, annotatorId: 1, box: { x: 0, y: 0, width: 1, height: 10 } }, names: 'box.width' },
    { input: { slideId: 1, annotatorId: 1, box: { x: 0, y: 0, width: 10, height: 9000 } }, names: 'box.height' },
    { input: { slideId: 1, annotatorId: 1, box: { x: -4, y: 0, width: 10, height: 10 } }, names: 'box.x' },
    { input: { slideId: 1, box: { x: 0, y: 0, width: 10, height: 10 } }, names: 'annotatorId' },
  ],
  reshapeCell: [
    { input: { cellId: 1, annotatorId: 1 }, names: 'box' },
    { input: { cellId: 1, annotatorId: 1, box: { x: 0, y: 0, width: 10 } }, names: 'box.height' },
    { input: { cellId: 0, annotatorId: 1, box: { x: 0, y: 0, width: 10, height: 10 } }, names: 'cellId' },
  ],
  splitCell: [
    { input: { cellId: 1, annotatorId: 1, nuclei: [{ x: 1, y: 1 }] }, names: 'at least 2 nuclei' },
    { input: { cellId: 1, annotatorId: 1, nuclei: Array.from({ length: 17 }, () => ({ x: 1, y: 1 })) }, names: 'nuclei' },
    { input: { cellId: 1, annotatorId: 1, nuclei: [{ x: 1, y: 1 }, { x: 'a', y: 1 }] }, names: 'nuclei.1.x' },
  ],
  mergeCells: [
    { input: { cellIds: [1], annotatorId: 1 }, names: 'cellIds' },
    { input: { cellIds: [1, 1], annotatorId: 1 }, names: 'names a cell twice' },
    { input: { cellIds: [1, 0], annotatorId: 1 }, names: 'cellIds.1' },
    { input: { cellIds: 1, annotatorId: 1 }, names: 'cellIds' },
  ],
  rejectCell: [
    { input: { cellId: 1 }, names: 'annotatorId' },
    { input: { cellId: 1, annotatorId: 1, reason: 'debris' }, names: 'reason' },
  ],
  startExport: [
    { input: {}, names: 'targetDir' },
    { input: { targetDir: '' }, names: 'targetDir' },
    { input: { targetDir: '/media/usb', labels: 'some' }, names: 'labels' },
    { input: { targetDir: '/media/usb', slideIds: [0] }, names: 'slideIds.0' },
    { input: { targetDir: '/media/usb', formats: { pdf: true } }, names: 'pdf' },
    { input: { targetDir: '/media/usb', split: { mode: 'auto', testFraction: 2 } }, names: 'split.testFraction' },
    { input: { targetDir: 'usb/export' }, names: 'absolute' },
    { input: { targetDir: '/media/usb\u0000/x' }, names: 'NUL' },
    { input: { targetDir: '/media/usb', concurrency: 99 }, names: 'concurrency' },
  ],
  verifyExport: [
    { input: {}, names: 'folder' },
    { input: { folder: 5 }, names: 'folder' },
    { input: { folder: 'export' }, names: 'absolute' },
  ],
  importDataset: [
    { input: {}, names: 'source' },
    { input: { source: 'apacc' }, names: 'absolute' },
    { input: { source: '/data/a.geojson', smearId: 'A', slideId: 1 }, names: 'slideId' },
    { input: { source: '/data/apacc', sliceSize: 10 }, names: 'sliceSize' },
  ],
};

/** Every malformed case of an operation: the shared non-objects, an unknown key, and its own. */
export function malformedCases(operation: OperationName): MalformedCase[] {
  return [...NOT_OBJECTS, { input: { zzzUnknownKey: 1 }, names: 'zzzUnknownKey' }, ...SPECIFIC[operation]];
}
