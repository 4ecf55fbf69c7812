// The ingest job end to end with real OpenSlide, real segmenters and a real
// SQLite file, on the tiny synthetic slide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { startIngestJob } from '../../../src-main/pipeline/ingest/ingest-job.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore } from '../../../src-main/store/index.ts';

async function tempDb(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-ingest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'smearlab.db');
}

test('ingest in a worker: slices done, cells stored with full boxes, provider recorded, FOV mask written', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = await tempDb(t);
  const job = startIngestJob({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical' });
  const progress: number[] = [];
  job.events.on('progress', (p) => progress.push(p.slicesDone));
  const result = await job.result;
  assert.equal(result.state, 'done');
  assert.equal(result.provider, 'cpu');
  assert.ok(result.slicesTotal > 0 && result.slicesDone === result.slicesTotal);
  assert.ok(result.cells > 5, `cells ${result.cells}`);
  assert.equal(progress.at(-1), result.slicesTotal, 'last progress event reports every slice');

  const store = openStore(dbPath);
  try {
    const [record] = store.listSlides();
    assert.ok(record);
    assert.equal(record.format, 'mirax');
    assert.equal(record.width, slide.width);
    assert.ok(record.fovMaskPath && existsSync(record.fovMaskPath), 'FOV mask PNG exists');
    const job = store.latestJob(record.id, 'ingest');
    assert.equal(job?.state, 'done');
    assert.equal(job?.provider, 'cpu');
    assert.ok(job?.timings && job.timings.segment! > 0);
    const cells = store.listCells(record.id);
    assert.equal(cells.length, result.cells);
    for (const c of cells) {
      assert.ok(c.box.x >= 0 && c.box.y >= 0 && c.box.x + c.box.width <= slide.width && c.box.y + c.box.height <= slide.height);
      // Whole-cell mode: each cell belongs to the slice holding its centre.
      assert.ok(c.centre.x >= c.sliceX && c.centre.x < c.sliceX + 2000 && c.centre.y >= c.sliceY && c.centre.y < c.sliceY + 2000);
      assert.ok(c.area !== null && c.area > 0);
      assert.ok(c.kind === 'cell' || c.kind === 'cluster');
      if (c.nucleus) assert.deepEqual(c.nucleus, c.centre, 'a cell is where its nucleus is');
    }
  } finally {
    store.close();
  }

  const again = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical' }));
  assert.equal(again.state, 'skipped', 're-ingesting a finished slide is a no-op');
  assert.equal(again.cells, result.cells);
  const forced = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', force: true }));
  assert.equal(forced.state, 'done');
  const store2 = openStore(dbPath);
  try {
    assert.equal(store2.listCells(store2.listSlides()[0]!.id).length, result.cells, 'forced re-ingest replaces, never duplicates');
  } finally {
    store2.close();
  }
});

test('paper mode clamps boxes to the slice; whole-cell mode may cross it', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = await tempDb(t);
  const result = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', mode: 'paper', sliceSize: 1000 }));
  assert.equal(result.state, 'done');
  const store = openStore(dbPath);
  try {
    for (const c of store.listCells(store.listSlides()[0]!.id)) {
      assert.ok(c.box.x >= c.sliceX && c.box.x + c.box.width <= c.sliceX + 1000, `box ${JSON.stringify(c.box)} in slice ${c.sliceX}`);
      assert.ok(c.box.y >= c.sliceY && c.box.y + c.box.height <= c.sliceY + 1000);
    }
  } finally {
    store.close();
  }
});

test('a wrong model fails before any job or slide row exists, naming the file', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = await tempDb(t);
  const job = startIngestJob({ slidePath: slide.mrxsPath, dbPath, segmenter: 'onnx', model: 'no-such-model' });
  await assert.rejects(job.result, /no-such-model/);
  assert.equal(existsSync(dbPath), false, 'database never opened');
});

test('a missing slide and malformed options give clear errors', async (t) => {
  const dbPath = await tempDb(t);
  await assert.rejects(startIngestJob({ slidePath: '/nonexistent/scan.mrxs', dbPath, segmenter: 'classical' }).result, /not found.*scan\.mrxs/i);
  assert.throws(() => startIngestJob({ slidePath: 'x.mrxs', sliceSize: 7 } as never), /sliceSize/);
  assert.throws(() => parseIngestOptions({ slidePath: '' }), /slide path is empty/);
});

test('cancellation stops between slices; the next run resumes and finishes with no duplicates', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const dbPath = await tempDb(t);
  const job = startIngestJob({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', sliceSize: 512, concurrency: 1 });
  job.events.on('progress', (p) => { if (p.slicesDone >= 2) job.cancel(); });
  const first = await job.result;
  assert.equal(first.state, 'cancelled');
  assert.ok(first.slicesDone < first.slicesTotal);
  const second = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', sliceSize: 512 }));
  assert.equal(second.state, 'done');
  assert.equal(second.slicesDone, second.slicesTotal);

  const reference = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath: await tempDb(t), segmenter: 'classical', sliceSize: 512 }));
  const store = openStore(dbPath);
  try {
    const cells = store.listCells(store.listSlides()[0]!.id);
    assert.equal(cells.length, reference.cells, 'cancelled + resumed run stores exactly the cells of an uninterrupted one');
    const keys = new Set(cells.map((c) => `${c.box.x},${c.box.y},${c.box.width},${c.box.height}`));
    assert.equal(keys.size, cells.length, 'no duplicate boxes');
  } finally {
    store.close();
  }
});

test('slice lanes: two lanes (the ingest thread and a slice worker) store exactly the cells one lane does', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const cellsOf = (dbPath: string) => {
    const store = openStore(dbPath);
    try {
      return store.listCells(store.listSlides()[0]!.id)
        .map((c) => [c.sliceX, c.sliceY, c.box.x, c.box.y, c.box.width, c.box.height, c.kind, c.area, c.nucleusArea].join(' '))
        .sort();
    } finally {
      store.close();
    }
  };
  const one = await tempDb(t);
  const two = await tempDb(t);
  // 512 px slices: enough of them on the tiny slide for a slice worker to start.
  const single = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath: one, segmenter: 'onnx', sliceSize: 512, concurrency: 1 }));
  const lanes = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath: two, segmenter: 'onnx', sliceSize: 512, concurrency: 2 }));
  assert.equal(single.lanes, 1);
  assert.equal(lanes.lanes, 2);
  assert.equal(lanes.state, 'done');
  assert.equal(lanes.slicesDone, single.slicesDone);
  assert.deepEqual(cellsOf(two), cellsOf(one));
  assert.ok(lanes.timings.slices! > 0 && lanes.timings.segment! > 0 && lanes.timings.extract! > 0);
});
