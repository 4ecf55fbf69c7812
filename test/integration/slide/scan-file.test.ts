// Things that are not scan files (a named pipe, a device, a socket, a folder,
// a MIRAX slide whose data file is a pipe) are refused before OpenSlide sees
// them, quickly, with a message saying what the thing is. OpenSlide's open()
// blocks on a pipe for good: every call here races a timeout, and on timeout
// the pipes are opened for writing so the blocked open returns and the suite
// fails instead of hanging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { miraxFileNames } from '../../../src-main/slide/scan-file.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { copyMiraxSlide, dataFilePaths, makeFifo, replaceDataFileWithFifo } from '../../fixtures/corrupt-slide.ts';
import type { MiraxCopy } from '../../fixtures/corrupt-slide.ts';

const QUICK_MS = 5000;
let dir = '';
const fifos: string[] = [];
const copies: MiraxCopy[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smearlab-scan-file-'));
});

after(async () => {
  for (const copy of copies) await copy.dispose();
  await rm(dir, { recursive: true, force: true });
});

function fifoAt(path: string): string {
  makeFifo(path);
  fifos.push(path);
  return path;
}

/** Opens every pipe for writing and closes it: a reader blocked in open() gets end-of-file. */
async function unblockFifos(): Promise<void> {
  const until = Date.now() + 2000;
  while (Date.now() < until) {
    for (const path of fifos) {
      const handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
      await handle?.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The promise's outcome, or a failure when it takes longer than QUICK_MS (a hang). */
async function quickly<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void unblockFifos().then(() => reject(new Error(`no answer within ${QUICK_MS} ms: it hung`)));
    }, QUICK_MS);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined);
  }
}

function refused(message: string | RegExp, path: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SlideError, `a SlideError, got ${String(err)}`);
    assert.equal(err.code, 'unsupported-format', err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    assert.equal(err.path, path);
    return true;
  };
}

test('a named pipe called a.mrxs is refused as a named pipe, without OpenSlide blocking on it', async () => {
  const path = fifoAt(join(dir, 'a.mrxs'));
  await assert.rejects(quickly(openSlide(path)), refused(`${path} is a named pipe (FIFO), not a scan file`, path));
});

test('/dev/zero is refused as a device', async () => {
  await assert.rejects(quickly(openSlide('/dev/zero')),
    refused('/dev/zero is a device (character device), not a scan file', '/dev/zero'));
});

test('a socket is refused as a socket', async (t) => {
  const path = join(dir, 'listening.svs');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await assert.rejects(quickly(openSlide(path)), refused(`${path} is a socket, not a scan file`, path));
});

test('a folder is refused as a folder', async () => {
  const path = join(dir, 'folder.mrxs');
  await mkdir(path);
  await assert.rejects(quickly(openSlide(path)), refused(`${path} is a folder, not a scan file`, path));
});

test('a MIRAX slide whose data file is a named pipe is refused, naming the data file', async () => {
  const copy = await copyMiraxSlide((await ensureFixtureSlide('tiny')).mrxsPath);
  copies.push(copy);
  const data = await replaceDataFileWithFifo(copy, 0);
  fifos.push(data);
  await assert.rejects(quickly(openSlide(copy.mrxsPath)),
    refused(`${data}, part of this MIRAX slide, is a named pipe (FIFO), not a scan file (${copy.mrxsPath})`, copy.mrxsPath));
});

test('a MIRAX slide whose Slidedat.ini is a named pipe is refused, naming it', async () => {
  const copy = await copyMiraxSlide((await ensureFixtureSlide('tiny')).mrxsPath);
  copies.push(copy);
  const slidedat = join(copy.dataDir, 'Slidedat.ini');
  await rm(slidedat);
  fifoAt(slidedat);
  await assert.rejects(quickly(openSlide(copy.mrxsPath)),
    refused(new RegExp(`^${slidedat}, part of this MIRAX slide, is a named pipe \\(FIFO\\)`), copy.mrxsPath));
});

test('ingest of a named pipe or of a slide with a piped data file fails quickly with the same message', async (t) => {
  const dbDir = await mkdtemp(join(tmpdir(), 'smearlab-scan-file-db-'));
  t.after(() => rm(dbDir, { recursive: true, force: true }));
  const dbPath = join(dbDir, 'smearlab.db');
  const pipe = fifoAt(join(dir, 'ingest-me.mrxs'));
  await assert.rejects(quickly(runIngest(parseIngestOptions({ slidePath: pipe, dbPath, segmenter: 'classical' }))),
    refused(`${pipe} is a named pipe (FIFO), not a scan file`, pipe));
  const copy = await copyMiraxSlide((await ensureFixtureSlide('tiny')).mrxsPath);
  copies.push(copy);
  const data = await replaceDataFileWithFifo(copy, 0);
  fifos.push(data);
  await assert.rejects(quickly(runIngest(parseIngestOptions({ slidePath: copy.mrxsPath, dbPath, segmenter: 'classical' }))),
    refused(new RegExp(`^${data}, part of this MIRAX slide, is a named pipe`), copy.mrxsPath));
});

test('detectSlideFormat answers null for a named pipe instead of blocking the thread', () => {
  // detectSlideFormat is synchronous: a hang can only be caught from outside, in a child process.
  const path = fifoAt(join(dir, 'detect.mrxs'));
  const reader = new URL('../../../src-main/slide/openslide-reader.ts', import.meta.url).pathname;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `const { detectSlideFormat } = await import(${JSON.stringify(reader)}); console.log(JSON.stringify(detectSlideFormat(${JSON.stringify(path)})));`],
  { encoding: 'utf8', timeout: 20_000 });
  assert.equal(child.signal, null, `killed by ${child.signal}: it hung`);
  assert.equal(child.stdout.trim(), 'null', child.stderr);
});

test('miraxFileNames reads the index and data file names, whatever else the file holds', async () => {
  const slide = await ensureFixtureSlide('tiny');
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(join(slide.mrxsPath.replace(/\.mrxs$/, ''), 'Slidedat.ini'), 'utf8');
  const names = miraxFileNames(text);
  const data = (await dataFilePaths(slide.mrxsPath)).map((p) => p.slice(p.lastIndexOf('/') + 1));
  assert.deepEqual(names, ['Index.dat', ...data]);
  assert.deepEqual(miraxFileNames('\uFEFF[DATAFILE]\r\nFILE_COUNT = 2\r\nFILE_0 = a.dat\r\nFILE_1=b.dat\r\n[OTHER]\r\nFILE_2 = c.dat\r\n'), ['a.dat', 'b.dat']);
});
