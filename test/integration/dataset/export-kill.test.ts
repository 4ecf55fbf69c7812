// kill -9 in the middle of `smearlab export` (a real child process, export in
// its worker thread, fsync on): the folder holds only complete files under
// their final names, the same export then resumes (skipping what was done,
// taking over the dead process's lock) and verifies clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExportOptions } from '../../../src-main/dataset/export-options.ts';
import { JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME } from '../../../src-main/dataset/export-target.ts';
import { runExport } from '../../../src-main/dataset/run-export.ts';
import { verifyExport } from '../../../src-main/dataset/verify-export.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { addSyntheticSlides, databaseDigest, tempDir } from './dataset-fixture.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./export-child.ts', import.meta.url));

function pngs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.png'));
}

test('kill -9 mid-export, then the same export resumes and verifies clean', async (t) => {
  const work = await tempDir(t, 'smearlab-export-kill-');
  const dbPath = join(work, 'smearlab.db');
  const tiny = await ensureFixtureSlide('tiny');
  await addSyntheticSlides(dbPath, [{ slide: tiny, smearId: 'K-1', seed: 4, cells: 60 }, { slide: tiny, smearId: 'K-2', seed: 5, cells: 30 }]);
  const digest = databaseDigest(dbPath);
  const target = join(work, 'dataset');

  const proc = spawn(process.execPath, ['--import', 'tsx', child, target, '--db', dbPath, '--formats', 'cells,slices', '--split', 'none'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  // Kill once a few images are in place (the export is then well under way, never finished).
  const deadline = Date.now() + 60_000;
  while (pngs(target).length < 6) {
    if (Date.now() > deadline || proc.exitCode !== null) assert.fail(`the child never got going: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  proc.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const killedAt = pngs(target).length;
  assert.ok(!existsSync(join(target, MANIFEST_NAME)), 'no manifest: the export did not finish');
  assert.ok(existsSync(join(target, LOCK_NAME)), 'the dead process left its lock');
  assert.ok(existsSync(join(target, JOURNAL_NAME)), 'and its journal');
  assert.ok(pngs(target).every((f) => !f.includes('smearlab-tmp')), 'files under final names only (temporary names are hidden dot files)');
  assert.equal(databaseDigest(dbPath), digest);

  const resumed = await runExport(parseExportOptions({ dbPath, targetDir: target, formats: { cells: true, slices: true }, split: { mode: 'none' } }));
  assert.equal(resumed.state, 'done');
  // The journal is appended after every file (one append in flight): at most the last few files in hand are made again.
  assert.ok(resumed.filesSkipped >= killedAt - 3, `${resumed.filesSkipped} files skipped after the kill (${killedAt} images were there)`);
  const report = await verifyExport(target);
  assert.ok(report.ok, `${report.message}: ${JSON.stringify({ missing: report.missing, damaged: report.damaged, extra: report.extra })}`);
  const leftovers = (readdirSync(target, { recursive: true }) as string[]).filter((f) => f.includes('smearlab-tmp') || f.endsWith(LOCK_NAME) || f.endsWith(JOURNAL_NAME));
  assert.deepEqual(leftovers, []);

  const store = openStore(dbPath);
  try {
    const jobs = store.listJobs({ kind: 'export' });
    assert.equal(jobs[0]?.state, 'done');
    assert.equal(jobs[1]?.state, 'interrupted', 'the killed export\'s job row is marked interrupted');
  } finally {
    store.close();
  }
});
