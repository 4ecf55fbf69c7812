// The dataset module's public surface: export (APACC layout, YOLO, COCO,
// QuPath GeoJSON) as a worker job, verify, import, and their error type.
// The api layer uses these; nothing here imports Electron.

export { startExportJob, type ExportJob } from './export-job.ts';
export { runExport, exportFromStore, type ExportHooks } from './run-export.ts';
export {
  exportOptionsSchema, exportFormatsSchema, splitRequestSchema, parseExportOptions,
  type ExportOptions, type ExportOptionsInput, type ExportProgress, type ExportResult, type ExportPhase,
  type ClassCountsWithUnlabelled, type SplitRequestInput,
} from './export-options.ts';
export { previewExport, type ExportPreview } from './export-preview.ts';
export { verifyExport, type VerifyReport, type VerifyProgress, type DamagedFile } from './verify-export.ts';
export { importApaccFolder, importApaccOptionsSchema, type ImportApaccOptionsInput } from './import-apacc.ts';
export { importGeoJsonFile, importGeoJsonOptionsSchema, type ImportGeoJsonOptionsInput } from './import-geojson.ts';
export type { ImportReport, ImportProblem, ImportedSmear } from './import-report.ts';
export { DatasetError, type DatasetErrorCode } from './dataset-error.ts';
export { importedSliceImagePath } from './pixel-source.ts';
export { MANIFEST_NAME } from './export-target.ts';
