// `smearlab pack` and `smearlab merge`: work packages between workstations
// (the contract's packWork / mergeWork). A package holds the slides'
// references, cells and every label, flag and edit event, no pixels.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MergeReport } from '../../domain/work-package.ts';
import { withCliApi } from '../cli-api.ts';
import { slideIdsOfSmears } from '../smear-ids.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { CliUsageError } from '../command.ts';
import { printable } from '../terminal-text.ts';

export const packCommand: CliCommand = {
  name: 'pack',
  summary: 'Write a work package (cells, labels, edits; no pixels) to carry to another workstation',
  usage: [
    'Usage: smearlab pack <file> [--smears ID,ID] [--crops] [--db PATH] [--json]',
    '',
    'Writes <file>.smearlab-work (checksummed JSON lines) for `smearlab merge` on another workstation.',
    '  --crops    small JPEG crops of the cells, shown where the scan is not (a few KB a cell)',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, smears: { type: 'string' }, crops: { type: 'boolean' }, json: { type: 'boolean' } } });
    if (positionals.length !== 1) throw new CliUsageError('name exactly one package file');
    const written = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags: { file: '<file>', slideIds: '--smears' } }, async (api) => {
      const slideIds = await slideIdsOfSmears(api, values.smears);
      return api.call('packWork', { file: resolve(positionals[0] as string), ...(slideIds ? { slideIds } : {}), ...(values.crops ? { crops: true } : {}) });
    });
    if (values.json) io.out(JSON.stringify(written, null, 2));
    else io.out(`${printable(written.file)}: ${written.slides} slides, ${written.cells} cells, ${written.events} events, ${written.crops} crops (${(written.bytes / 1e6).toFixed(2)} MB)`);
    return 0;
  },
};

function describeMerge(report: MergeReport & { file: string }, io: CliIo): void {
  io.out(`${printable(report.file)}: ${report.eventsAdded} new events, ${report.eventsAlreadyHere} already here`);
  for (const s of report.slides) {
    const readers = s.readers.map((r) => `${printable(r.name)} ${r.events}`).join(', ') || 'none';
    io.out(`  ${printable(s.smearId)}${s.added ? ' (new slide)' : ''}: ${s.cells} new cells, ${s.labels} labels, ${s.flags} flags, ${s.edits} edits; ` +
      `from ${readers}; ${s.openDisagreements} open disagreements`);
    for (const note of s.notes) io.out(`    note: ${printable(note)}`);
  }
}

export const mergeCommand: CliCommand = {
  name: 'merge',
  summary: "Merge work packages from other workstations (every reader's labels kept; twice changes nothing)",
  usage: [
    'Usage: smearlab merge <file> [<file> ...] [--db PATH] [--json]',
    '',
    'Every file is checked whole (checksum, records) before anything is merged; a damaged one stops the merge.',
    'Disagreements that come in are not resolved: they join the adjudicator\'s queue.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new CliUsageError('name at least one package file');
    const merged = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags: { files: '<file>' } },
      (api) => api.call('mergeWork', { files: positionals.map((p) => resolve(p)) }));
    if (values.json) io.out(JSON.stringify(merged, null, 2));
    else for (const report of merged.reports) describeMerge(report, io);
    return 0;
  },
};
