// Work packages between workstations: pack the slides' work into a file,
// merge files from other workstations. Every file is read and checked whole
// before anything is merged; each merge is one transaction (store/
// work-repository.ts), so a damaged package changes nothing.

import type { ApiContext, WorkPackageFiles } from '../context.ts';
import { ApiFailure } from '../errors.ts';
import type { Handlers } from './handler.ts';

const EXTENSION = '.smearlab-work';

function files(ctx: ApiContext): WorkPackageFiles {
  if (!ctx.workPackages) throw new ApiFailure('unsupported', 'this shell cannot read or write work packages');
  return ctx.workPackages;
}

export const workHandlers: Pick<Handlers, 'packWork' | 'mergeWork'> = {
  async packWork({ file, slideIds }, ctx) {
    const target = file.endsWith(EXTENSION) ? file : `${file}${EXTENSION}`;
    const records = ctx.store.collectWork(slideIds);
    const bytes = await files(ctx).write(target, records);
    return { file: target, bytes, slides: records.slides.length, cells: records.cells.length, events: records.events.length };
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
};
