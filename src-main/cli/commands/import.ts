// `smearlab import <folder | file.geojson>`: an APACC-layout folder (slices
// + label files and/or cell images) as new slides, or QuPath GeoJSON onto an
// ingested slide. Problems are listed with file and line; the rest is imported.
import { parseArgs } from 'node:util';
import { DatasetError } from '../../dataset/dataset-error.ts';
import { importApaccFolder } from '../../dataset/import-apacc.ts';
import { importGeoJsonFile } from '../../dataset/import-geojson.ts';
import type { ImportReport } from '../../dataset/import-report.ts';
import { CliError, CliUsageError, integerOption } from '../command.ts';
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
    const source = positionals[0] as string;
    let report: ImportReport;
    try {
      if (/\.(geo)?json$/i.test(source)) {
        const slideId = integerOption('slide-id', values['slide-id'], 1, Number.MAX_SAFE_INTEGER);
        report = await importGeoJsonFile({
          file: source,
          ...(values.db ? { dbPath: values.db } : {}),
          ...(slideId !== undefined ? { slideId } : {}),
          ...(values.smear ? { smearId: values.smear } : {}),
          ...(values.annotator ? { annotator: values.annotator } : {}),
        });
      } else {
        const sliceSize = integerOption('slice-size', values['slice-size'], 64, 16384);
        report = await importApaccFolder({
          folder: source,
          ...(values.db ? { dbPath: values.db } : {}),
          ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
          ...(values.annotator ? { annotator: values.annotator } : {}),
          ...(sliceSize !== undefined ? { sliceSize } : {}),
        });
      }
    } catch (err) {
      if (err instanceof DatasetError) throw new CliError(err.message);
      throw err;
    }
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
