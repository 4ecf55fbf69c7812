// `smearlab verify <folder>`: every file of an export against its SHA-256.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { withCliApi } from '../cli-api.ts';
import { CliUsageError } from '../command.ts';
import type { CliCommand } from '../command.ts';

const LISTED = 20;

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check every file of an export against its checksum',
  usage: [
    'Usage: smearlab verify <export folder> [--json]',
    '',
    'Reads manifest.json and checks the SHA-256 and size of every file it lists;',
    'reports missing, damaged and extra files. Exit code 0 when all match, 1 otherwise.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    if (positionals.length !== 1) throw new CliUsageError('name exactly one export folder');
    // Checking files touches no library: an in-memory database.
    const report = await withCliApi({ dbPath: ':memory:', flags: { folder: '<export folder>' } },
      (api) => api.call('verifyExport', { folder: resolve(positionals[0] as string) }));
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      io.out(`${report.ok ? 'OK' : 'PROBLEMS'}: ${report.folder}: ${report.message}`);
      if (report.createdAt) io.out(`  exported ${report.createdAt} by Smearlab ${report.appVersion ?? '?'}`);
      const show = (title: string, items: string[]) => {
        if (items.length === 0) return;
        io.out(`  ${title} (${items.length}):`);
        for (const item of items.slice(0, LISTED)) io.out(`    ${item}`);
        if (items.length > LISTED) io.out(`    ... and ${items.length - LISTED} more (--json lists all)`);
      };
      show('missing', report.missing);
      show('damaged', report.damaged.map((d) => `${d.path} (sha256 ${d.actualSha256.slice(0, 12)}..., expected ${d.expectedSha256.slice(0, 12)}...; ${d.actualBytes} of ${d.expectedBytes} bytes)`));
      show('extra', report.extra);
    }
    return report.ok ? 0 : 1;
  },
};
