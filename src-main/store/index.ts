// The store's public surface: open it, and the types of what it returns.
// Only this folder writes SQL; everything else goes through these functions.

export { openStore, MEMORY_DATABASE, type ConnectionInfo, type Store, type StoreOptions } from './open-store.ts';
export { defaultDatabasePath, DATABASE_FILE_NAME } from './database-path.ts';
export { StoreError, type StoreErrorCode } from './store-error.ts';
export { MIGRATIONS, latestSchemaVersion, type Migration } from './migrate.ts';
export { ANNOTATOR_NAME_MAX, normaliseAnnotatorName } from './annotator-repository.ts';
export { SMEAR_ID_MAX, smearIdFromPath, checkSmearId, type UpsertSlideOptions } from './slide-repository.ts';
export { DEFAULT_KEPT_OVERLAP_IOU } from './slice-repository.ts';
export { GALLERY_LIMIT_MAX } from './cell-repository.ts';
export { DEFAULT_STALE_AFTER_MS } from './job-repository.ts';
export type * from './types.ts';
// The records the store returns, declared in domain/ (re-exported so callers of the store need one import).
export type * from '../domain/annotator.ts';
export type * from '../domain/cell.ts';
export type * from '../domain/cell-edit.ts';
export type * from '../domain/job.ts';
export type * from '../domain/label.ts';
export type * from '../domain/slide.ts';
export { JOB_KINDS } from '../domain/job.ts';
