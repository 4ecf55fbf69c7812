// The export folder's bookkeeping on a real file system: atomic writes, the
// journal that lets a re-run skip matching files (also after a torn last
// line), stale manifests and temporary files of a killed run, locks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '../../../src-main/dataset/dataset-error.ts';
import { ExportTarget, JOURNAL_NAME, LOCK_NAME, MANIFEST_FORMAT, MANIFEST_NAME } from '../../../src-main/dataset/export-target.ts';
import { sha256Buffer } from '../../../src-main/dataset/file-tree.ts';

async function folder(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-target-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'export');
}

test('writes are atomic and journalled; a later run skips files whose checksum matches', async (t) => {
  const root = await folder(t);
  const a = await ExportTarget.open(root, { fsync: true });
  const png = await a.write('cells/train/healthy/x.png', Buffer.from('image bytes'), 'key-1');
  await a.write('slices/train/s_0_0.txt', '0 0.5 0.5 0.1 0.1\n', null);
  assert.equal(png.sha256, sha256Buffer('image bytes'));
  assert.deepEqual(readdirSync(join(root, 'cells/train/healthy')), ['x.png'], 'no temporary file left');
  await a.close(false);
  assert.ok(!existsSync(join(root, LOCK_NAME)));
  // A kill can tear the journal's last line: the rest still counts.
  appendFileSync(join(root, JOURNAL_NAME), '{"path":"cells/tr');

  const b = await ExportTarget.open(root, { fsync: false });
  assert.ok(await b.unchanged('cells/train/healthy/x.png', { key: 'key-1' }));
  assert.equal(await b.unchanged('cells/train/healthy/x.png', { key: 'key-2' }), null, 'other inputs: made again');
  assert.ok(await b.unchanged('slices/train/s_0_0.txt', { sha256: sha256Buffer('0 0.5 0.5 0.1 0.1\n') }));
  assert.equal(await b.unchanged('slices/train/s_0_0.txt', { sha256: sha256Buffer('other') }), null);
  writeFileSync(join(root, 'cells/train/healthy/x.png'), 'damaged!!!!');
  assert.equal(await b.unchanged('cells/train/healthy/x.png', { key: 'key-1' }), null, 'a damaged file is made again');
  await b.close(true);
  assert.ok(!existsSync(join(root, JOURNAL_NAME)), 'a finished export drops its journal');
});

test('opening drops a stale manifest and temporary files of a killed run, and takes over a dead lock', async (t) => {
  const root = await folder(t);
  mkdirSync(join(root, 'cells'), { recursive: true });
  writeFileSync(join(root, MANIFEST_NAME), JSON.stringify({ format: MANIFEST_FORMAT, files: [{ path: 'cells/a.png', bytes: 1, sha256: sha256Buffer('a'), key: 'k' }] }));
  writeFileSync(join(root, 'cells', 'a.png'), 'a');
  writeFileSync(join(root, 'cells', '.b.png.smearlab-tmp-99999'), 'half');
  writeFileSync(join(root, LOCK_NAME), JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), startedAt: 'then' }));
  writeFileSync(join(root, '.DS_Store'), 'finder');
  const target = await ExportTarget.open(root, { fsync: false });
  assert.ok(!existsSync(join(root, MANIFEST_NAME)), 'a partial export never shows an old manifest');
  assert.deepEqual(readdirSync(join(root, 'cells')), ['a.png']);
  assert.ok(await target.unchanged('cells/a.png', { key: 'k' }), 'files the old manifest lists can still be skipped');
  assert.equal(JSON.parse(readFileSync(join(root, LOCK_NAME), 'utf8')).pid, process.pid);
  await target.close(true);
});

test('refuses a folder with foreign files, and a folder locked by a live process', async (t) => {
  const root = await folder(t);
  mkdirSync(root);
  writeFileSync(join(root, 'holiday.jpg'), 'x');
  await assert.rejects(ExportTarget.open(root, { fsync: false }), (err: unknown) => err instanceof DatasetError && err.code === 'target-not-empty');
  const locked = `${root}-locked`;
  mkdirSync(locked);
  writeFileSync(join(locked, LOCK_NAME), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), startedAt: 'now' }));
  await assert.rejects(ExportTarget.open(locked, { fsync: false }), (err: unknown) => err instanceof DatasetError && err.code === 'target-busy');
  const other = `${root}-other-host`;
  mkdirSync(other);
  writeFileSync(join(other, LOCK_NAME), JSON.stringify({ pid: 1, host: 'lab-pc-2', startedAt: 'now' }));
  await assert.rejects(ExportTarget.open(other, { fsync: false }), /process 1 on lab-pc-2.*delete .*smearlab-export.lock/);
});
