// A scan that is not where a merged slide says: the reader's workstation shows
// the crops the work package carried, then finds the scan by its quickhash
// under a scan folder (or at a path the reader gives), and tiles come back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { CellView, SlideDetail, SlideListEntry, WorkMerged, WorkPackWritten } from '../../../src-main/api/views.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { startBrowserMode, type BrowserMode } from '../../../src-main/server/browser-mode.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { TEST_INDEX_HTML } from './api-fixture.ts';

let dir: string;
const modes: BrowserMode[] = [];

async function serve(dbPath: string): Promise<{ call: <T>(op: string, input?: unknown) => Promise<{ status: number; body: T }>; mode: BrowserMode }> {
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), TEST_INDEX_HTML);
  const mode = await startBrowserMode({ dbPath, rendererDir, ingestDefaults: { segmenter: 'classical' }, log: () => undefined });
  modes.push(mode);
  return {
    mode,
    async call<T>(operation: string, input: unknown = {}) {
      const r = await fetch(`${mode.server.baseUrl}api/${operation}`, { method: 'POST', body: JSON.stringify(input), headers: { 'Content-Type': 'application/json' } });
      return { status: r.status, body: await r.json() as T };
    },
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smearlab-moved-'));
});
after(async () => {
  for (const m of modes) await m.close();
  await rm(dir, { recursive: true, force: true });
});

test('crops travel with the package; the moved scan is found by quickhash and tiles come back', async () => {
  const tiny = await ensureFixtureSlide('tiny');
  // The scan as it sits on the scanner PC (a MIRAX file and its folder).
  const scanner = join(dir, 'scanner');
  await mkdir(scanner);
  const scan = join(scanner, 'smear-7.mrxs');
  await cp(tiny.mrxsPath, scan);
  await cp(tiny.mrxsPath.replace(/\.mrxs$/, ''), join(scanner, 'smear-7'), { recursive: true });
  const aDb = join(dir, 'A.db');
  await runIngest(parseIngestOptions({ slidePath: scan, dbPath: aDb, segmenter: 'classical' }));
  const a = await serve(aDb);
  const missing = await a.call<ApiError>('packWork', { file: join(dir, 'usb', 'work'), crops: true });
  assert.deepEqual([missing.status, missing.body.code], [422, 'file-failed'], 'the stick is not mounted yet');
  assert.ok(missing.body.message.includes(join(dir, 'usb', 'work.smearlab-work')), missing.body.message);
  await mkdir(join(dir, 'usb'));
  const written = await a.call<WorkPackWritten>('packWork', { file: join(dir, 'usb', 'work'), crops: true });
  assert.equal(written.status, 200, JSON.stringify(written.body));
  assert.ok(written.body.cells > 0 && written.body.crops === written.body.cells, `${written.body.crops} crops for ${written.body.cells} cells`);

  // The scan goes onto the stick; the reader's PC (B) merges the package.
  const stick = join(dir, 'usb', 'scans', 'day-1');
  await mkdir(stick, { recursive: true });
  await rename(scan, join(stick, 'smear-7.mrxs'));
  await rename(join(scanner, 'smear-7'), join(stick, 'smear-7'));
  const b = await serve(join(dir, 'B.db'));
  const merged = await b.call<WorkMerged>('mergeWork', { files: [written.body.file] });
  assert.equal(merged.status, 200, JSON.stringify(merged.body));
  const listed = (await b.call<SlideListEntry[]>('listSlides')).body[0]!;
  assert.equal(listed.scanAvailable, false, 'the library knows the scan is not here');
  const slideId = listed.id;
  const detail = await b.call<SlideDetail>('getSlide', { slideId });
  assert.equal(detail.body.dziUrl, null, 'the scan is not where the package says');
  const cell = (await b.call<{ cells: Array<CellView & { cropUrl: string }> }>('gallery', { slideId, limit: 1 })).body.cells[0]!;
  const crop = await fetch(cell.cropUrl);
  assert.equal(crop.status, 200, 'the crop the package carried');
  const meta = await sharp(Buffer.from(await crop.arrayBuffer())).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.ok(Math.max(meta.width!, meta.height!) <= 160);

  const noFolders = await b.call<ApiError>('locateScan', { slideId });
  assert.deepEqual([noFolders.status, noFolders.body.code], [404, 'not-found']);
  assert.match(noFolders.body.message, /no scan folders/);
  const wrong = await b.call<ApiError>('locateScan', { slideId, path: (await ensureFixtureSlide('demo')).mrxsPath });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body.message, /is not the scan of smear-7/);
  assert.deepEqual((await b.call<{ folders: string[] }>('scanFolders', { folders: [join(dir, 'usb')] })).body.folders, [join(dir, 'usb')]);
  const found = await b.call<SlideListEntry>('locateScan', { slideId });
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.equal(found.body.path, join(stick, 'smear-7.mrxs'));
  assert.equal(found.body.scanAvailable, true);
  const back = await b.call<SlideDetail>('getSlide', { slideId });
  assert.ok(back.body.dziUrl, 'tiles come back from the found scan');
  assert.equal(dirname(found.body.path), stick);
});
