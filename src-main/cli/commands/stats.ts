// `smearlab stats`: per-slide counts from the database.
import { parseArgs } from 'node:util';
import { CELL_CLASSES } from '../../domain/cell-class.ts';
import type { CliApi } from '../cli-api.ts';
import { withCliApi } from '../cli-api.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { CliUsageError } from '../command.ts';

/** The library as `stats` prints it (also the last step of `smearlab demo`). */
export async function printStats(api: CliApi, io: CliIo, json: boolean): Promise<void> {
  const rows = (await api.call('listSlides', {})).map(({ thumbnailUrl: _url, name: _name, counts, slices, latestJob, damage, ...slide }) => (
    { slide, slices, counts, job: latestJob, damage }));
  if (json) {
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) io.out(`no slides in ${api.local.store.path}`);
  for (const { slide, slices, counts, job, damage } of rows) {
    io.out(`${slide.smearId}  (${slide.format}, ${slide.width} x ${slide.height} px)  ${slide.path}`);
    io.out(`  slices: ${slices.done}/${slices.total} done${slices.failed ? `, ${slices.failed} failed` : ''}${slices.pending ? `, ${slices.pending} pending` : ''}`);
    const perClass = CELL_CLASSES.map((c) => `${c.name} ${counts.byClass[c.name]}`).join(', ');
    io.out(`  cells: ${counts.total}, labelled ${counts.labelled} (${perClass}), flagged ${counts.flagged}`);
    if (damage.regions > 0) {
      io.out(`  damaged: ${damage.regions} regions, ${(damage.smearFraction * 100).toFixed(1)}% of the smear`
        + `${damage.unreadableFraction > 0 ? `, ${(damage.unreadableFraction * 100).toFixed(1)}% unreadable at every level` : ''}`);
    }
    if (job) io.out(`  last ${job.kind}: job ${job.id} ${job.state}, provider ${job.provider ?? '-'}, model ${job.model ?? '-'}`);
  }
}

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'Per-slide slice, cell and label counts',
  usage: 'Usage: smearlab stats [--db PATH] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    await withCliApi({ ...(values.db ? { dbPath: values.db } : {}) }, (api) => printStats(api, io, Boolean(values.json)));
  },
};
