// Ingest of real MIRAX copies with corrupt JPEG tiles (zeroed image blobs):
// the FOV and the slices read around the damage, the damaged areas are stored
// with the slide, cells are found as on the clean slide, and a slice fails
// only when none of it can be read at any level.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxesIntersect } from '../../../src-main/domain/geometry.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import type { IngestResult } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { startBrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { SlideDetail, SlideListEntry } from '../../../src-main/api/views.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { copyMiraxSlide, zeroDataBytes } from '../../fixtures/corrupt-slide.ts';
import type { IndexItem, MiraxCopy } from '../../fixtures/corrupt-slide.ts';
import { miraxGeometry } from '../slide/mirax-geometry.ts';
import type { MiraxGeometry } from '../slide/mirax-geometry.ts';

const SLICE = 512;
const REASON = /^Not a JPEG file/;
let tiny: SyntheticSlide;
let geometry: MiraxGeometry;
let clean: { result: IngestResult; cellsBySlice: Map<string, number> };

type TestContext = { after(fn: () => Promise<void>): void };

async function tempDb(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-ingest-damaged-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'smearlab.db');
}

async function damagedCopy(t: TestContext): Promise<MiraxCopy> {
  const copy = await copyMiraxSlide(tiny.mrxsPath);
  t.after(() => copy.dispose());
  return copy;
}

function ingest(slidePath: string, dbPath: string): Promise<IngestResult> {
  return runIngest(parseIngestOptions({ slidePath, dbPath, segmenter: 'classical', sliceSize: SLICE }));
}

function cellsBySlice(dbPath: string): Map<string, number> {
  const store = openStore(dbPath);
  try {
    return new Map(store.listSlices(store.listSlides()[0]!.id).map((s) => [`${s.x}_${s.y}`, s.cellCount ?? 0]));
  } finally {
    store.close();
  }
}

/** Level-0 area of a level-k image (zero-overlap slide: 2^k images per side). */
function imageArea(item: IndexItem, level: number): Box {
  const [x, y] = geometry.origin(item.imageIndex);
  const side = 2 ** level;
  return { x, y, width: geometry.imageWidth * side, height: geometry.imageHeight * side };
}

/** The level-k image nearest the slide centre (in the middle of the smear). */
function centralImage(level: number): IndexItem {
  const centre = (i: IndexItem) => {
    const a = imageArea(i, level);
    return Math.hypot(a.x + a.width / 2 - tiny.width / 2, a.y + a.height / 2 - tiny.height / 2);
  };
  return [...geometry.items[level]!].sort((a, b) => centre(a) - centre(b))[0]!;
}

async function zeroImage(copy: MiraxCopy, item: IndexItem): Promise<void> {
  await zeroDataBytes(copy, item.fileNumber, item.offset, item.length);
}

before(async () => {
  tiny = await ensureFixtureSlide('tiny');
  geometry = await miraxGeometry(tiny.mrxsPath);
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-ingest-clean-'));
  try {
    const dbPath = join(dir, 'smearlab.db');
    clean = { result: await ingest(tiny.mrxsPath, dbPath), cellsBySlice: cellsBySlice(dbPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('corrupt JPEG tiles at the FOV level and the slice level: ingested to done, damage stored, cells as on the clean slide', async (t) => {
  const copy = await damagedCopy(t);
  // The FOV reads the top level (downsample 16); slices are read at 0.5 um/px, level 1 of this 0.25 um/px slide.
  const top = geometry.levels.length - 1;
  const fovTile = geometry.items[top]![0]!;
  const sliceTile = centralImage(1);
  await zeroImage(copy, fovTile);
  await zeroImage(copy, sliceTile);
  const sliceTileArea = imageArea(sliceTile, 1);

  const dbPath = await tempDb(t);
  const result = await ingest(copy.mrxsPath, dbPath);
  assert.equal(result.state, 'done', result.message);
  assert.equal(result.slicesFailed, 0);
  assert.equal(result.slicesTotal, clean.result.slicesTotal, 'the FOV read around its damage plans the same slices');
  assert.equal(result.error, null);
  assert.match(result.warnings.join('\n'), /the scan has \d+ damaged region\(s\) \([\d.]+% of the smear\)/);

  const store = openStore(dbPath);
  try {
    const slideId = store.listSlides()[0]!.id;
    const regions = store.listDamagedRegions(slideId);
    const atTop = regions.filter((r) => r.level === top);
    const atSlice = regions.filter((r) => r.level === 1);
    assert.ok(atTop.length > 0, 'the FOV level\'s damage is stored');
    assert.ok(atTop.every((r) => r.recoveredFrom === top - 1 && REASON.test(r.reason)), JSON.stringify(atTop));
    assert.ok(atSlice.length > 0, 'the slice level\'s damage is stored');
    for (const r of atSlice) {
      assert.equal(r.recoveredFrom, 0, 'level 1 damage read from level 0');
      assert.match(r.reason, REASON);
      assert.ok(boxesIntersect(r.box, sliceTileArea), `${JSON.stringify(r.box)} lies on the damaged image ${JSON.stringify(sliceTileArea)}`);
    }
    assert.deepEqual(regions.filter((r) => r.level !== top && r.level !== 1), [], 'no other level was damaged');
    const summary = store.damageSummary(slideId);
    assert.equal(summary.regions, regions.length);
    assert.ok(summary.smearFraction > 0 && summary.smearFraction <= 1, `${summary.smearFraction}`);
    assert.equal(summary.unreadableFraction, 0, 'every damaged pixel came from another level');

    // Cells: every slice has them where the clean slide has them, the damaged ones included.
    const damaged = cellsBySlice(dbPath);
    const hit = store.listSlices(slideId).filter((s) => boxesIntersect(s, sliceTileArea));
    assert.ok(hit.length > 0);
    for (const s of hit) {
      const before = clean.cellsBySlice.get(`${s.x}_${s.y}`) ?? 0;
      const after = damaged.get(`${s.x}_${s.y}`) ?? 0;
      assert.ok(Math.abs(after - before) <= Math.max(1, before * 0.2), `slice ${s.x}_${s.y}: ${after} cells, clean ${before}`);
    }
    assert.ok(Math.abs(result.cells - clean.result.cells) <= clean.result.cells * 0.1, `${result.cells} cells, clean ${clean.result.cells}`);
  } finally {
    store.close();
  }

  // The API shows it: getSlide lists the boxes for the viewer's hatching, listSlides the summary.
  const rendererDir = join(copy.root, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
  const mode = await startBrowserMode({ dbPath, rendererDir, log: () => undefined });
  try {
    const call = async <T>(operation: string, input: unknown): Promise<T> => {
      const response = await fetch(`${mode.server.baseUrl}api/${operation}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input),
      });
      assert.equal(response.status, 200, operation);
      return await response.json() as T;
    };
    const [entry] = await call<SlideListEntry[]>('listSlides', {});
    const detail = await call<SlideDetail>('getSlide', { slideId: entry!.id });
    const store3 = openStore(dbPath);
    try {
      const stored = store3.listDamagedRegions(entry!.id);
      assert.deepEqual(detail.damagedRegions, stored.map(({ box, level, reason, recoveredFrom }) => ({ box, level, reason, recoveredFrom })));
      assert.deepEqual(entry!.damage, store3.damageSummary(entry!.id));
      assert.equal(entry!.damage.regions, stored.length);
    } finally {
      store3.close();
    }
  } finally {
    await mode.close();
  }
  // `smearlab stats` says it too.
  const stats = spawnSync(process.execPath, ['src-main/cli/smearlab.mjs', 'stats', '--db', dbPath],
    { cwd: new URL('../../../', import.meta.url).pathname, encoding: 'utf8', timeout: 60_000 });
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /damaged: \d+ regions, \d+\.\d% of the smear/);

  // A rerun is skipped and records nothing twice.
  const again = await ingest(copy.mrxsPath, dbPath);
  assert.equal(again.state, 'skipped');
  const store2 = openStore(dbPath);
  try {
    const slideId = store2.listSlides()[0]!.id;
    const count = store2.listDamagedRegions(slideId).length;
    const forced = await runIngest(parseIngestOptions({ slidePath: copy.mrxsPath, dbPath, segmenter: 'classical', sliceSize: SLICE, force: true }));
    assert.equal(forced.state, 'done');
    assert.equal(store2.listDamagedRegions(slideId).length, count, 'the same damage met again is the same rows');
  } finally {
    store2.close();
  }
});

test('a slice with nothing readable at any level fails alone, saying where and why; the rest is done', async (t) => {
  const copy = await damagedCopy(t);
  const dbPath = await tempDb(t);
  // Plan on the intact file (the slide's quickhash covers only the top level, which stays intact).
  const planned = await runIngest(parseIngestOptions({ slidePath: copy.mrxsPath, dbPath, segmenter: 'classical', sliceSize: SLICE }),
    { cancel: { cancelled: true } });
  assert.equal(planned.state, 'cancelled');
  assert.equal(planned.slicesDone, 0);
  // Pick the busiest slice and destroy every image under its read area (with margin) on levels 0..3.
  const [busiest] = [...clean.cellsBySlice.entries()].sort((a, b) => b[1] - a[1]);
  const [sx, sy] = busiest![0].split('_').map(Number) as [number, number];
  const margin = 256;
  const readArea = { x: sx - margin, y: sy - margin, width: SLICE + 2 * margin, height: SLICE + 2 * margin };
  for (let level = 0; level < geometry.levels.length - 1; level++) {
    for (const item of geometry.items[level]!) if (boxesIntersect(imageArea(item, level), readArea)) await zeroImage(copy, item);
  }

  const result = await ingest(copy.mrxsPath, dbPath);
  assert.equal(result.state, 'failed');
  assert.equal(result.slicesFailed, 1, result.error ?? '');
  assert.equal(result.slicesDone, result.slicesTotal - 1);
  assert.match(result.error ?? '', new RegExp(`slice ${sx}_${sy}: Cannot read level 1 region .*Not a JPEG file`));
  const store = openStore(dbPath);
  try {
    const slideId = store.listSlides()[0]!.id;
    const failed = store.listSlices(slideId).filter((s) => s.state === 'failed');
    assert.deepEqual(failed.map((s) => `${s.x}_${s.y}`), [`${sx}_${sy}`]);
    // Its neighbours read around the same damage and record it, some of it unreadable at every level.
    const regions = store.listDamagedRegions(slideId);
    assert.ok(regions.some((r) => r.recoveredFrom === null), 'areas no level had are stored as such');
    assert.ok(store.damageSummary(slideId).unreadableFraction > 0);
  } finally {
    store.close();
  }
  const retry = await ingest(copy.mrxsPath, dbPath);
  assert.equal(retry.slicesFailed, 1, 'a rerun retries the failed slice, which fails again the same way');
});
