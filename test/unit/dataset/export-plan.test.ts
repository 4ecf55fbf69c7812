// What an export will write, from a store built in memory: filters, names,
// split, and the clipping of a cell's full box to every slice it touches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExportOptions } from '../../../src-main/dataset/export-options.ts';
import { labelledParts, planExport } from '../../../src-main/dataset/export-plan.ts';
import { plannedFiles } from '../../../src-main/dataset/run-export.ts';
import { MEMORY_DATABASE, openStore, type Store } from '../../../src-main/store/index.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';

function storeWith(cells: Array<{ smear: string; box: Box; label?: CellClassName; flagged?: boolean }>): Store {
  const store = openStore(MEMORY_DATABASE, { now: () => Date.UTC(2025, 2, 4, 10) });
  const doctor = store.ensureAnnotator('Dr Plan');
  for (const smear of [...new Set(cells.map((c) => c.smear))]) {
    const { slide } = store.upsertSlide({ path: `/scans/${smear}.mrxs`, format: 'mirax', width: 4096, height: 4096, smearId: smear, quickhash: 'q' });
    // The ingest skipped the right and bottom strips (too little smear).
    store.planSlices(slide.id, [0, 2000].flatMap((y) => [0, 2000].map((x) => ({ x, y, width: 2000, height: 2000 }))));
    const slices = store.listSlices(slide.id);
    for (const s of slices) {
      const mine = cells.filter((c) => c.smear === smear && c.box.x + c.box.width / 2 >= s.x && c.box.x + c.box.width / 2 < s.x + 2000
        && c.box.y + c.box.height / 2 >= s.y && c.box.y + c.box.height / 2 < s.y + 2000);
      const committed = store.commitSliceCells(s.id, mine.map((c) => ({ box: c.box, centre: { x: c.box.x + c.box.width / 2, y: c.box.y + c.box.height / 2 } })));
      committed.cells.forEach((ref, i) => {
        const c = mine[i]!;
        if (c.label) store.applyLabel(ref!.id, c.label, doctor.id);
        if (c.flagged) store.setFlag(ref!.id, true, doctor.id);
      });
    }
  }
  return store;
}

test('a cell cut by the grid appears, clipped, in every slice it touches; its image once, named after its own slice', () => {
  const store = storeWith([
    { smear: 'P_1', box: { x: 1880, y: 1890, width: 250, height: 240 }, label: 'unhealthy' },
    { smear: 'P_1', box: { x: 3900, y: 100, width: 150, height: 150 }, label: 'rubbish' },
    { smear: 'P_1', box: { x: 100, y: 100, width: 150, height: 150 } },
  ]);
  const plan = planExport(store, parseExportOptions({ targetDir: '/x', split: { mode: 'none' } }));
  const [slide] = plan.slides;
  assert.ok(slide);
  assert.equal(slide.cells.length, 2, 'unlabelled cells are left out by default');
  const corner = slide.cells.find((c) => c.label === 'unhealthy')!;
  assert.equal(corner.imageName, 'P_1_2000-2000_1_5-10_2025-03-04.png');
  assert.equal(corner.imagePath, `cells/train/unhealthy/${corner.imageName}`);
  const bySlice = new Map(slide.slices.map((s) => [s.stem, labelledParts(s)]));
  assert.deepEqual(bySlice.get('P_1_0_0'), [{ label: 'unhealthy', box: { x: 1880, y: 1890, width: 120, height: 110 } }]);
  assert.deepEqual(bySlice.get('P_1_2000_0'), [
    { label: 'rubbish', box: { x: 1900, y: 100, width: 100, height: 150 } },
    { label: 'unhealthy', box: { x: 0, y: 1890, width: 130, height: 110 } },
  ], 'in reading order of the cells');
  assert.deepEqual(bySlice.get('P_1_0_2000'), [{ label: 'unhealthy', box: { x: 1880, y: 0, width: 120, height: 130 } }]);
  assert.deepEqual(bySlice.get('P_1_2000_2000'), [{ label: 'unhealthy', box: { x: 0, y: 0, width: 130, height: 130 } }]);
  const strip = slide.slices.find((s) => s.stem === 'P_1_4000_0')!;
  assert.ok(strip, 'a grid slice the ingest skipped still gets the part of a cell reaching into it');
  assert.equal(strip.record, null);
  assert.deepEqual([strip.width, strip.height], [96, 2000], 'clipped to the slide like every edge slice');
  assert.deepEqual(labelledParts(strip), [{ label: 'rubbish', box: { x: 0, y: 100, width: 50, height: 150 } }]);
  assert.equal(plan.slicesTotal, 5);
  const files = plannedFiles(plan, parseExportOptions({ targetDir: '/x' })).map((f) => f.path);
  assert.equal(files.filter((f) => f.startsWith('cells/')).length, 2);
  assert.equal(files.filter((f) => f.endsWith('.txt') && f.startsWith('slices/')).length, 5);
  assert.deepEqual(files.slice(-3), ['README.txt', 'SHA256SUMS', 'manifest.json'], 'manifest last');
  store.close();
});

test('label and flag filters; counts per split and class; annotators', () => {
  const store = storeWith([
    { smear: 'A', box: { x: 100, y: 100, width: 100, height: 100 }, label: 'healthy' },
    { smear: 'A', box: { x: 300, y: 100, width: 100, height: 100 }, label: 'rubbish', flagged: true },
    { smear: 'A', box: { x: 500, y: 100, width: 100, height: 100 } },
    { smear: 'B', box: { x: 100, y: 100, width: 100, height: 100 }, label: 'bothcells' },
  ]);
  const count = (o: Record<string, unknown>) => planExport(store, parseExportOptions({ targetDir: '/x', split: { mode: 'none' }, ...o })).cellsTotal;
  assert.equal(count({}), 2, 'labelled, not flagged');
  assert.equal(count({ flagged: 'include' }), 3);
  assert.equal(count({ flagged: 'only' }), 1);
  assert.equal(count({ labels: 'all', flagged: 'include' }), 4);
  const plan = planExport(store, parseExportOptions({ targetDir: '/x', labels: 'all', split: { mode: 'explicit', train: ['A'], test: ['B'] } }));
  assert.deepEqual(plan.counts.train, { healthy: 1, rubbish: 0, unhealthy: 0, bothcells: 0, unlabelled: 1 });
  assert.deepEqual(plan.counts.test, { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 1, unlabelled: 0 });
  assert.equal(plan.slides.find((s) => s.slide.smearId === 'A')?.cells.find((c) => c.label === null)?.imagePath.split('/')[2], 'unlabelled');
  assert.deepEqual(plan.annotators.map((a) => [a.name, a.labels]), [['Dr Plan', 2]]);
  assert.throws(() => planExport(store, parseExportOptions({ targetDir: '/x', flagged: 'only', labels: 'labelled', slideIds: [2] })), /no cells match the selection/);
  assert.throws(() => planExport(store, parseExportOptions({ targetDir: '/x', split: { mode: 'explicit', train: ['A'], test: [] } })), /no split.*B/);
  store.close();
});

test('options: defaults, COCO needs the slices, at least one format', () => {
  const o = parseExportOptions({ targetDir: '/x' });
  assert.deepEqual(o.formats, { cells: true, slices: true, annotated: false, yolo: false, coco: false, geojson: false });
  assert.deepEqual([o.labels, o.flagged, o.split.mode, o.fsync], ['labelled', 'exclude', 'auto', true]);
  assert.equal(parseExportOptions({ targetDir: '/x', formats: { cells: true, slices: false, coco: true } }).formats.slices, true);
  assert.throws(() => parseExportOptions({ targetDir: '/x', formats: { cells: false, slices: false } }), /at least one format/);
  assert.throws(() => parseExportOptions({ targetDir: '/x', concurrency: 0, split: { mode: 'auto', testFraction: 2 } }),
    (err: Error) => /concurrency/.test(err.message) && /split\.testFraction/.test(err.message));
  assert.throws(() => parseExportOptions({ targetDir: '/x', extra: 1 }), /Unrecognized key/);
});

test('preview: the split and counts an export would have, nothing written', async () => {
  const { previewExport } = await import('../../../src-main/dataset/export-preview.ts');
  const store = storeWith([
    { smear: 'A', box: { x: 100, y: 100, width: 100, height: 100 }, label: 'healthy' },
    { smear: 'B', box: { x: 100, y: 100, width: 100, height: 100 }, label: 'rubbish' },
    { smear: 'C', box: { x: 100, y: 100, width: 100, height: 100 }, label: 'rubbish' },
  ]);
  const preview = previewExport(store, { split: { mode: 'auto', seed: 3, testCount: 1 } });
  assert.equal(preview.cells, 3);
  assert.equal(preview.split.test.length, 1);
  assert.deepEqual(preview.smears.map((s) => s.smearId), ['A', 'B', 'C']);
  assert.equal(previewExport(store, { split: { mode: 'auto', seed: 3, testCount: 1 } }).split.test[0], preview.split.test[0], 'reproducible');
  assert.throws(() => previewExport(store, { formats: { cells: false, slices: false } }), /choose at least one format/);
  store.close();
});
