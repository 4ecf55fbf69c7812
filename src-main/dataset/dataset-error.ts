// Typed errors of export, verify and import. The code is stable (the api
// layer maps it to the UI's { code, message, detail }); the message names
// the file or folder and says what to do.

import { SmearlabError } from '../domain/errors.ts';

export type DatasetErrorCode =
  | 'bad-options' // options failed validation
  | 'nothing-to-export' // the selection holds no cells
  | 'target-not-empty' // a folder with other content than a Smearlab export
  | 'target-missing' // the target's parent folder does not exist (e.g. a stick not mounted)
  | 'target-busy' // another export is writing into the same folder
  | 'target-gone' // the target disappeared mid-export (stick pulled, share dropped)
  | 'target-read-only' // EROFS
  | 'target-full' // ENOSPC / EDQUOT
  | 'name-too-long' // ENAMETOOLONG
  | 'name-refused' // EINVAL / EILSEQ: the file system refuses a character of the name
  | 'permission-denied' // EACCES / EPERM
  | 'slide-unavailable' // the scan (or imported slice images) cannot be read
  | 'not-an-export' // verify: no manifest.json or not ours
  | 'io'; // any other I/O failure

export class DatasetError extends SmearlabError<DatasetErrorCode> {
  /** The file or folder concerned, when there is one. */
  readonly path: string | null;

  constructor(code: DatasetErrorCode, message: string, path: string | null = null) {
    super(code, message);
    this.name = 'DatasetError';
    this.path = path;
  }
}

/** A file-system error while writing `path`, as a DatasetError that says what happened in words. */
export function targetWriteError(err: unknown, path: string, rootGone: boolean): DatasetError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const detail = (err as Error).message ?? String(err);
  if (rootGone) {
    return new DatasetError('target-gone',
      `the export folder disappeared while writing ${path} (was the USB stick removed or the share disconnected?); reconnect it and run the same export again to resume`, path);
  }
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new DatasetError('target-full', `the target is full: cannot write ${path} (${code}); free some space or choose a larger target, then run the same export again to resume`, path);
    case 'EROFS':
      return new DatasetError('target-read-only', `the target is read-only: cannot write ${path} (EROFS); check the stick's write-protect switch or the share's permissions`, path);
    case 'ENAMETOOLONG':
      return new DatasetError('name-too-long', `the path is too long for the target file system: ${path} (ENAMETOOLONG); choose a folder nearer the top of the target`, path);
    case 'EINVAL':
    case 'EILSEQ':
      return new DatasetError('name-refused', `the target file system refuses this file name: ${path} (${code})`, path);
    case 'EACCES':
    case 'EPERM':
      return new DatasetError('permission-denied', `no permission to write ${path} (${code})`, path);
    case 'ENOENT':
    case 'ENOTDIR':
      return new DatasetError('target-gone', `a folder of the export vanished while writing ${path} (${code}); run the same export again to resume`, path);
    case 'EIO':
      return new DatasetError('io', `input/output error writing ${path} (EIO): the target may have been removed or be failing; run the same export again to resume`, path);
    default:
      return new DatasetError('io', `cannot write ${path}: ${detail}`, path);
  }
}
