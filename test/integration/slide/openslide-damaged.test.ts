// Damaged MIRAX slides through the OpenSlide reader: every failure is a
// SlideError that says what and where, a bad tile does not kill the slide
// (the reader reopens it), and the process keeps running (this file getting
// to its end proves that).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import type { SlideErrorCode } from '../../../src-main/slide/slide-error.ts';
import type { SlideReader } from '../../../src-main/slide/slide-reader.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { writeSyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import {
  copyMiraxSlide, corruptIndexTables, corruptIndexVersion, makeTextFileSlide, removeDataFile,
  truncateDataFile, zeroDataBytes,
} from '../../fixtures/corrupt-slide.ts';
import type { IndexItem, MiraxCopy } from '../../fixtures/corrupt-slide.ts';
import { miraxGeometry } from './mirax-geometry.ts';
import type { MiraxGeometry } from './mirax-geometry.ts';

let tiny: SyntheticSlide;
let tinyGeometry: MiraxGeometry;
/** The tiny slide again, spread over several data files: the last one holds the top level and position map. */
let multi: SyntheticSlide;
let multiGeometry: MiraxGeometry;
let workDir = '';
const copies: MiraxCopy[] = [];

before(async () => {
  tiny = await ensureFixtureSlide('tiny');
  tinyGeometry = await miraxGeometry(tiny.mrxsPath);
  workDir = await mkdtemp(join(tmpdir(), 'smearlab-damaged-'));
  multi = await writeSyntheticSlide({ size: 'tiny', outDir: workDir, formats: ['mirax'], maxDataFileBytes: 256 * 1024 });
  multiGeometry = await miraxGeometry(multi.mrxsPath);
});

after(async () => {
  for (const copy of copies) await copy.dispose();
  await rm(workDir, { recursive: true, force: true });
});

async function copyOf(slide: SyntheticSlide): Promise<MiraxCopy> {
  const copy = await copyMiraxSlide(slide.mrxsPath);
  copies.push(copy);
  return copy;
}

function slideError(code: SlideErrorCode, message: RegExp, path: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SlideError, `a SlideError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.equal(err.path, path);
    assert.ok(err.message.includes(path), 'the message names the slide');
    return true;
  };
}

/** A 128 x 128 region in the middle of level-0 image `item`. */
function regionOf(geometry: MiraxGeometry, item: IndexItem): [number, number, number, number, number] {
  const [x, y] = geometry.origin(item.imageIndex);
  return [x + 64, y + 64, 0, 128, 128];
}

async function expectReadable(reader: SlideReader, region: [number, number, number, number, number]): Promise<void> {
  const image = await reader.readRegion(...region);
  assert.ok(image.data.some((v, i) => i % 4 === 3 && v === 255), `region ${region.join(',')} has pixels`);
}

test('a text file named x.mrxs is unsupported-format, with the missing folder named', async () => {
  const path = await makeTextFileSlide(workDir, 'x.mrxs');
  await assert.rejects(openSlide(path), slideError('unsupported-format', /data folder .*\/x with Slidedat\.ini is missing/, path));
});

test('missing data file (single-file slide): open fails naming the file', async () => {
  const copy = await copyOf(tiny);
  const removed = await removeDataFile(copy, 0);
  await assert.rejects(openSlide(copy.mrxsPath),
    slideError('openslide', new RegExp(`Couldn't open .*${basename(removed)}: No such file`), copy.mrxsPath));
});

test('missing data file holding only tiles: the slide opens, reads there fail naming the file', async () => {
  const copy = await copyOf(multi);
  const removed = await removeDataFile(copy, 1);
  const reader = await openSlide(copy.mrxsPath);
  try {
    const lost = multiGeometry.items[0]!.find((i) => i.fileNumber === 1)!;
    const kept = multiGeometry.items[0]!.find((i) => i.fileNumber === 0)!;
    await assert.rejects(reader.readRegion(...regionOf(multiGeometry, lost)),
      slideError('openslide', new RegExp(`Cannot read level 0 region .*${basename(removed)}`), copy.mrxsPath));
    await expectReadable(reader, regionOf(multiGeometry, kept));
  } finally {
    reader.close();
  }
});

test('data file truncated to half (single-file slide): open fails with OpenSlide\'s reason', async () => {
  const copy = await copyOf(tiny);
  await truncateDataFile(copy, { fileNumber: 0, fraction: 0.5 });
  // The position map sits at the end of the only data file.
  await assert.rejects(openSlide(copy.mrxsPath), slideError('openslide', /Cannot read slide position record/, copy.mrxsPath));
});

test('data file truncated to half: a read in the cut part fails, the next good read works (reopen)', async () => {
  const copy = await copyOf(multi);
  const { size } = await truncateDataFile(copy, { fileNumber: 0, fraction: 0.5 });
  const level0 = multiGeometry.items[0]!;
  const cut = level0.find((i) => i.fileNumber === 0 && i.offset >= size);
  const intact = level0.filter((i) => i.fileNumber === 0 && i.offset + i.length < size);
  assert.ok(cut && intact.length >= 2, 'the cut removes some level-0 images and keeps others');
  const reader = await openSlide(copy.mrxsPath);
  try {
    await assert.rejects(reader.readRegion(...regionOf(multiGeometry, cut)),
      slideError('openslide', /Cannot read level 0 region at \(\d+, \d+\) size 128x128: /, copy.mrxsPath));
    await expectReadable(reader, regionOf(multiGeometry, intact[0]!));
    // Fails again, and again the slide survives it.
    await assert.rejects(reader.readRegion(...regionOf(multiGeometry, cut)), { code: 'openslide' });
    await expectReadable(reader, regionOf(multiGeometry, intact[1]!));
  } finally {
    reader.close();
  }
});

test('a damaged image blob fails alone: good reads in flight beside it still succeed', async () => {
  const copy = await copyOf(tiny);
  const level0 = tinyGeometry.items[0]!;
  const bad = level0[Math.floor(level0.length / 2)]!;
  await zeroDataBytes(copy, bad.fileNumber, bad.offset, 64);
  const reader = await openSlide(copy.mrxsPath);
  try {
    const good = level0.filter((i) => i.imageIndex !== bad.imageIndex).slice(0, 12).map((i) => regionOf(tinyGeometry, i));
    const results = await Promise.allSettled([
      reader.readRegion(...regionOf(tinyGeometry, bad)),
      ...good.map((region) => reader.readRegion(...region)),
    ]);
    const [first, ...rest] = results;
    assert.equal(first?.status, 'rejected');
    const message = String((first as PromiseRejectedResult).reason.message);
    assert.match(message, /Cannot read level 0 region .*: Not a JPEG file/);
    assert.doesNotMatch(message, /failed earlier/, 'the bad read reports its own failure');
    for (const [i, r] of rest.entries()) assert.equal(r.status, 'fulfilled', `good read ${i}: ${r.status === 'rejected' ? r.reason : ''}`);
    await expectReadable(reader, good[0]!);
  } finally {
    reader.close();
  }
});

test('Index.dat with a wrong version: open fails with OpenSlide\'s reason', async () => {
  const copy = await copyOf(tiny);
  await corruptIndexVersion(copy);
  await assert.rejects(openSlide(copy.mrxsPath), slideError('openslide', /Index\.dat doesn't have expected version/, copy.mrxsPath));
});

test('Index.dat with overwritten tables: open fails with OpenSlide\'s reason', async () => {
  const copy = await copyOf(tiny);
  await corruptIndexTables(copy);
  await assert.rejects(openSlide(copy.mrxsPath), slideError('openslide', /OpenSlide cannot open this mirax slide: \S/, copy.mrxsPath));
});
