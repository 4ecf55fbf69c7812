// `smearlab stats`: per-slide counts from the database.
import { parseArgs } from 'node:util';
import { CELL_CLASSES } from '../../domain/cell-class.ts';
import { defaultDatabasePath, openStore } from '../../store/index.ts';
import type { CliCommand } from '../command.ts';
import { CliUsageError } from '../command.ts';

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'Per-slide slice, cell and label counts',
  usage: 'Usage: smearlab stats [--db PATH] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    const store = openStore(values.db ?? defaultDatabasePath());
    try {
      const rows = store.listSlides().map((slide) => {
        const slices = store.sliceProgress(slide.id);
        const counts = store.classCounts(slide.id);
        const job = store.latestJob(slide.id, 'ingest');
        return { slide, slices, counts, job };
      });
      if (values.json) {
        io.out(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) io.out(`no slides in ${store.path}`);
      for (const { slide, slices, counts, job } of rows) {
        io.out(`${slide.smearId}  (${slide.format}, ${slide.width} x ${slide.height} px)  ${slide.path}`);
        io.out(`  slices: ${slices.done}/${slices.total} done${slices.failed ? `, ${slices.failed} failed` : ''}${slices.pending ? `, ${slices.pending} pending` : ''}`);
        const perClass = CELL_CLASSES.map((c) => `${c.name} ${counts.byClass[c.name]}`).join(', ');
        io.out(`  cells: ${counts.total}, labelled ${counts.labelled} (${perClass}), flagged ${counts.flagged}`);
        if (job) io.out(`  last ingest: job ${job.id} ${job.state}, provider ${job.provider ?? '-'}, model ${job.model ?? '-'}`);
      }
    } finally {
      store.close();
    }
  },
};
