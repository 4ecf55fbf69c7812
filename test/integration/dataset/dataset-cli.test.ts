// The export, verify and import commands as the CLI runs them (export in its
// worker thread), with their output and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCommand } from '../../../src-main/cli/commands/export.ts';
import { importCommand } from '../../../src-main/cli/commands/import.ts';
import { verifyCommand } from '../../../src-main/cli/commands/verify.ts';
import { CliError, CliUsageError, type CliIo } from '../../../src-main/cli/command.ts';
import { startExportJob } from '../../../src-main/dataset/export-job.ts';
import { DatasetError } from '../../../src-main/dataset/dataset-error.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { addSyntheticSlides, tempDir } from './dataset-fixture.ts';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l = '') => lines.push(l), err: (l = '') => errors.push(l), verbose: false };
}

test('export, verify and import commands: output, exit codes, usage errors', async (t) => {
  const dir = await tempDir(t);
  const dbPath = join(dir, 'db.sqlite');
  const tiny = await ensureFixtureSlide('tiny');
  await addSyntheticSlides(dbPath, [{ slide: tiny, smearId: 'C-1', seed: 1, cells: 10 }, { slide: tiny, smearId: 'C-2', seed: 2, cells: 10 }]);
  const target = join(dir, 'out');

  const e = io();
  const code = await exportCommand.run([target, '--db', dbPath, '--formats', 'cells,coco', '--train', 'C-1', '--test', 'C-2', '--no-fsync'], e);
  assert.equal(code, 0, e.errors.join('\n'));
  assert.match(e.lines.join('\n'), /Export done: .*out/);
  assert.match(e.lines.join('\n'), /split explicit: train C-1; test C-2/);

  const v = io();
  assert.equal(await verifyCommand.run([target], v), 0);
  assert.match(v.lines[0] ?? '', /^OK: .*all \d+ files match their SHA-256/);
  rmSync(join(target, 'README.txt'));
  writeFileSync(join(target, 'stray.bin'), 'x');
  const bad = io();
  assert.equal(await verifyCommand.run([target], bad), 1);
  assert.match(bad.lines.join('\n'), /PROBLEMS: .*1 missing, 1 extra/);
  assert.match(bad.lines.join('\n'), /missing \(1\):\n {4}README.txt/);
  await assert.rejects(verifyCommand.run([dir], io()), (err: unknown) => err instanceof CliError && /no manifest.json: it is not a Smearlab export/.test(err.message));

  const i = io();
  assert.equal(await importCommand.run([target, '--db', join(dir, 'other.sqlite'), '--data-dir', join(dir, 'data')], i), 0);
  assert.match(i.lines[0] ?? '', /2 smears imported/);

  await assert.rejects(exportCommand.run([target, '--formats', 'tiff'], io()), CliUsageError);
  await assert.rejects(exportCommand.run([target, '--db', dbPath, '--split', 'half'], io()), /--split must be auto, explicit or none/);
  await assert.rejects(exportCommand.run([target, '--db', dbPath, '--smears', 'nope'], io()), /no slide with smear id "nope"/);
  await assert.rejects(exportCommand.run([join(dir, 'missing-parent', 'x'), '--db', dbPath], io()), (err: unknown) => err instanceof CliError && /does not exist/.test(err.message));
});

test('startExportJob: job id first, progress with rate and ETA, result; bad options refused before a worker starts', async (t) => {
  const dir = await tempDir(t);
  const dbPath = join(dir, 'db.sqlite');
  await addSyntheticSlides(dbPath, [{ slide: await ensureFixtureSlide('tiny'), smearId: 'J-1', seed: 1, cells: 8 }]);
  const job = startExportJob({ dbPath, targetDir: join(dir, 'out'), formats: { cells: true, slices: true }, fsync: false });
  const progress: Array<{ etaSeconds: number | null; cellsPerSecond: number }> = [];
  job.events.on('progress', (p) => progress.push(p));
  const jobId = await job.jobId;
  const result = await job.result;
  assert.equal(result.jobId, jobId);
  assert.equal(result.state, 'done');
  assert.ok(progress.length >= 2);
  assert.ok(progress.some((p) => p.etaSeconds !== null && p.cellsPerSecond > 0), 'a rate and an ETA once work is done');
  assert.throws(() => startExportJob({ targetDir: '', formats: { cells: false, slices: false } }), (err: unknown) => err instanceof DatasetError && err.code === 'bad-options' && /targetDir/.test(err.message));
  const failing = startExportJob({ dbPath, targetDir: join(dir, 'no', 'such', 'parent') });
  await assert.rejects(failing.result, (err: unknown) => err instanceof DatasetError && err.code === 'target-missing');
  await assert.rejects(startExportJob({ dbPath, targetDir: join(dir, 'x'), slideIds: [999] }).result, /slide 999 does not exist/);
});
