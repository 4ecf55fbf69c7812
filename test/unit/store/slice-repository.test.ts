import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../../../src-main/store/index.ts';
import type { NewCell } from '../../../src-main/store/types.ts';
import type { SlideRecord } from '../../../src-main/domain/slide.ts';
import { openTempStore, syntheticCells, type TempStore } from './store-fixture.ts';

let t: TempStore;
let slide: SlideRecord;

beforeEach(() => {
  t = openTempStore();
  slide = t.store.upsertSlide({ path: '/scans/10030_18.mrxs', format: 'mirax', quickhash: 'q', width: 6000, height: 4000 }).slide;
});
afterEach(() => t.dispose());

const grid = () => [
  { x: 2000, y: 2000, width: 2000, height: 2000 },
  { x: 0, y: 2000, width: 2000, height: 2000, tissueFraction: 0.3 },
  { x: 4000, y: 0, width: 2000, height: 2000 },
  { x: 0, y: 0, width: 2000, height: 2000 },
];

function errorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  assert.fail('expected a StoreError');
}

function firstSliceId(): number {
  const first = t.store.pendingSlices(slide.id)[0];
  assert.ok(first);
  return first.id;
}

describe('planSlices', () => {
  it('is idempotent and lists slices in reading order (y, then x)', () => {
    assert.deepEqual(t.store.planSlices(slide.id, grid()), { inserted: 4, existing: 0 });
    assert.deepEqual(t.store.planSlices(slide.id, grid()), { inserted: 0, existing: 4 });
    const slices = t.store.listSlices(slide.id);
    assert.deepEqual(slices.map((s) => [s.x, s.y]), [[0, 0], [4000, 0], [0, 2000], [2000, 2000]]);
    assert.ok(slices.every((s) => s.state === 'pending' && s.cellCount === null));
    assert.equal(slices.find((s) => s.x === 0 && s.y === 2000)?.tissueFraction, 0.3);
    assert.deepEqual(t.store.sliceProgress(slide.id), { total: 4, pending: 4, done: 0, failed: 0 });
  });

  it('refuses impossible slices with the slice named', () => {
    const err = errorOf(() => t.store.planSlices(slide.id, [grid()[0]!, { x: 1.5, y: 0, width: 2000, height: 2000 }]));
    assert.equal(err.code, 'invalid-argument');
    assert.match(err.message, /slice 2 x must be an integer/);
    assert.equal(t.store.listSlices(slide.id).length, 0);
  });
});

describe('commitSliceCells', () => {
  beforeEach(() => t.store.planSlices(slide.id, grid()));

  it('numbers the cells 1..n, marks the slice done and counts its cells', () => {
    const sliceId = firstSliceId();
    const result = t.store.commitSliceCells(sliceId, syntheticCells(0, 0, 5, 1));
    assert.deepEqual(result.cells.map((c) => c?.number), [1, 2, 3, 4, 5]);
    assert.equal(result.slice.state, 'done');
    assert.equal(result.slice.cellCount, 5);
    assert.deepEqual([result.deleted, result.kept], [0, 0]);
    const stored = t.store.cellsOfSlice(sliceId);
    assert.equal(stored.length, 5);
    assert.ok(stored.every((c) => c.slideId === slide.id && c.sliceX === 0 && c.sliceY === 0 && c.source === 'auto' && c.model === 'synthetic-v1'));
    assert.deepEqual(t.store.pendingSlices(slide.id).map((s) => s.id).includes(sliceId), false);
  });

  it('re-running a commit leaves no duplicates', () => {
    const sliceId = firstSliceId();
    const cells = syntheticCells(0, 0, 6, 2);
    t.store.commitSliceCells(sliceId, cells);
    const crops = t.store.cellsOfSlice(sliceId).slice(0, 2).map((c) => ({ cellId: c.id, cropPath: `/crops/${c.number}.png` }));
    t.store.setCellCropPaths(crops);
    const again = t.store.commitSliceCells(sliceId, cells);
    assert.equal(again.deleted, 6);
    assert.deepEqual(again.deletedCropPaths.sort(), crops.map((c) => c.cropPath).sort(), 'the replaced crops, for the pipeline to remove');
    assert.equal(again.slice.cellCount, 6);
    const stored = t.store.cellsOfSlice(sliceId);
    assert.equal(stored.length, 6);
    assert.deepEqual(stored.map((c) => c.number).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
  });

  it('is atomic: a row the database refuses mid-batch leaves the slice exactly as it was', () => {
    const sliceId = firstSliceId();
    const first = t.store.commitSliceCells(sliceId, syntheticCells(0, 0, 4, 3));
    const before = t.store.cellsOfSlice(sliceId);
    // Passes the argument checks; the UNIQUE (slice_id, number) constraint fails on the third row.
    const bad: NewCell[] = syntheticCells(0, 0, 5, 4).map((c, i) => ({ ...c, number: i === 2 ? 1 : i + 1 }));
    const err = errorOf(() => t.store.commitSliceCells(sliceId, bad));
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /UNIQUE/);
    assert.deepEqual(t.store.cellsOfSlice(sliceId), before, 'old cells neither deleted nor joined by new ones');
    assert.deepEqual(t.store.getSlice(sliceId), first.slice);

    const fresh = t.store.listSlices(slide.id)[1];
    assert.ok(fresh);
    assert.throws(() => t.store.commitSliceCells(fresh.id, bad), StoreError);
    assert.deepEqual(t.store.cellsOfSlice(fresh.id), []);
    assert.equal(t.store.getSlice(fresh.id).state, 'pending');
  });

  it('refuses bad cells before writing, naming the cell', () => {
    const sliceId = firstSliceId();
    const cells = syntheticCells(0, 0, 3, 5);
    const broken = [...cells];
    broken[1] = { ...cells[1]!, box: { ...cells[1]!.box, width: 0 } };
    assert.match(errorOf(() => t.store.commitSliceCells(sliceId, broken)).message, /cell 2 of 3 for slice \d+: box.width must be an integer >= 1/);
    broken[1] = { ...cells[1]!, centre: { x: cells[1]!.box.x - 5, y: cells[1]!.centre.y } };
    assert.match(errorOf(() => t.store.commitSliceCells(sliceId, broken)).message, /cell 2 of 3 .*outside its box/);
    broken[1] = { ...cells[1]!, area: Number.NaN };
    assert.match(errorOf(() => t.store.commitSliceCells(sliceId, broken)).message, /area must be a finite number/);
    assert.equal(errorOf(() => t.store.commitSliceCells(123_456, cells)).code, 'not-found');
    assert.deepEqual(t.store.cellsOfSlice(sliceId), []);
  });

  it('keeps each candidate\'s kind and nucleus measures; plain cells default to single cells without them', () => {
    const sliceId = firstSliceId();
    const [a, b] = syntheticCells(0, 0, 2, 7);
    t.store.commitSliceCells(sliceId, [
      { ...a!, kind: 'cluster', nucleus: { x: a!.centre.x, y: a!.centre.y }, nucleusArea: 5200, nuclei: 4 },
      b!,
    ]);
    const [cluster, plain] = t.store.cellsOfSlice(sliceId).sort((x, y) => x.number - y.number);
    assert.deepEqual([cluster!.kind, cluster!.nucleus, cluster!.nucleusArea, cluster!.nuclei],
      ['cluster', { x: a!.centre.x, y: a!.centre.y }, 5200, 4]);
    assert.deepEqual([plain!.kind, plain!.nucleus, plain!.nucleusArea, plain!.nuclei], ['cell', null, null, null]);
    const bad = (cell: NewCell) => errorOf(() => t.store.commitSliceCells(sliceId, [cell])).message;
    assert.match(bad({ ...a!, kind: 'blob' as 'cell' }), /kind must be one of cell, cluster/);
    assert.match(bad({ ...a!, nucleusArea: -1 }), /nucleusArea must be >= 0, got -1/);
    assert.match(bad({ ...a!, nuclei: 1.5 }), /nuclei must be an integer >= 0/);
    assert.match(bad({ ...a!, nucleus: { x: Number.NaN, y: 0 } }), /nucleus\.x must be a finite number/);
  });

  it('keeps labelled cells on a re-run and skips new cells that duplicate them', () => {
    const sliceId = firstSliceId();
    const cells = syntheticCells(0, 0, 4, 6);
    const first = t.store.commitSliceCells(sliceId, cells);
    const annotator = t.store.ensureAnnotator('Anna');
    const labelledId = first.cells[1]?.id;
    assert.ok(labelledId);
    t.store.applyLabel(labelledId, 'unhealthy', annotator.id);

    const again = t.store.commitSliceCells(sliceId, cells);
    assert.equal(again.deleted, 3);
    assert.equal(again.kept, 1);
    assert.equal(again.cells[1], null, 'the duplicate of the labelled cell is skipped');
    assert.deepEqual(again.cells.filter((c) => c !== null).map((c) => c.number), [3, 4, 5]);
    const stored = t.store.cellsOfSlice(sliceId);
    assert.equal(stored.length, 4);
    assert.equal(again.slice.cellCount, 4);
    assert.equal(stored.find((c) => c.id === labelledId)?.label, 'unhealthy');
  });

  it('records imported labels as import events, outside every undo stack, and re-imports without duplicates', () => {
    const sliceId = firstSliceId();
    const importer = t.store.ensureAnnotator('APACC import');
    const cells: NewCell[] = syntheticCells(0, 0, 3, 7).map((c, i) => ({
      ...c, source: 'imported', label: i === 0 ? 'bothcells' : 'healthy', flagged: i === 2,
    }));
    assert.equal(errorOf(() => t.store.commitSliceCells(sliceId, cells)).code, 'invalid-argument');
    t.store.commitSliceCells(sliceId, cells, { annotatorId: importer.id });
    const stored = t.store.cellsOfSlice(sliceId);
    assert.deepEqual(stored.map((c) => [c.number, c.label, c.flagged, c.source]).sort(), [
      [1, 'bothcells', false, 'imported'], [2, 'healthy', false, 'imported'], [3, 'healthy', true, 'imported'],
    ]);
    assert.equal(t.store.undo(importer.id), null);
    const again = t.store.commitSliceCells(sliceId, cells, { annotatorId: importer.id });
    assert.deepEqual(again.cells, [null, null, null]);
    assert.equal(t.store.cellsOfSlice(sliceId).length, 3);
    assert.equal(t.store.listLabelEvents().length, 4);
  });
});

describe('failSlice, pendingSlices and resetSlideForReingest', () => {
  beforeEach(() => t.store.planSlices(slide.id, grid()));

  it('marks a slice failed and offers it again only on request', () => {
    const sliceId = firstSliceId();
    const failed = t.store.failSlice(sliceId, '  ONNX Runtime: out of memory ');
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, 'ONNX Runtime: out of memory');
    assert.equal(t.store.pendingSlices(slide.id).length, 3);
    assert.equal(t.store.pendingSlices(slide.id, { includeFailed: true }).length, 4);
    const done = t.store.commitSliceCells(sliceId, []);
    assert.deepEqual([done.slice.state, done.slice.error, done.slice.cellCount], ['done', null, 0]);
    assert.deepEqual(t.store.sliceProgress(slide.id), { total: 4, pending: 3, done: 1, failed: 0 });
  });

  it('keeps labelled and manual cells, deletes the rest, and lets the pipeline run again', () => {
    const slices = t.store.listSlices(slide.id);
    for (const s of slices) t.store.commitSliceCells(s.id, syntheticCells(s.x, s.y, 3, s.id));
    const anna = t.store.ensureAnnotator('Anna');
    const labelled = t.store.cellsOfSlice(slices[0]!.id)[0]!;
    t.store.applyLabel(labelled.id, 'healthy', anna.id);
    const manual = t.store.addManualCell({ slideId: slide.id, box: { x: 4100, y: 100, width: 200, height: 200 } });

    const job = t.store.createJob({ kind: 'ingest', slideId: slide.id });
    t.store.startJob(job.id);
    assert.equal(errorOf(() => t.store.resetSlideForReingest(slide.id)).code, 'conflict');
    t.store.finishJob(job.id, 'cancelled');

    const reset = t.store.resetSlideForReingest(slide.id);
    assert.deepEqual(reset, { deletedCells: 11, keptCells: 2, deletedSlices: 2, slicesReset: 2, deletedCropPaths: [] });
    assert.deepEqual(t.store.listCells(slide.id).map((c) => c.id).sort(), [labelled.id, manual.id].sort());
    assert.ok(t.store.listSlices(slide.id).every((s) => s.state === 'pending' && s.cellCount === null));
    assert.equal(t.store.getCell(labelled.id).label, 'healthy');

    // Plan and run again: the slices come back, and the same detections do not duplicate the kept cell.
    assert.deepEqual(t.store.planSlices(slide.id, grid()), { inserted: 2, existing: 2 });
    for (const s of t.store.pendingSlices(slide.id)) t.store.commitSliceCells(s.id, syntheticCells(s.x, s.y, 3, s.id));
    const cells = t.store.listCells(slide.id);
    assert.equal(cells.length, 12 + 1, 'twelve detections, one of them replaced by the kept labelled cell, plus the manual cell');
    assert.equal(cells.filter((c) => c.label === 'healthy').length, 1);
  });
});
