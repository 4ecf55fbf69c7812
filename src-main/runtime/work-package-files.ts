// The work package files as the API sees them: what went wrong with a file
// becomes an ApiFailure naming it (a damaged or foreign package is the
// caller's bad input; a file that cannot be read or written is file-failed),
// and the small crops a package may carry, read from the scans (or from crops
// an earlier package brought, where the scan is away here too).

import sharp from 'sharp';
import type { WorkPackageFiles } from '../api/context.ts';
import { ApiFailure } from '../api/errors.ts';
import type { WorkCrop, WorkRecords } from '../domain/work-package.ts';
import { renderCellCrop } from '../pipeline/cell-crop.ts';
import type { ReadLimiter } from '../slide/read-limiter.ts';
import type { Store } from '../store/index.ts';
import { WorkPackageError, readWorkPackage, writeWorkPackage } from '../sync/work-package-file.ts';
import type { ScanAccess } from './scan-access.ts';

/** Enough to see a cell's shape and stain; about 3-5 KB each. */
export const PACKAGE_CROP_SIDE = 160;

async function asApiFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkPackageError) throw new ApiFailure(err.code === 'io' ? 'file-failed' : 'bad-input', err.message);
    throw err;
  }
}

export function createWorkPackageFiles(store: Store, scans: ScanAccess, limiter: ReadLimiter): WorkPackageFiles {
  async function crops(records: WorkRecords): Promise<WorkCrop[]> {
    const wanted = new Set(records.cells.map((c) => c.uid));
    const out: WorkCrop[] = [];
    for (const slide of records.slides) {
      const here = store.slideByUid(slide.uid);
      if (!here) continue;
      const reader = await scans.open(here).then((r) => r.reader, () => null);
      for (const cell of store.listCells(here.id)) {
        const uid = store.cellUid(cell.id);
        if (!wanted.has(uid)) continue;
        const jpeg = reader
          ? await limiter.run(async () => sharp(await renderCellCrop(reader, cell.box, 'png'))
            .resize(PACKAGE_CROP_SIDE, PACKAGE_CROP_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer())
          : store.cachedCrop(cell.id);
        if (jpeg) out.push({ cell: uid, jpeg: jpeg.toString('base64') });
      }
    }
    return out;
  }
  return {
    write: (path, records) => asApiFailure(() => writeWorkPackage(path, records)),
    read: (path) => asApiFailure(() => readWorkPackage(path)),
    crops,
  };
}

