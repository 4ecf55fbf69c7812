// Counters updated from label changes must equal a full recount after any
// sequence of labels, clears, flags, undos and redos; stale entries recount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCountsCache } from '../../../src-main/api/counts-cache.ts';
import { MEMORY_DATABASE, openStore } from '../../../src-main/store/index.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import { seededRng } from '../../../src-main/domain/random.ts';
import { isEditChange } from '../../../src-main/domain/label.ts';

test('delta-updated counters equal a recount after 300 random label events', () => {
  const store = openStore(MEMORY_DATABASE);
  try {
    const slideId = store.upsertSlide({ path: '/s/c.mrxs', format: 'mirax', width: 4000, height: 2000 }).slide.id;
    store.planSlices(slideId, [{ x: 0, y: 0, width: 2000, height: 2000 }]);
    const sliceId = store.listSlices(slideId)[0]!.id;
    const cells = store.commitSliceCells(sliceId, Array.from({ length: 12 }, (_, i) => ({
      box: { x: 100 * i, y: 100, width: 50, height: 50 }, centre: { x: 100 * i + 25, y: 125 },
    }))).cells.map((c) => c!.id);
    const annotator = store.ensureAnnotator('Dee').id;
    let recounts = 0;
    const cache = createCountsCache((id) => {
      recounts++;
      return store.classCounts(id);
    }, () => 0);
    cache.get(slideId);
    const rng = seededRng(7);
    const random = () => rng.next();
    const labels: Array<CellClassName | null> = ['healthy', 'rubbish', 'unhealthy', 'bothcells', null];
    for (let i = 0; i < 300; i++) {
      const cellId = cells[Math.floor(random() * cells.length)]!;
      const roll = random();
      const change = roll < 0.5 ? store.applyLabel(cellId, labels[Math.floor(random() * labels.length)]!, annotator)
        : roll < 0.7 ? store.setFlag(cellId, random() < 0.5, annotator)
          : roll < 0.85 ? store.undo(annotator) : store.redo(annotator);
      if (!change || isEditChange(change)) continue;
      assert.deepEqual(cache.applyChange(slideId, change.previous, change.current), store.classCounts(slideId), `step ${i}`);
    }
    assert.equal(recounts, 1);
  } finally {
    store.close();
  }
});

test('an entry older than the limit, or invalidated, is recounted', () => {
  let clock = 0;
  let recounts = 0;
  const counts = { total: 1, labelled: 0, unlabelled: 1, flagged: 0, byClass: { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0 } };
  const cache = createCountsCache(() => {
    recounts++;
    return structuredClone(counts);
  }, () => clock, 1000);
  cache.get(1);
  clock = 999;
  const changed = cache.applyChange(1, { label: null, flagged: false }, { label: 'healthy', flagged: true });
  assert.deepEqual([changed.labelled, changed.unlabelled, changed.byClass.healthy, changed.flagged, recounts], [1, 0, 1, 1, 1]);
  changed.byClass.healthy = 99; // callers get copies
  assert.equal(cache.get(1).byClass.healthy, 1);
  clock = 1000;
  assert.equal(cache.get(1).labelled, 0);
  assert.equal(recounts, 2);
  cache.invalidate(1);
  cache.get(1);
  assert.equal(recounts, 3);
});

test('a change that finds its entry stale answers from it at once and recounts right after', async () => {
  let clock = 0;
  let recounts = 0;
  const counts = { total: 2, labelled: 0, unlabelled: 2, flagged: 0, byClass: { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0 } };
  const cache = createCountsCache(() => {
    recounts++;
    return structuredClone(counts);
  }, () => clock, 1000);
  cache.get(1);
  clock = 5000;
  const changed = cache.applyChange(1, { label: null, flagged: false }, { label: 'rubbish', flagged: false });
  assert.deepEqual([changed.labelled, changed.byClass.rubbish, recounts], [1, 1, 1]);
  counts.labelled = 1;
  counts.unlabelled = 1;
  counts.byClass.rubbish = 1;
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(recounts, 2);
  assert.deepEqual(cache.get(1), counts);
});
