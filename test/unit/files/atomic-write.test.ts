// Atomic replacement on a real file system: the final name holds the old
// content or the new, never part of it, and no temporary file outlives a call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_MARK, copyFileAtomic, writeFileAtomic } from '../../../src-main/files/atomic-write.ts';

async function folder(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('replaces the file, with and without fsync, and leaves only the final name', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'state.json');
  writeFileSync(path, 'old');
  await writeFileAtomic(path, 'new text');
  assert.equal(readFileSync(path, 'utf8'), 'new text');
  await writeFileAtomic(path, Buffer.from([1, 2, 3]), { fsync: true });
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir), ['state.json']);
});

test('a write that fails half way leaves the old file intact and no temporary file', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'crop.png');
  writeFileSync(path, 'old content');
  // The first chunk reaches the temporary file, then the source fails (like a full disk mid-write).
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('half of the new ');
    throw new Error('source failed');
  }
  await assert.rejects(writeFileAtomic(path, failing() as unknown as Uint8Array, { fsync: true }), /source failed/);
  assert.equal(readFileSync(path, 'utf8'), 'old content');
  assert.deepEqual(readdirSync(dir), ['crop.png']);
});

test('a failed rename removes the temporary file', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'taken');
  // A non-empty folder under the final name: the data is written, the rename is refused.
  mkdirSync(join(path, 'inside'), { recursive: true });
  await assert.rejects(writeFileAtomic(path, 'data'), (err: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code ?? ''));
  assert.deepEqual(readdirSync(dir), ['taken']);
  assert.deepEqual(readdirSync(path), ['inside']);
});

test('a missing folder is an error unless makeFolder asks for it', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'a', 'b', 'file.txt');
  await assert.rejects(writeFileAtomic(path, 'x'), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), []);
  await writeFileAtomic(path, 'x', { makeFolder: true });
  assert.equal(readFileSync(path, 'utf8'), 'x');
});

test('copies atomically; a missing source leaves the old file and no temporary file', async (t) => {
  const dir = await folder(t);
  const source = join(dir, 'source.png');
  const dest = join(dir, 'dest.png');
  writeFileSync(source, 'pixels');
  writeFileSync(dest, 'old');
  await copyFileAtomic(source, dest, { fsync: true });
  assert.equal(readFileSync(dest, 'utf8'), 'pixels');
  await assert.rejects(copyFileAtomic(join(dir, 'gone.png'), dest), { code: 'ENOENT' });
  assert.equal(readFileSync(dest, 'utf8'), 'pixels');
  assert.deepEqual(readdirSync(dir).sort(), ['dest.png', 'source.png']);
});

test('concurrent writes to one name each use their own temporary file; one of them wins whole', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'window-state.json');
  const contents = Array.from({ length: 20 }, (_, i) => `${String(i).repeat(5000)}\n`);
  await Promise.all(contents.map((c) => writeFileAtomic(path, c)));
  assert.ok(contents.includes(readFileSync(path, 'utf8')));
  assert.deepEqual(readdirSync(dir), ['window-state.json']);
});

test('temporary names are hidden and carry the mark the export clears after a kill', async (t) => {
  const dir = await folder(t);
  const path = join(dir, 'x.txt');
  const seen: string[] = [];
  async function* spy(): AsyncGenerator<Uint8Array> {
    seen.push(...readdirSync(dir));
    yield Buffer.from('x');
  }
  await writeFileAtomic(path, spy() as unknown as Uint8Array);
  assert.equal(seen.length, 1);
  assert.match(seen[0] ?? '', new RegExp(`^\\.x\\.txt${TEMP_MARK.replace(/[.]/g, '\\.')}${process.pid}-\\d+$`));
});
