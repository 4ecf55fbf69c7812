// `smearlab export <folder>`: a labelled dataset in the APACC layout (and,
// on request, YOLO, COCO, QuPath GeoJSON), written safely to a USB stick or
// share, with a progress line. Ctrl+C stops after the slices in hand; the
// same command again resumes, skipping every file whose checksum matches.
import { parseArgs } from 'node:util';
import { DatasetError } from '../../dataset/dataset-error.ts';
import { startExportJob } from '../../dataset/export-job.ts';
import type { ExportOptionsInput, ExportProgress, ExportResult, SplitRequestInput } from '../../dataset/export-options.ts';
import { defaultDatabasePath, openStore } from '../../store/index.ts';
import { CliError, CliUsageError, integerOption } from '../command.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { formatDuration } from '../progress-bar.ts';

const FORMATS = ['cells', 'slices', 'annotated', 'yolo', 'coco', 'geojson'] as const;
const PLAIN_INTERVAL_MS = 5000;

export function formatExportProgress(p: ExportProgress): string {
  const fraction = p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
  const filled = Math.round(fraction * 24);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] ${p.cellsDone}/${p.cellsTotal} cells  ${p.slicesDone}/${p.slicesTotal} slices  `
    + `${p.cellsPerSecond.toFixed(1)} cells/s  ${mb(p.bytesPerSecond)} MB/s  ${mb(p.bytesWritten)} MB  ETA ${formatDuration(p.etaSeconds)}`;
}

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
    '  --labels labelled|all     labelled cells only (default), or unlabelled ones too',
    '  --flagged exclude|include|only   flagged cells (default: exclude)',
    `  --formats LIST            any of ${FORMATS.join(',')} or all (default: cells,slices)`,
    '  --split auto|explicit|none   split by smear (default: auto)',
    '  --seed N                  auto split seed (default 1); same seed, same split',
    '  --test-fraction F         auto split: share of smears for test (default 0.2)',
    '  --test-count N            auto split: exact number of test smears',
    '  --train IDS --test IDS    explicit split: smear ids of each subset',
    '  --concurrency N           images read and encoded at once (default 3)',
    '  --png-compression N       zlib level 0-9 (default 3)',
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
    const input = buildExportInput(positionals[0] as string, values);
    const result = await runExportWithProgress(input, io);
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else for (const line of describeExportResult(result)) io.out(line);
    return result.state === 'done' ? 0 : 1;
  },
};

type ExportArgs = Record<string, string | boolean | undefined>;

export function buildExportInput(targetDir: string, values: ExportArgs): ExportOptionsInput {
  const str = (k: string) => values[k] as string | undefined;
  const dbPath = str('db') ?? defaultDatabasePath();
  const labels = str('labels');
  if (labels !== undefined && labels !== 'labelled' && labels !== 'all') throw new CliUsageError(`--labels must be labelled or all, got "${labels}"`);
  const flagged = str('flagged');
  if (flagged !== undefined && !['exclude', 'include', 'only'].includes(flagged)) throw new CliUsageError(`--flagged must be exclude, include or only, got "${flagged}"`);
  const formatList = list(str('formats'));
  let formats: Record<string, boolean> | undefined;
  if (formatList) {
    const chosen = formatList.includes('all') ? [...FORMATS] : formatList;
    const unknown = chosen.filter((f) => !(FORMATS as readonly string[]).includes(f));
    if (unknown.length) throw new CliUsageError(`unknown format "${unknown[0]}" (${FORMATS.join(', ')}, all)`);
    formats = Object.fromEntries(FORMATS.map((f) => [f, chosen.includes(f)]));
  }
  const mode = str('split') ?? (str('train') || str('test') ? 'explicit' : 'auto');
  let split: SplitRequestInput;
  if (mode === 'auto') {
    const fraction = str('test-fraction');
    if (fraction !== undefined && !(Number(fraction) > 0 && Number(fraction) < 1)) throw new CliUsageError(`--test-fraction must be a number between 0 and 1, got "${fraction}"`);
    const seed = integerOption('seed', str('seed'), 0, 0xffffffff);
    const testCount = integerOption('test-count', str('test-count'), 0, 100000);
    split = { mode: 'auto', ...(seed !== undefined ? { seed } : {}), ...(fraction !== undefined ? { testFraction: Number(fraction) } : {}), ...(testCount !== undefined ? { testCount } : {}) };
  } else if (mode === 'explicit') {
    split = { mode: 'explicit', train: list(str('train')) ?? [], test: list(str('test')) ?? [] };
  } else if (mode === 'none') {
    split = { mode: 'none' };
  } else {
    throw new CliUsageError(`--split must be auto, explicit or none, got "${mode}"`);
  }
  let slideIds: number[] | undefined;
  const smears = list(str('smears'));
  if (smears) {
    const store = openStore(dbPath);
    try {
      slideIds = smears.map((smear) => {
        const slide = store.findSlideBySmearId(smear);
        if (!slide) throw new CliError(`no slide with smear id "${smear}" in ${store.path}`);
        return slide.id;
      });
    } finally {
      store.close();
    }
  }
  return {
    targetDir, dbPath,
    ...(slideIds ? { slideIds } : {}),
    ...(labels ? { labels: labels as 'labelled' | 'all' } : {}),
    ...(flagged ? { flagged: flagged as 'exclude' | 'include' | 'only' } : {}),
    ...(formats ? { formats } : {}),
    split,
    ...(str('concurrency') ? { concurrency: integerOption('concurrency', str('concurrency'), 1, 16) } : {}),
    ...(str('png-compression') ? { pngCompression: integerOption('png-compression', str('png-compression'), 0, 9) } : {}),
    ...(values['no-fsync'] ? { fsync: false } : {}),
  };
}

export async function runExportWithProgress(input: ExportOptionsInput, io: CliIo): Promise<ExportResult> {
  let job;
  try {
    job = startExportJob(input);
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const stream = process.stderr;
  let last = 0;
  let drawn = false;
  job.events.on('progress', (p) => {
    const line = formatExportProgress(p);
    if (stream.isTTY) {
      stream.write(`\r${line.slice(0, (stream.columns || 120) - 1)}\x1b[K`);
      drawn = true;
    } else if (Date.now() - last >= PLAIN_INTERVAL_MS) {
      stream.write(`${line}\n`);
      last = Date.now();
    }
  });
  job.events.on('log', (m) => io.err(m));
  const onSigint = () => {
    io.err('\ncancelling after the slices in hand (run the same command again to resume)...');
    job.cancel();
  };
  process.once('SIGINT', onSigint);
  try {
    return await job.result;
  } catch (err) {
    if (err instanceof DatasetError) throw new CliError(err.message);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    if (drawn) stream.write('\n');
  }
}
