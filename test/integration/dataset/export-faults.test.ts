// Export faults on real file systems: a full disk (small tmpfs, real
// ENOSPC), a read-only target (remount ro, real EROFS), a target that
// disappears mid-export (folder removed; tmpfs lazily unmounted like a pulled
// stick), a path too long (real ENAMETOOLONG), smear ids some file systems
// refuse, a foreign or busy folder, and cancellation. Each time: a clear
// error naming the file, the database untouched, a resumable partial export.
// Mounting needs root: those tests skip, saying why, elsewhere.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '../../../src-main/dataset/dataset-error.ts';
import { parseExportOptions, type ExportOptionsInput } from '../../../src-main/dataset/export-options.ts';
import { JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME } from '../../../src-main/dataset/export-target.ts';
import { importApaccFolder } from '../../../src-main/dataset/import-apacc.ts';
import { runExport, type ExportHooks } from '../../../src-main/dataset/run-export.ts';
import { verifyExport } from '../../../src-main/dataset/verify-export.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { addSyntheticSlides, databaseDigest } from './dataset-fixture.ts';

let work = '';
let dbPath = '';
let digest = '';

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'smearlab-export-faults-'));
  process.on('exit', () => {
    for (const m of mounted.splice(0)) spawnSync('umount', ['-l', m]);
    rmSync(work, { recursive: true, force: true });
  });
  dbPath = join(work, 'smearlab.db');
  const tiny = await ensureFixtureSlide('tiny');
  await addSyntheticSlides(dbPath, [
    { slide: tiny, smearId: 'F-1', seed: 1, cells: 40 },
    { slide: tiny, smearId: 'F-2', seed: 2, cells: 20 },
  ]);
  digest = databaseDigest(dbPath);
});

const mounted: string[] = [];

/** A real tmpfs of the given size at dir, or the reason it cannot be had. */
function mountTmpfs(dir: string, size: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `mount failed: ${(r.stderr || r.error?.message || '').trim()}`;
  mounted.push(dir);
  return null;
}

function umount(dir: string, lazy = false): void {
  spawnSync('umount', lazy ? ['-l', dir] : [dir]);
  const i = mounted.indexOf(dir);
  if (i >= 0) mounted.splice(i, 1);
}

function options(targetDir: string, extra: Partial<ExportOptionsInput> = {}) {
  return parseExportOptions({ dbPath, targetDir, formats: { cells: true, slices: false }, split: { mode: 'none' }, fsync: false, ...extra });
}

async function expectFailure(targetDir: string, code: string, hooks: ExportHooks = {}, extra: Partial<ExportOptionsInput> = {}): Promise<DatasetError> {
  let caught: unknown = null;
  try {
    await runExport(options(targetDir, extra), hooks);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DatasetError, `expected a DatasetError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(databaseDigest(dbPath), digest, 'cells and labels untouched');
  const store = openStore(dbPath);
  try {
    const job = store.listJobs({ kind: 'export', limit: 1 })[0];
    assert.equal(job?.state, 'failed');
    assert.ok(job?.error && caught.message.startsWith(job.error), 'the job row records the error (the store keeps its first 4,000 characters)');
  } finally {
    store.close();
  }
  return caught;
}

function tempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('smearlab-tmp'));
}

test('full disk (ENOSPC on a 1 MB tmpfs): error names the file; after making room the same export resumes and verifies', async (t) => {
  const mnt = join(work, 'full');
  const why = mountTmpfs(mnt, '1m');
  if (why) return t.skip(why);
  const target = join(mnt, 'dataset');
  const err = await expectFailure(target, 'target-full');
  assert.match(err.message, /the target is full: cannot write .*\/dataset\/cells\/train\/\w+\/F-\d_.*\.png \(ENOSPC\)/);
  assert.ok(err.path?.startsWith(target));
  assert.ok(!existsSync(join(target, MANIFEST_NAME)), 'a partial export has no manifest');
  assert.deepEqual(tempFiles(target), [], 'no temporary file left behind');
  const partial = (readdirSync(target, { recursive: true }) as string[]).filter((f) => f.endsWith('.png')).length;
  assert.ok(partial > 0, 'some cells were written before the disk filled');

  const remount = spawnSync('mount', ['-o', 'remount,size=64m', mnt]);
  assert.equal(remount.status, 0);
  const resumed = await runExport(options(target));
  assert.equal(resumed.state, 'done');
  assert.ok(resumed.filesSkipped >= partial, `${resumed.filesSkipped} files kept from the first run (${partial} were there)`);
  const verify = await verifyExport(target);
  assert.ok(verify.ok, verify.message);
  umount(mnt);
});

test('read-only target (EROFS): clear error, nothing written', async (t) => {
  const mnt = join(work, 'ro');
  const why = mountTmpfs(mnt, '4m');
  if (why) return t.skip(why);
  mkdirSync(join(mnt, 'dataset'));
  assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
  const err = await expectFailure(join(mnt, 'dataset'), 'target-read-only');
  assert.match(err.message, /read-only.*EROFS/);
  assert.match(err.message, new RegExp(join(mnt, 'dataset').replace(/[/]/g, '\\/')));
  umount(mnt);
});

test('target removed mid-export: reported as gone, never recreated, and resumable', async () => {
  const target = join(work, 'vanishing', 'dataset');
  mkdirSync(join(work, 'vanishing'));
  // The folder goes in one step (moved away, as a desktop's delete to the bin does): a recursive
  // rmSync here raced the export's writes still in flight and sometimes failed itself (ENOTEMPTY).
  const removed = join(work, 'vanishing', 'in-the-bin');
  const err = await expectFailure(target, 'target-gone', { afterGroup: (n) => { if (n === 2) renameSync(target, removed); } });
  assert.match(err.message, /disappeared while writing .*dataset/);
  assert.ok(!existsSync(target), 'the export did not recreate the removed folder');
  rmSync(removed, { recursive: true, force: true });
  const resumed = await runExport(options(target));
  assert.equal(resumed.state, 'done');
  assert.ok((await verifyExport(target)).ok);
});

test('USB stick pulled (tmpfs lazily unmounted mid-export): gone, not written onto the bare mount point', async (t) => {
  const mnt = join(work, 'stick');
  const why = mountTmpfs(mnt, '32m');
  if (why) return t.skip(why);
  const target = join(mnt, 'dataset');
  await expectFailure(target, 'target-gone', { afterGroup: (n) => { if (n === 2) umount(mnt, true); } });
  assert.deepEqual(readdirSync(mnt), [], 'the mount point left behind stays empty');
});

test('path too long for the file system (ENAMETOOLONG): the error names the file', async () => {
  let deep = join(work, 'deep');
  while (deep.length < 4030) deep = join(deep, 'd'.repeat(Math.min(200, 4035 - deep.length)));
  mkdirSync(deep, { recursive: true });
  const err = await expectFailure(join(deep, 'x'), 'name-too-long');
  assert.match(err.message, /path is too long .*ENAMETOOLONG/);
  assert.ok(err.path && err.path.length > 4000, 'names the full path');
});

test('smear ids that FAT, exFAT and NTFS refuse as file names are mapped, recorded, and mapped back on import', async (t) => {
  const db = join(work, 'names.db');
  const tiny = await ensureFixtureSlide('tiny');
  const smears = ['CON', 'ends with a dot.', `${'疒'.repeat(60)}`];
  await addSyntheticSlides(db, smears.map((smearId, i) => ({ slide: tiny, smearId, seed: 10 + i, cells: 6 })));
  const mnt = join(work, 'names');
  const target = mountTmpfs(mnt, '64m') ? join(work, 'names-dataset') : join(mnt, 'dataset');
  const result = await runExport(parseExportOptions({ dbPath: db, targetDir: target, formats: { cells: true, slices: true, geojson: true }, split: { mode: 'none' }, fsync: false }));
  assert.equal(result.state, 'done');
  const manifest = JSON.parse(readFileSync(join(target, MANIFEST_NAME), 'utf8')) as { smears: Array<{ smearId: string; fileId: string }> };
  for (const s of manifest.smears) {
    assert.notEqual(s.fileId, s.smearId, `${s.smearId} gets a safe file id`);
    assert.match(s.fileId, /~[0-9a-f]{8}$/);
    assert.ok(Buffer.byteLength(s.fileId) <= 96);
  }
  const names = readdirSync(join(target, 'slices', 'train'));
  assert.ok(names.every((n) => !/^CON[._]|\.\.|\. /.test(n) && Buffer.byteLength(n) < 200), names.join(', '));
  assert.match(readFileSync(join(target, 'README.txt'), 'utf8'), /Smear ids changed for file names/);
  const report = await importApaccFolder({ folder: target, dbPath: join(work, 'names-imported.db'), dataDir: join(work, 'names-data') });
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.smears.map((s) => s.smearId).sort(), [...smears].sort(), 'the import finds the original ids in the manifest');
  if (mounted.includes(mnt)) umount(mnt);
  else t.diagnostic('tmpfs not available: exported to the local disk');
});

test('a folder with other content, a missing parent, a folder another live export holds: refused, nothing written', async () => {
  const foreign = join(work, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'thesis.docx'), 'precious');
  const e1 = await expectFailure(foreign, 'target-not-empty');
  assert.match(e1.message, /not a Smearlab export; choose an empty folder/);
  assert.deepEqual(readdirSync(foreign), ['thesis.docx']);

  const e2 = await expectFailure(join(work, 'no-such-stick', 'dataset'), 'target-missing');
  assert.match(e2.message, /no-such-stick does not exist \(is the USB stick or share mounted\?\)/);
  assert.ok(!existsSync(join(work, 'no-such-stick')));

  const busy = join(work, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, LOCK_NAME), JSON.stringify({ pid: 1, host: (await import('node:os')).hostname(), startedAt: 'earlier' }));
  const e3 = await expectFailure(busy, 'target-busy');
  assert.match(e3.message, /another export \(process 1/);
});

test('cancel: stops after the slices in hand, no manifest; the same export again finishes', async () => {
  const target = join(work, 'cancelled');
  const cancel = { cancelled: false };
  const first = await runExport(options(target), { cancel, afterGroup: (n) => { if (n === 1) cancel.cancelled = true; } });
  assert.equal(first.state, 'cancelled');
  assert.equal(first.manifestPath, null);
  assert.ok(!existsSync(join(target, MANIFEST_NAME)));
  assert.ok(existsSync(join(target, JOURNAL_NAME)), 'the journal says what is done');
  assert.ok(!existsSync(join(target, LOCK_NAME)), 'the lock is released');
  const second = await runExport(options(target));
  assert.equal(second.state, 'done');
  assert.ok(second.filesSkipped > 0);
  assert.ok((await verifyExport(target)).ok);
  assert.ok(!existsSync(join(target, JOURNAL_NAME)), 'a finished export keeps only the manifest');
});
