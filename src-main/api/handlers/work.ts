// Work packages between workstations: pack the slides' work into a file,
// merge files from other workstations. Every file is read and checked whole
// before anything is merged; each merge is one transaction (store/
// work-repository.ts), so a damaged package changes nothing.

import type { ApiContext, WorkPackageFiles } from '../context.ts';
import { ApiFailure } from '../errors.ts';
import type { Handlers } from './handler.ts';
import { slideEntry, summaryOf } from './views.ts';

const EXTENSION = '.smearlab-work';

function files(ctx: ApiContext): WorkPackageFiles {
  if (!ctx.workPackages) throw new ApiFailure('unsupported', 'this shell cannot read or write work packages');
  return ctx.workPackages;
}

export const workHandlers: Pick<Handlers, 'packWork' | 'mergeWork' | 'scanFolders' | 'locateScan'> = {
  async packWork({ file, slideIds, crops = false }, ctx) {
    const target = file.endsWith(EXTENSION) ? file : `${file}${EXTENSION}`;
    const io = files(ctx);
    const collected = ctx.store.collectWork(slideIds);
    const records = crops ? { ...collected, crops: await io.crops(collected) } : collected;
    const bytes = await io.write(target, records);
    return { file: target, bytes, slides: records.slides.length, cells: records.cells.length, events: records.events.length, crops: records.crops.length };
  },
  async mergeWork({ files: paths }, ctx) {
    const io = files(ctx);
    // All read and checked before the first merge: one damaged file stops the lot, nothing half-merged.
    const packages = [];
    for (const path of paths) packages.push({ path, records: await io.read(path) });
    const reports = packages.map(({ path, records }) => ({ ...ctx.store.mergeWork(records), file: path }));
    ctx.counts.invalidate();
    ctx.events.emit('slides-changed', { slideId: null });
    return { reports };
  },
  scanFolders({ folders }, ctx) {
    return { folders: folders === undefined ? ctx.store.listScanFolders() : ctx.store.setScanFolders(folders) };
  },
  async locateScan({ slideId, path }, ctx) {
    const slide = ctx.store.getSlide(slideId);
    if (slide.kind !== 'scan') throw new ApiFailure('conflict', `${slide.smearId} was imported without a scan: there is none to look for`);
    if (slide.quickhash === null) throw new ApiFailure('conflict', `${slide.smearId} has no quickhash to recognise its scan by`);
    let found: string | null;
    if (path !== undefined) {
      const info = await ctx.tiles.info(path);
      if (info.quickhash !== slide.quickhash) {
        throw new ApiFailure('bad-input', `path: ${path} is not the scan of ${slide.smearId} (its quickhash is ${info.quickhash ?? 'none'}, not ${slide.quickhash})`);
      }
      found = path;
    } else {
      if (!ctx.scanSearch) throw new ApiFailure('unsupported', 'this shell cannot look for scans');
      const folders = ctx.store.listScanFolders();
      if (folders.length === 0) throw new ApiFailure('not-found', `no scan folders are set to look for ${slide.smearId} in; add one, or give the scan's path`);
      found = await ctx.scanSearch.locate(slide, folders);
      if (found === null) throw new ApiFailure('not-found', `the scan of ${slide.smearId} is in none of ${folders.join(', ')}; give its path`);
    }
    ctx.store.relocateSlide(slideId, found);
    ctx.events.emit('slides-changed', { slideId });
    return slideEntry(ctx, summaryOf(ctx, ctx.store.getSlide(slideId)));
  },
};
