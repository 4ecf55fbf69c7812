// `smearlab ingest <slide>`: the cell pipeline as a resumable job, with a
// progress bar. Ctrl+C cancels after the slices in hand; running the same
// command again resumes. Flags map one to one onto the contract's ingest
// request (startIngest), which checks them.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Input } from '../../api/contract.ts';
import type { IngestResult } from '../../api/views.ts';
import type { CliApi, FlagNames } from '../cli-api.ts';
import { withCliApi } from '../cli-api.ts';
import { CliError, CliUsageError, numberFlag } from '../command.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { followJob } from '../follow-job.ts';
import { formatIngestProgress } from '../progress-bar.ts';

/** Contract fields named as the flags that set them. */
export const INGEST_FLAGS: FlagNames = {
  path: '<slide>', segmenter: '--segmenter', model: '--model', ensemble: '--ensemble', executionProviders: '--ep',
  smearId: '--smear-id', mode: '--mode', sliceSize: '--slice-size', mpp: '--mpp', saveCrops: '--save-crops', force: '--force',
};

export function describeIngestResult(r: IngestResult): string[] {
  const ms = (name: string) => `${name} ${((r.timings[name] ?? 0) / 1000).toFixed(1)}s`;
  const lines = [
    `${r.state === 'skipped' ? 'Skipped' : 'Ingest ' + r.state}: smear ${r.smearId} (slide ${r.slideId}${r.jobId ? `, job ${r.jobId}` : ''})`,
    `  ${r.message}`,
    `  segmenter ran on: ${r.provider}${r.model ? ` (model ${r.model})` : ''}`,
    `  scale: ${r.mpp} um/px (${r.mppSource === 'slide' ? 'from the slide' : r.mppSource === 'override' ? 'from --mpp' : 'assumed'})`,
    ...r.warnings.map((w) => `  warning: ${w}`),
  ];
  if (r.state !== 'skipped') {
    // Stage times are summed over the lanes that ran side by side, so they add up to more than the wall time.
    lines.push(`  time: slices ${((r.timings.slices ?? 0) / 1000).toFixed(1)}s on ${r.lanes} lane(s); fov ${((r.timings.fov ?? 0) / 1000).toFixed(1)}s`);
    lines.push(`  stage time summed over lanes: ${['read', 'segment', 'extract', 'crops', 'db'].map(ms).join(', ')}`);
  }
  return lines;
}

/** What the runtime logs about a job that a person at the terminal wants to see (all of it with --verbose). */
export function ingestLogFilter(io: CliIo): (message: string) => void {
  return (message) => {
    const text = message.replace(/^\[[a-z]+\] /, '');
    if (io.verbose || /^(execution provider|failed|warning)/.test(text)) io.err(text);
  };
}

/**
 * Starts the ingest and follows it to the end; resolves with the run's report
 * (a skipped run: the one line the contract gives) and whether it succeeded.
 */
export async function ingestWithProgress(api: CliApi, io: CliIo, request: Input<'startIngest'>): Promise<{ lines: string[]; ok: boolean }> {
  const started = await api.call('startIngest', request);
  if (started.skipped || started.job === null) return { lines: [`Skipped: ${started.message}`], ok: true };
  const outcome = await followJob(api, io, started.job.id, formatIngestProgress);
  if (outcome.ingest) return { lines: describeIngestResult(outcome.ingest), ok: outcome.ingest.state === 'done' };
  throw new CliError(`ingest of ${request.path} ${outcome.job.state}: ${outcome.job.error ?? 'no reason recorded'} (job ${outcome.job.id})`);
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
    const request = {
      path: resolve(positionals[0] ?? ''),
      ...(values.segmenter !== undefined ? { segmenter: values.segmenter } : {}),
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values.ensemble !== undefined ? { ensemble: values.ensemble } : {}),
      ...(values.ep !== undefined ? { executionProviders: values.ep.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(values['smear-id'] !== undefined ? { smearId: values['smear-id'] } : {}),
      ...(values.mode !== undefined ? { mode: values.mode } : {}),
      ...(values['slice-size'] !== undefined ? { sliceSize: numberFlag('slice-size', values['slice-size']) } : {}),
      ...(values.mpp !== undefined ? { mpp: numberFlag('mpp', values.mpp) } : {}),
      ...(values['save-crops'] ? { saveCrops: true } : {}),
      ...(values.force ? { force: true } : {}),
    } as Input<'startIngest'>; // strings for enums: the contract checks them and names the flag
    const { lines, ok } = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags: INGEST_FLAGS, log: ingestLogFilter(io) },
      (api) => ingestWithProgress(api, io, request));
    for (const line of lines) io.out(line);
    return ok ? 0 : 1;
  },
};
