import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../../src-main/domain/random.ts';
import { boxesIntersect } from '../../../src-main/domain/geometry.ts';
import { cellClassByName } from '../../../src-main/domain/cell-class.ts';
import { StoreError } from '../../../src-main/store/index.ts';
import type { NewCell } from '../../../src-main/store/types.ts';
import type { CellView } from '../../../src-main/domain/cell.ts';
import { openTempStore, seedSlide, type TempStore } from './store-fixture.ts';

let t: TempStore;
afterEach(() => t.dispose());

function cellAt(cx: number, cy: number, size = 100): NewCell {
  return { box: { x: cx - size / 2, y: cy - size / 2, width: size, height: size }, centre: { x: cx, y: cy } };
}
const centres = (cells: Array<CellView | null>) => cells.map((c) => (c ? `${c.centre.x},${c.centre.y}` : 'null'));

describe('reading order', () => {
  let slideId: number;
  const expected = [
    '1500,100', '100,300', '500,300', // slice (0, 0): by centre y, then x
    '2100,50', '1990,500', //            slice (2000, 0): its cells, even one centred across the border
    '50,2050', //                        slice (0, 2000)
  ];
  beforeEach(() => {
    t = openTempStore();
    slideId = t.store.upsertSlide({ path: '/scans/ro.mrxs', format: 'mirax', width: 4000, height: 4000 }).slide.id;
    t.store.planSlices(slideId, [
      { x: 2000, y: 0, width: 2000, height: 2000 }, { x: 0, y: 2000, width: 2000, height: 2000 },
      { x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 2000, width: 2000, height: 2000 },
    ]);
    const [s00, s20, s02] = [[0, 0], [2000, 0], [0, 2000]].map(([x, y]) => t.store.listSlices(slideId).find((s) => s.x === x && s.y === y)!.id);
    t.store.commitSliceCells(s00!, [cellAt(500, 300), cellAt(100, 300), cellAt(1500, 100)]);
    t.store.commitSliceCells(s20!, [cellAt(1990, 500), cellAt(2100, 50)]);
    t.store.commitSliceCells(s02!, [cellAt(50, 2050)]);
  });

  it('lists cells slice by slice (y, then x), and by centre y, then x inside a slice', () => {
    assert.deepEqual(centres(t.store.listCells(slideId)), expected);
  });

  it('walks next and previous through the same order and stops at the ends', () => {
    const forward: Array<CellView | null> = [t.store.firstCell(slideId)];
    while (forward.at(-1)) forward.push(t.store.nextCell(forward.at(-1)!.id));
    assert.deepEqual(centres(forward), [...expected, 'null']);
    const backward: Array<CellView | null> = [t.store.lastCell(slideId)];
    while (backward.at(-1)) backward.push(t.store.previousCell(backward.at(-1)!.id));
    assert.deepEqual(centres(backward), [...[...expected].reverse(), 'null']);
  });

  it('skips labelled cells when asked for unlabelled ones only', () => {
    const anna = t.store.ensureAnnotator('Anna').id;
    const all = t.store.listCells(slideId);
    t.store.applyLabel(all[1]!.id, 'healthy', anna);
    t.store.applyLabel(all[2]!.id, 'rubbish', anna);
    t.store.applyLabel(all[5]!.id, 'healthy', anna);
    assert.deepEqual(centres([t.store.nextCell(all[0]!.id, { label: 'unlabelled' })]), ['2100,50']);
    assert.equal(t.store.nextCell(all[4]!.id, { label: 'unlabelled' }), null);
    assert.deepEqual(centres([t.store.previousCell(all[3]!.id, { label: 'unlabelled' })]), ['1500,100']);
    assert.deepEqual(centres([t.store.firstCell(slideId, { label: 'healthy' }), t.store.lastCell(slideId, { label: 'healthy' })]),
      ['100,300', '50,2050']);
  });
});

describe('viewport and markers', () => {
  it('returns exactly the cells whose box intersects the viewport (checked against brute force)', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 4, rows: 3, cellsPerSlice: 25, seed: 7 });
    const all = t.store.listCells(slide.id);
    const anna = t.store.ensureAnnotator('Anna').id;
    for (const c of all.slice(0, 40)) t.store.applyLabel(c.id, 'unhealthy', anna);
    t.store.setFlag(all[3]!.id, true, anna);
    const rng = seededRng(99);
    let nonEmpty = 0;
    let reachedFromOutside = 0;
    for (let i = 0; i < 150; i++) {
      const size = rng.pick([50, 400, 2000, 5000]);
      const viewport = { x: rng.int(-500, 8000), y: rng.int(-500, 6000), width: size, height: rng.pick([size, size / 2]) };
      const want = all.filter((c) => boxesIntersect(c.box, viewport)).map((c) => c.id).sort((a, b) => a - b);
      const got = t.store.cellsInViewport(slide.id, viewport).map((c) => c.id).sort((a, b) => a - b);
      assert.deepEqual(got, want, `viewport ${JSON.stringify(viewport)}`);
      const markers = t.store.cellMarkers(slide.id, viewport);
      assert.deepEqual([...markers.ids].sort((a, b) => a - b), want);
      if (want.length > 0) nonEmpty++;
      reachedFromOutside += all.filter((c) => boxesIntersect(c.box, viewport) &&
        !(c.centre.x >= viewport.x && c.centre.x < viewport.x + viewport.width && c.centre.y >= viewport.y && c.centre.y < viewport.y + viewport.height)).length;
    }
    assert.ok(nonEmpty > 50, 'the random viewports hit cells');
    assert.ok(reachedFromOutside > 0, 'some hits have their centre outside the viewport');
    const filtered = t.store.cellsInViewport(slide.id, { x: 0, y: 0, width: 8000, height: 6000 }, { label: 'unhealthy' });
    assert.equal(filtered.length, 40);
  });

  it('gives every cell of a slide as columns with APACC ids and flags', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 2, rows: 1, cellsPerSlice: 4 });
    const cells = t.store.listCells(slide.id);
    const anna = t.store.ensureAnnotator('Anna').id;
    t.store.applyLabel(cells[0]!.id, 'unhealthy', anna);
    t.store.applyLabel(cells[1]!.id, 'bothcells', anna);
    t.store.setFlag(cells[1]!.id, true, anna);
    const markers = t.store.cellMarkers(slide.id);
    assert.equal(markers.count, 8);
    const index = [...markers.ids].indexOf(cells[1]!.id);
    assert.equal(markers.labels[index], cellClassByName('bothcells')?.apaccId);
    assert.equal(markers.flagged[index], 1);
    const b = cells[1]!.box;
    assert.deepEqual([...markers.boxes.subarray(index * 4, index * 4 + 4)], [b.x, b.y, b.width, b.height]);
    assert.equal([...markers.labels].filter((l) => l === -1).length, 6);
    assert.deepEqual([markers.centres[index * 2], markers.centres[index * 2 + 1]], [cells[1]!.centre.x, cells[1]!.centre.y]);
    assert.deepEqual([...markers.clusters], [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('marks cluster candidates in the markers', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 1, rows: 1, cellsPerSlice: 1 });
    const sliceId = t.store.listSlices(slide.id)[0]!.id;
    const cluster = { box: { x: 300, y: 300, width: 200, height: 200 }, centre: { x: 400, y: 400 }, kind: 'cluster' as const, nuclei: 5 };
    t.store.commitSliceCells(sliceId, [cluster], { keptOverlapIou: 1 });
    const markers = t.store.cellMarkers(slide.id);
    const ids = t.store.listCells(slide.id).filter((c) => c.kind === 'cluster').map((c) => c.id);
    assert.equal(ids.length, 1);
    assert.deepEqual([...markers.ids].filter((_, i) => markers.clusters[i] === 1), ids);
  });

  it('refuses an empty viewport', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 1, rows: 1, cellsPerSlice: 1 });
    assert.throws(() => t.store.cellsInViewport(slide.id, { x: 0, y: 0, width: 0, height: 10 }),
      (e: unknown) => e instanceof StoreError && e.code === 'invalid-argument');
  });
});

describe('counts, summaries and the gallery', () => {
  let slideA: number;
  let slideB: number;
  let anna: number;
  beforeEach(() => {
    t = openTempStore();
    slideA = seedSlide(t.store, { name: 'a', cols: 2, rows: 2, cellsPerSlice: 5 }).slide.id;
    slideB = seedSlide(t.store, { name: 'b', cols: 1, rows: 1, cellsPerSlice: 3 }).slide.id;
    anna = t.store.ensureAnnotator('Anna').id;
    const a = t.store.listCells(slideA);
    const labels = ['healthy', 'healthy', 'healthy', 'rubbish', 'unhealthy', 'bothcells', 'rubbish'] as const;
    labels.forEach((label, i) => t.store.applyLabel(a[i]!.id, label, anna));
    t.store.applyLabel(a[6]!.id, null, anna); // cleared again: unlabelled
    t.store.setFlag(a[4]!.id, true, anna);
    t.store.setFlag(a[10]!.id, true, anna);
    t.store.setFlag(a[10]!.id, false, anna);
    t.store.setFlag(a[11]!.id, true, anna);
    t.store.applyLabel(t.store.listCells(slideB)[0]!.id, 'unhealthy', anna);
  });

  it('counts per class, labelled, unlabelled and flagged, per slide and for the library', () => {
    assert.deepEqual(t.store.classCounts(slideA), {
      total: 20, labelled: 6, unlabelled: 14, flagged: 2, byClass: { healthy: 3, rubbish: 1, unhealthy: 1, bothcells: 1 },
    });
    assert.deepEqual(t.store.classCounts(), {
      total: 23, labelled: 7, unlabelled: 16, flagged: 2, byClass: { healthy: 3, rubbish: 1, unhealthy: 2, bothcells: 1 },
    });
  });

  it('summarises every slide for the library list', () => {
    const job = t.store.createJob({ kind: 'ingest', slideId: slideB });
    const summaries = t.store.slideSummaries();
    assert.deepEqual(summaries.map((s) => [s.slide.smearId, s.counts.total, s.counts.labelled, s.slices.done, s.slices.total, s.latestJob?.id ?? null]),
      [['a', 20, 6, 4, 4, null], ['b', 3, 1, 1, 1, job.id]]);
    assert.equal(summaries[0]?.counts.byClass.healthy, 3);
  });

  it('filters and pages the gallery in reading order', () => {
    const page = t.store.galleryPage({ slideId: slideA, filter: { label: 'healthy' } });
    assert.equal(page.total, 3);
    assert.ok(page.cells.every((c) => c.label === 'healthy'));
    assert.equal(t.store.galleryPage({ slideId: slideA, filter: { flagged: true } }).total, 2);
    assert.equal(t.store.galleryPage({ slideId: slideA, filter: { flagged: false, label: 'unlabelled' } }).total, 13);
    assert.equal(t.store.galleryPage({ filter: { label: 'unhealthy' } }).total, 2, 'across slides');
    assert.equal(t.store.galleryPage({ filter: { label: 'labelled' } }).total, 7);

    const order = t.store.listCells(slideA, { label: 'unlabelled' }).map((c) => c.id);
    const pages: number[] = [];
    for (let offset = 0; offset < 20; offset += 4) {
      const p = t.store.galleryPage({ slideId: slideA, filter: { label: 'unlabelled' }, offset, limit: 4 });
      assert.equal(p.total, 14);
      pages.push(...p.cells.map((c) => c.id));
    }
    assert.deepEqual(pages, order);
    assert.throws(() => t.store.galleryPage({ limit: 5000 }), /at most 1000/);
    assert.throws(() => t.store.galleryPage({ filter: { label: 'nilm' as 'healthy' } }), /filter label/);
  });
});

describe('manual cells and crop paths', () => {
  it('adds a manual cell to the slice holding its centre, numbered after the others, and deletes it again', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 2, rows: 1, cellsPerSlice: 3 });
    const manual = t.store.addManualCell({ slideId: slide.id, box: { x: 2950, y: 900, width: 120, height: 80 } });
    assert.deepEqual([manual.sliceX, manual.sliceY, manual.number, manual.source], [2000, 0, 4, 'manual']);
    assert.deepEqual(manual.centre, { x: 3010, y: 940 });
    assert.equal(t.store.getSlice(manual.sliceId).cellCount, 4);
    assert.throws(() => t.store.addManualCell({ slideId: slide.id, box: { x: 9000, y: 9000, width: 10, height: 10 } }),
      /no slice of slide \d+ contains the point/);
    t.store.deleteCell(manual.id);
    assert.equal(t.store.getSlice(manual.sliceId).cellCount, 3);
    assert.throws(() => t.store.getCell(manual.id), /cell \d+ does not exist/);
  });

  it('records crop paths for several cells at once, or none if one id is wrong', () => {
    t = openTempStore();
    const { slide } = seedSlide(t.store, { cols: 1, rows: 1, cellsPerSlice: 2 });
    const [a, b] = t.store.listCells(slide.id);
    t.store.setCellCropPaths([{ cellId: a!.id, cropPath: '/crops/a.png' }, { cellId: b!.id, cropPath: '/crops/b.png' }]);
    assert.deepEqual(t.store.listCells(slide.id).map((c) => c.cropPath), ['/crops/a.png', '/crops/b.png']);
    assert.throws(() => t.store.setCellCropPaths([{ cellId: a!.id, cropPath: null }, { cellId: 999, cropPath: 'x' }]), /cell 999/);
    assert.equal(t.store.getCell(a!.id).cropPath, '/crops/a.png');
  });
});
