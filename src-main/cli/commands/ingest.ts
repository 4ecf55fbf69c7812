// `smearlab ingest <slide>`: the cell pipeline as a resumable job, with a
// progress bar. Ctrl+C cancels after the slices in hand; running the same
// command again resumes.
import { parseArgs } from 'node:util';
import { startIngestJob } from '../../pipeline/ingest/ingest-job.ts';
import { MAX_MPP, MIN_MPP } from '../../pipeline/scale.ts';
import type { IngestOptionsInput, IngestResult } from '../../pipeline/ingest/ingest-options.ts';
import { DEFAULT_SEGMENTER } from '../../domain/segmenter.ts';
import { CliError, CliUsageError, integerOption, segmenterOption } from '../command.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { createProgressPrinter } from '../progress-bar.ts';

export function describeIngestResult(r: IngestResult): string[] {
  const ms = (name: string) => `${name} ${((r.timings[name] ?? 0) / 1000).toFixed(1)}s`;
  const lines = [
    `${r.state === 'skipped' ? 'Skipped' : 'Ingest ' + r.state}: smear ${r.smearId} (slide ${r.slideId}${r.jobId ? `, job ${r.jobId}` : ''})`,
    `  ${r.message}`,
    `  segmenter ran on: ${r.provider}${r.model ? ` (model ${r.model})` : ''}`,
    `  scale: ${r.mpp} um/px (${r.mppSource === 'slide' ? 'from the slide' : r.mppSource === 'override' ? 'from --mpp' : 'assumed'})`,
    ...r.warnings.map((w) => `  warning: ${w}`),
  ];
  if (r.state !== 'skipped') lines.push(`  time: ${['fov', 'read', 'segment', 'extract', 'crops', 'db'].map(ms).join(', ')}`);
  return lines;
}

export async function runIngestWithProgress(input: IngestOptionsInput, io: CliIo): Promise<IngestResult> {
  let job;
  try {
    job = startIngestJob(input);
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const printer = createProgressPrinter(process.stderr);
  job.events.on('progress', (p) => printer.update(p));
  job.events.on('log', (m) => { if (io.verbose || m.startsWith('execution provider') || m.startsWith('failed') || m.startsWith('warning')) io.err(m); });
  const onSigint = () => {
    io.err('\ncancelling after the slices in hand (run the same command again to resume)...');
    job.cancel();
  };
  process.once('SIGINT', onSigint);
  try {
    return await job.result;
  } catch (err) {
    throw new CliError((err as Error).message);
  } finally {
    process.off('SIGINT', onSigint);
    printer.end();
  }
}

function mppOption(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < MIN_MPP || value > MAX_MPP) {
    throw new CliUsageError(`--mpp must be a pixel size in um between ${MIN_MPP} and ${MAX_MPP}, got "${text}"`);
  }
  return value;
}

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'Find the smear, slice it, segment and extract every cell into the database',
  usage: [
    'Usage: smearlab ingest <slide> [options]',
    '',
    '  --segmenter onnx|classical   default onnx (the model in models/)',
    '  --model NAME|PATH            ONNX model (models/<NAME>.onnx + .json)',
    '  --ensemble NAME|PATH         ensemble manifest instead of one model',
    '  --ep LIST                    execution providers in order, e.g. cuda,webgpu,cpu',
    '  --db PATH                    database file (default: your user data folder)',
    '  --smear-id ID                the lab\'s smear id (default: from the file name)',
    '  --mode whole-cell|paper      whole-cell (default): every cell once and whole;',
    '                               paper: the APACC per-slice behaviour',
    '  --slice-size N               slice side in level-0 px (default 2000)',
    '  --mpp UM                     um per level-0 px, for scans that do not give it',
    '                               (default: the slide\'s own; 0.25 with a warning if none)',
    '  --save-crops                 write every crop as PNG now (default: on demand)',
    '  --force                      run again on a slide already ingested',
    '',
    'Interrupted or killed runs resume from the last completed slice.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        segmenter: { type: 'string' }, model: { type: 'string' }, ensemble: { type: 'string' }, ep: { type: 'string' },
        db: { type: 'string' }, 'smear-id': { type: 'string' }, mode: { type: 'string' }, 'slice-size': { type: 'string' },
        mpp: { type: 'string' }, 'save-crops': { type: 'boolean' }, force: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new CliUsageError('name exactly one slide file');
    const segmenter = segmenterOption(values.segmenter) ?? DEFAULT_SEGMENTER;
    if (values.mode && values.mode !== 'whole-cell' && values.mode !== 'paper') {
      throw new CliUsageError(`--mode must be whole-cell or paper, got "${values.mode}"`);
    }
    const input: IngestOptionsInput = {
      slidePath: positionals[0] ?? '',
      segmenter,
      ...(values.model ? { model: values.model } : {}),
      ...(values.ensemble ? { ensemble: values.ensemble } : {}),
      ...(values.ep ? { executionProviders: values.ep.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(values.db ? { dbPath: values.db } : {}),
      ...(values['smear-id'] ? { smearId: values['smear-id'] } : {}),
      ...(values.mode ? { mode: values.mode as 'whole-cell' | 'paper' } : {}),
      ...(values['slice-size'] ? { sliceSize: integerOption('slice-size', values['slice-size'], 256, 16384) } : {}),
      ...(values.mpp ? { mpp: mppOption(values.mpp) } : {}),
      saveCrops: Boolean(values['save-crops']),
      force: Boolean(values.force),
    };
    const result = await runIngestWithProgress(input, io);
    for (const line of describeIngestResult(result)) io.out(line);
    return result.state === 'done' || result.state === 'skipped' ? 0 : 1;
  },
};
