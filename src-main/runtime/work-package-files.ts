// The work package files as the API sees them: what went wrong with a file
// becomes an ApiFailure naming it (a damaged or foreign package is the
// caller's bad input; a file that cannot be read or written is file-failed).

import type { WorkPackageFiles } from '../api/context.ts';
import { ApiFailure } from '../api/errors.ts';
import { WorkPackageError, readWorkPackage, writeWorkPackage } from '../sync/work-package-file.ts';

async function asApiFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkPackageError) throw new ApiFailure(err.code === 'io' ? 'file-failed' : 'bad-input', err.message);
    throw err;
  }
}

export const workPackageFiles: WorkPackageFiles = {
  write: (path, records) => asApiFailure(() => writeWorkPackage(path, records)),
  read: (path) => asApiFailure(() => readWorkPackage(path)),
};
