// `smearlab info <slide>`: what OpenSlide sees in a slide file.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { withCliApi } from '../cli-api.ts';
import { CliUsageError } from '../command.ts';
import type { CliCommand } from '../command.ts';
import { describeSlide } from '../slide-summary.ts';

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Show a slide\'s format, levels, resolution and properties',
  usage: [
    'Usage: smearlab info <slide> [--json]',
    '',
    'Prints the format, pyramid levels (size, downsample), microns per pixel,',
    'objective, background colour, scanned bounds, quickhash, associated images',
    'and every OpenSlide property of <slide> (e.g. scan.mrxs).',
    '',
    '  --json   print the same as one JSON object',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length !== 1) throw new CliUsageError(positionals.length === 0 ? 'name a slide file' : 'name exactly one slide file');
    // Reading a file touches no library: an in-memory database.
    const info = await withCliApi({ dbPath: ':memory:' }, (api) => api.call('slideInfo', { path: resolve(positionals[0] ?? '') }));
    if (values.json) io.out(JSON.stringify(info, null, 2));
    else for (const line of describeSlide(info, true)) io.out(line);
  },
};
