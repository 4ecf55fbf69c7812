// `smearlab export <folder>`: a labelled dataset in the APACC layout (and,
// on request, YOLO, COCO, QuPath GeoJSON), written safely to a USB stick or
// share, with a progress line. Ctrl+C stops after the slices in hand; the
// same command again resumes, skipping every file whose checksum matches.
// Flags map onto the contract's export request (startExport), which checks them.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportRequestSchema } from '../../api/contract.ts';
import type { Input } from '../../api/contract.ts';
import type { ExportResult } from '../../api/views.ts';
import type { CliApi, FlagNames } from '../cli-api.ts';
import { withCliApi } from '../cli-api.ts';
import { CliError, CliUsageError, integerOption, numberFlag } from '../command.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { followJob } from '../follow-job.ts';
import { slideIdsOfSmears } from '../smear-ids.ts';
import { formatExportProgress } from '../progress-bar.ts';

/** The formats the contract knows, in its order. */
const FORMATS = Object.keys(exportRequestSchema.shape.formats.unwrap().shape);

const EXPORT_FLAGS: FlagNames = {
  targetDir: '<target folder>', labels: '--labels', decision: '--labels', flagged: '--flagged', formats: '--formats', concurrency: '--concurrency',
  pngCompression: '--png-compression', 'split.seed': '--seed', 'split.testFraction': '--test-fraction',
  'split.testCount': '--test-count', 'split.train': '--train', 'split.test': '--test', split: '--split',
};

export function describeExportResult(r: ExportResult): string[] {
  const counts = (split: 'train' | 'test') => Object.entries(r.counts[split]).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `Export ${r.state}: ${r.targetDir}${r.jobId ? ` (job ${r.jobId})` : ''}`,
    `  ${r.message}`,
    `  split ${r.split.mode}${r.split.seed !== null ? ` (seed ${r.split.seed})` : ''}: train ${r.split.train.join(', ') || '-'}; test ${r.split.test.join(', ') || '-'}`,
    `  train: ${counts('train')}`,
    `  test: ${counts('test')}`,
    ...(r.filesRemoved ? [`  removed ${r.filesRemoved} files an earlier export left that this one does not hold`] : []),
    `  ${(r.bytesWritten / 1e6).toFixed(1)} MB written in ${((r.timings.total ?? 0) / 1000).toFixed(1)} s`,
  ];
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write labelled cells as an APACC-layout dataset (and YOLO, COCO, QuPath GeoJSON)',
  usage: [
    'Usage: smearlab export <target folder> [options]',
    '',
    'The folder is created inside an existing folder (e.g. a mounted USB stick), or must be',
    'empty or an earlier export (which is then resumed or brought up to date).',
    '',
    '  --db PATH                 database file (default: your user data folder)',
    '  --smears ID,ID            smear ids to export (default: every slide)',
    '  --labels LIST             which cells and whose labels, comma separated:',
    '                              labelled (default) or all (unlabelled cells too), and',
    '                              consensus (default: the adjudicator, else the readers under each slide\'s rule),',
    '                              majority, reader:NAME (one reader\'s own labels) or all-readers (consensus + readers.csv)',
    '  --flagged exclude|include|only   flagged cells (default: exclude)',
    `  --formats LIST            any of ${FORMATS.join(',')} or all (default: cells,slices)`,
    '  --split auto|explicit|none   split by smear (default: auto)',
    '  --seed N                  auto split seed (default 1); same seed, same split',
    '  --test-fraction F         auto split: share of smears for test (default 0.2)',
    '  --test-count N            auto split: exact number of test smears',
    '  --train IDS --test IDS    explicit split: smear ids of each subset',
    '  --concurrency N           images read and encoded at once (default 3)',
    '  --png-compression N       zlib level 0-9 (default: from the target\'s measured write speed and free room: 0 on a fast disk with room, 1 on a USB 3 stick, 6 on a slow one)',
    '  --no-fsync                do not sync each file (faster; unsafe on removable media)',
    '  --json                    print the result as JSON',
    '',
    'Ctrl+C stops after the slices in hand; run the same command again to resume.',
    'Check a finished export with: smearlab verify <folder>',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' }, smears: { type: 'string' }, labels: { type: 'string' }, flagged: { type: 'string' },
        formats: { type: 'string' }, split: { type: 'string' }, seed: { type: 'string' }, 'test-fraction': { type: 'string' },
        'test-count': { type: 'string' }, train: { type: 'string' }, test: { type: 'string' }, concurrency: { type: 'string' },
        'png-compression': { type: 'string' }, 'no-fsync': { type: 'boolean' }, json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError('name exactly one target folder');
    const result = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags: EXPORT_FLAGS },
      async (api) => exportWithProgress(api, io, await buildExportRequest(api, resolve(positionals[0] as string), values)));
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else for (const line of describeExportResult(result)) io.out(line);
    return result.state === 'done' ? 0 : 1;
  },
};

type ExportArgs = Record<string, string | boolean | undefined>;

function split(values: ExportArgs): Input<'startExport'>['split'] {
  const str = (k: string) => values[k] as string | undefined;
  const mode = str('split') ?? (str('train') || str('test') ? 'explicit' : 'auto');
  if (mode === 'auto') {
    const seed = str('seed');
    const fraction = str('test-fraction');
    const count = str('test-count');
    return {
      mode,
      ...(seed !== undefined ? { seed: numberFlag('seed', seed) } : {}),
      ...(fraction !== undefined ? { testFraction: numberFlag('test-fraction', fraction) } : {}),
      ...(count !== undefined ? { testCount: numberFlag('test-count', count) } : {}),
    };
  }
  if (mode === 'explicit') return { mode, train: list(str('train')) ?? [], test: list(str('test')) ?? [] };
  if (mode === 'none') return { mode };
  throw new CliUsageError(`--split must be auto, explicit or none, got "${mode}"`);
}

/** --labels: the selection (labelled | all) and the decision (consensus | majority | all-readers | reader:NAME), in any order. */
function labelsOption(value: string | undefined): { labels?: string; decision?: string } {
  const out: { labels?: string; decision?: string } = {};
  for (const item of list(value) ?? []) {
    const key = item === 'labelled' || item === 'all' ? 'labels' : 'decision';
    if (out[key] !== undefined) throw new CliUsageError(`--labels: "${out[key]}" and "${item}" both choose the ${key === 'labels' ? 'cells' : 'decision'}`);
    out[key] = item;
  }
  return out;
}

/** Flags onto the contract's export request; smear ids are looked up in the library. */
export async function buildExportRequest(api: CliApi, targetDir: string, values: ExportArgs): Promise<Input<'startExport'>> {
  const str = (k: string) => values[k] as string | undefined;
  const formatList = list(str('formats'));
  let formats: Record<string, boolean> | undefined;
  if (formatList) {
    const chosen = formatList.includes('all') ? FORMATS : formatList;
    const unknown = chosen.filter((f) => !FORMATS.includes(f));
    if (unknown.length) throw new CliUsageError(`unknown format "${unknown[0]}" (${FORMATS.join(', ')}, all)`);
    formats = Object.fromEntries(FORMATS.map((f) => [f, chosen.includes(f)]));
  }
  const slideIds = await slideIdsOfSmears(api, str('smears'));
  return {
    targetDir,
    ...(slideIds ? { slideIds } : {}),
    ...labelsOption(str('labels')),
    ...(str('flagged') !== undefined ? { flagged: str('flagged') } : {}),
    ...(formats ? { formats } : {}),
    split: split(values),
    ...(str('concurrency') !== undefined ? { concurrency: integerOption('concurrency', str('concurrency'), 0, Number.MAX_SAFE_INTEGER) } : {}),
    ...(str('png-compression') !== undefined ? { pngCompression: integerOption('png-compression', str('png-compression'), 0, Number.MAX_SAFE_INTEGER) } : {}),
    ...(values['no-fsync'] ? { fsync: false } : {}),
  } as Input<'startExport'>; // strings for enums: the contract checks them and names the flag
}

/** Starts the export and follows it to the end. */
export async function exportWithProgress(api: CliApi, io: CliIo, request: Input<'startExport'>): Promise<ExportResult> {
  const started = await api.call('startExport', request);
  if (!started.job) throw new CliError(started.message);
  const outcome = await followJob(api, io, started.job.id, formatExportProgress);
  if (outcome.export) return outcome.export;
  throw new CliError(`export to ${started.targetDir} ${outcome.job.state}: ${outcome.job.error ?? 'no reason recorded'}`);
}
