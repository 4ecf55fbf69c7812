// `smearlab import <folder | file.geojson>`: an APACC-layout folder (slices
// + label files and/or cell images) as new slides, or QuPath GeoJSON onto an
// ingested slide. Problems are listed with file and line; the rest is imported.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { withCliApi } from '../cli-api.ts';
import { CliUsageError, numberFlag } from '../command.ts';
import type { CliCommand } from '../command.ts';

const LISTED = 30;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import an APACC-layout folder, or QuPath GeoJSON onto a slide',
  usage: [
    'Usage: smearlab import <folder> [options]',
    '       smearlab import <file.geojson> [--smear ID | --slide-id N] [options]',
    '',
    'A folder in the APACC layout (slices/<split>/<smear>_<x>_<y>.png + .txt, and/or',
    'cells/<split>/<class>/<APACC cell name>.png; a Smearlab export is one) becomes one',
    'slide per smear, shown from its slice images. A GeoJSON file (QuPath export) adds',
    'cells and labels to an ingested slide (default: the smear named by the file).',
    '',
    '  --db PATH           database file (default: your user data folder)',
    '  --data-dir DIR      where slice images are copied (default: next to the database)',
    '  --annotator NAME    name the imported labels are recorded under',
    '  --slice-size N      slice size where no image says (default 2000)',
    '  --smear ID          GeoJSON: the smear to import onto',
    '  --slide-id N        GeoJSON: the slide to import onto',
    '  --json              print the report as JSON',
    '',
    'Exit code 0 when everything was imported, 1 when problems were reported.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' }, 'data-dir': { type: 'string' }, annotator: { type: 'string' }, 'slice-size': { type: 'string' },
        smear: { type: 'string' }, 'slide-id': { type: 'string' }, json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError('name exactly one folder or GeoJSON file');
    const source = resolve(positionals[0] as string);
    const request = {
      source,
      ...(values.annotator !== undefined ? { annotator: values.annotator } : {}),
      ...(values['slice-size'] !== undefined ? { sliceSize: numberFlag('slice-size', values['slice-size']) } : {}),
      ...(values.smear !== undefined ? { smearId: values.smear } : {}),
      ...(values['slide-id'] !== undefined ? { slideId: numberFlag('slide-id', values['slide-id']) } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: resolve(values['data-dir']) } : {}),
    };
    const flags = { source: '<folder | file.geojson>', annotator: '--annotator', sliceSize: '--slice-size', smearId: '--smear', slideId: '--slide-id', dataDir: '--data-dir' };
    const report = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags }, (api) => api.call('importDataset', request));
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      io.out(`Import of ${report.source}: ${report.message}`);
      for (const s of report.smears) io.out(`  ${s.smearId}: ${s.state}${s.slideId ? ` (slide ${s.slideId})` : ''}: ${s.message}`);
      if (report.problems.length) {
        io.out(`  problems (${report.problems.length}):`);
        for (const p of report.problems.slice(0, LISTED)) io.out(`    ${p.file}${p.line !== null ? `:${p.line}` : ''}: ${p.message}`);
        if (report.problems.length > LISTED) io.out(`    ... and ${report.problems.length - LISTED} more (--json lists all)`);
      }
    }
    return report.problems.length === 0 ? 0 : 1;
  },
};
