// kill -9 mid-ingest, run again: the job continues from the last completed
// slice and the database holds exactly the cells of an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore } from '../../../src-main/store/index.ts';

const bin = fileURLToPath(new URL('../../../src-main/cli/smearlab.mjs', import.meta.url));

function cellKeys(dbPath: string): string[] {
  const store = openStore(dbPath);
  try {
    const slide = store.listSlides()[0];
    assert.ok(slide);
    return store.listCells(slide.id).map((c) => `${c.sliceX}_${c.sliceY}:${c.box.x},${c.box.y},${c.box.width},${c.box.height}`).sort();
  } finally {
    store.close();
  }
}

test('an ingest killed with SIGKILL resumes where it stopped, with no duplicate or half-written cells', async (t) => {
  const slide = await ensureFixtureSlide('tiny');
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-kill-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'smearlab.db');
  const args = [bin, 'ingest', slide.mrxsPath, '--db', dbPath, '--segmenter', 'classical', '--slice-size', '512'];

  // Kill the child as soon as the database shows a few finished slices.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let killedAt = -1;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 600 && killedAt < 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      const store = openStore(dbPath);
      try {
        const slideRow = store.listSlides()[0];
        const done = slideRow ? store.sliceProgress(slideRow.id).done : 0;
        if (done >= 3) { child.kill('SIGKILL'); killedAt = done; }
      } finally {
        store.close();
      }
    } catch {
      // The database may not exist yet, or be mid-migration: try again.
    }
  }
  await exited;
  assert.ok(killedAt >= 3, 'child was killed mid-job');

  const store = openStore(dbPath);
  let total = 0;
  try {
    const slideId = store.listSlides()[0]!.id;
    const progress = store.sliceProgress(slideId);
    total = progress.total;
    assert.ok(progress.done < progress.total, `killed before the end (${progress.done}/${progress.total})`);
    // Every finished slice has exactly its committed cells; unfinished ones have none.
    for (const s of store.listSlices(slideId)) {
      const n = store.cellsOfSlice(s.id).length;
      if (s.state === 'done') assert.equal(n, s.cellCount);
      else assert.equal(n, 0, `slice ${s.x}_${s.y} (${s.state}) holds no half-written cells`);
    }
  } finally {
    store.close();
  }

  const resumed = await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath, segmenter: 'classical', sliceSize: 512 }));
  assert.equal(resumed.state, 'done');
  assert.equal(resumed.slicesTotal, total);
  assert.ok(resumed.slicesDone === total);

  const referenceDb = join(dir, 'reference.db');
  await runIngest(parseIngestOptions({ slidePath: slide.mrxsPath, dbPath: referenceDb, segmenter: 'classical', sliceSize: 512 }));
  assert.deepEqual(cellKeys(dbPath), cellKeys(referenceDb));
});
