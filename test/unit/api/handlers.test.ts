// The handlers over a real (in-memory) store with hand-placed cells, through
// the same dispatch the adapters use: where the focus goes after a label,
// arrow moves, gallery by slice, events, and ids from the wrong slide.
import { after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiRuntime } from '../../../src-main/runtime/api-runtime.ts';
import type { ApiRuntime } from '../../../src-main/runtime/api-runtime.ts';
import { SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { TileService } from '../../../src-main/slide/tile-service.ts';
import { writeOffsetSlide } from '../../fixtures/offset-slide.ts';
import { MEMORY_DATABASE, openStore } from '../../../src-main/store/index.ts';
import type { Store } from '../../../src-main/store/index.ts';
import type { NewCell } from '../../../src-main/store/types.ts';
import type { CellView } from '../../../src-main/domain/cell.ts';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { CellDetail, CellsChangedView, EditResult, GalleryPageView, LabelResult, SlideDetail, UndoResult } from '../../../src-main/api/views.ts';

let store: Store;
let runtime: ApiRuntime;
let slideId: number;
let otherSlideId: number;
let annotatorId: number;
/** Cell ids by name; the layout (level-0 centres) is drawn in the grid below. */
const ids: Record<string, number> = {};

function cellAt(cx: number, cy: number): NewCell {
  return { box: { x: cx - 20, y: cy - 20, width: 40, height: 40 }, centre: { x: cx, y: cy } };
}

// Slice (0,0):  a(100,100)  b(500,100)
//               c(100,500)  d(520,510)
// Slice (1000,0): e(1100,110)
const LAYOUT: Array<[string, number, number]> = [['a', 100, 100], ['b', 500, 100], ['c', 100, 500], ['d', 520, 510]];

beforeEach(() => {
  runtime?.close();
  store?.close();
  store = openStore(MEMORY_DATABASE);
  slideId = store.upsertSlide({ path: '/scans/one.mrxs', format: 'mirax', width: 2000, height: 1000 }).slide.id;
  otherSlideId = store.upsertSlide({ path: '/scans/two.mrxs', format: 'mirax', width: 1000, height: 1000 }).slide.id;
  store.planSlices(slideId, [{ x: 0, y: 0, width: 1000, height: 1000 }, { x: 1000, y: 0, width: 1000, height: 1000 }]);
  store.planSlices(otherSlideId, [{ x: 0, y: 0, width: 1000, height: 1000 }]);
  const [s0, s1] = store.listSlices(slideId);
  const committed = store.commitSliceCells(s0!.id, LAYOUT.map(([, x, y]) => cellAt(x, y))).cells;
  LAYOUT.forEach(([name], i) => { ids[name] = committed[i]!.id; });
  ids.e = store.commitSliceCells(s1!.id, [cellAt(1100, 110)]).cells[0]!.id;
  ids.other = store.commitSliceCells(store.listSlices(otherSlideId)[0]!.id, [cellAt(50, 50)]).cells[0]!.id;
  annotatorId = store.ensureAnnotator('Cy').id;
  runtime = createApiRuntime({
    mode: 'browser', store, tiles: new TileService(new SlideRegistry(openSlide)), tileBase: 'http://x/t/k/', mediaBase: 'http://x/t/k/', log: () => undefined,
  });
});

after(async () => {
  await runtime.close();
  store.close();
});

async function ok<T>(operation: string, input: unknown): Promise<T> {
  const result = await runtime.invoke(operation, input);
  if (!result.ok) assert.fail(`${operation}: ${result.error.message}`);
  return result.value as T;
}

async function fails(operation: string, input: unknown): Promise<ApiError> {
  const result = await runtime.invoke(operation, input);
  assert.equal(result.ok, false, operation);
  return (result as { error: ApiError }).error;
}

test('after a label the focus goes to the next unlabelled cell, round to the start, then nowhere', async () => {
  // Reading order: a b c d e.
  const label = (name: string, advance?: string) => ok<LabelResult>('labelCell', { cellId: ids[name], label: 'healthy', annotatorId, ...(advance ? { advance } : {}) });
  assert.equal((await label('b')).next?.id, ids.c);
  assert.equal((await label('d')).next?.id, ids.e);
  assert.equal((await label('e')).next?.id, ids.a); // wrapped
  assert.equal((await label('c', 'next')).next?.id, ids.d);
  assert.equal((await label('c', 'none')).next, null);
  const last = await label('a');
  assert.equal(last.next, null);
  assert.equal(last.counts.labelled, 5);
  assert.equal(last.counts.byClass.healthy, 5);
});

test('every label, flag, undo and redo is broadcast once; undo with nothing to undo changes nothing', async () => {
  const heard: Array<[string, number, string | null]> = [];
  const stop = runtime.events.subscribe((event, payload) => {
    if (event === 'label-changed') heard.push([event, (payload as { cellId: number }).cellId, (payload as { current: { label: string | null } }).current.label]);
  });
  const nothing = await ok<UndoResult>('undo', { annotatorId });
  assert.deepEqual(nothing, { change: null, edit: null, cell: null, counts: null, undo: { undoCellId: null, redoCellId: null } });
  await ok('labelCell', { cellId: ids.a, label: 'rubbish', annotatorId });
  await ok('flagCell', { cellId: ids.b, flagged: true, annotatorId });
  await ok('undo', { annotatorId });
  await ok('redo', { annotatorId });
  stop();
  assert.deepEqual(heard, [['label-changed', ids.a, 'rubbish'], ['label-changed', ids.b, null], ['label-changed', ids.b, null], ['label-changed', ids.b, null]]);
  assert.equal(store.getCell(ids.b!).flagged, true);
});

test('arrow keys move to the nearest cell that way, within the filter; nothing that way is null', async () => {
  const move = async (from: string, direction: string, filter?: object) =>
    (await ok<CellView | null>('neighbourCell', { slideId, cellId: ids[from], direction, ...(filter ? { filter } : {}) }))?.id ?? null;
  assert.equal(await move('a', 'right'), ids.b);
  assert.equal(await move('a', 'down'), ids.c);
  assert.equal(await move('d', 'up'), ids.b);
  assert.equal(await move('d', 'left'), ids.c);
  assert.equal(await move('b', 'right'), ids.e); // across the slice border
  assert.equal(await move('a', 'up'), null);
  assert.equal(await move('e', 'right'), null);
  await ok('labelCell', { cellId: ids.b, label: 'unhealthy', annotatorId });
  assert.equal(await move('a', 'right', { label: 'unlabelled' }), ids.e);
});

test('ids from another slide are refused with the field named', async () => {
  const neighbour = await fails('neighbourCell', { slideId, cellId: ids.other, direction: 'next' });
  assert.equal(neighbour.code, 'bad-input');
  assert.match(neighbour.message, /cellId/);
  const slice = store.listSlices(otherSlideId)[0]!.id;
  const gallery = await fails('gallery', { slideId, sliceId: slice });
  assert.match(gallery.message, /sliceId/);
  assert.equal((await fails('counts', { slideId: 999 })).code, 'not-found');
});

test('gallery by slice pages within that slice in reading order, with crop URLs', async () => {
  const slice = store.listSlices(slideId)[0]!.id;
  const page = await ok<GalleryPageView>('gallery', { slideId, sliceId: slice, offset: 1, limit: 2 });
  assert.deepEqual(page.cells.map((c) => c.id), [ids.b, ids.c]);
  assert.equal(page.total, 4);
  assert.equal(page.cells[0]!.cropUrl, `http://x/t/k/cells/${ids.b}/crop.jpeg`);
});

test('a slide whose scan is gone still opens, with tileError saying why and the grid intact', async () => {
  const detail = await ok<SlideDetail>('getSlide', { slideId });
  assert.equal(detail.dziUrl, null);
  assert.equal(detail.tileError?.code, 'slide-unavailable');
  assert.equal(detail.sliceGrid.length, 2);
  assert.equal(detail.counts.total, 5);
  assert.equal(detail.fovMaskUrl, null);
  assert.deepEqual(detail.dziOrigin, { x: 0, y: 0 });
});

test('a scan with offset bounds gets a DZI cut to them and its origin, which the viewer adds to image coordinates', async () => {
  const scan = await writeOffsetSlide();
  try {
    const offsetId = store.upsertSlide({ path: scan.mrxsPath, format: 'mirax', width: 3072, height: 2048 }).slide.id;
    const detail = await ok<SlideDetail>('getSlide', { slideId: offsetId });
    assert.equal(detail.tileError, null);
    assert.deepEqual(detail.dziOrigin, { x: 1024, y: 1024 });
    const [registered] = runtime.registry.list();
    assert.equal(detail.dziUrl, `http://x/t/k/slides/${registered!.id}.dzi`);
    const tiles = new TileService(runtime.registry);
    const dzi = (await tiles.getDzi(registered!.id)).body.toString();
    assert.match(dzi, /<Size Width="2048" Height="1024" \/>/, 'the DZI is the scanned bounds only');
  } finally {
    runtime.registry.closeAll();
    await scan.dispose();
  }
});

test("lastCellOf: the cell of the annotator's latest label event on that slide, not flags, other slides or other readers", async () => {
  const last = () => ok<CellView | null>('lastCellOf', { slideId, annotatorId });
  assert.equal(await last(), null, 'nothing labelled yet');
  const other = store.ensureAnnotator('Bo').id;
  await ok('labelCell', { cellId: ids.c, label: 'healthy', annotatorId });
  await ok('labelCell', { cellId: ids.b, label: 'rubbish', annotatorId });
  assert.equal((await last())?.id, ids.b);
  // Not a label: a flag; not this slide; not this reader.
  await ok('flagCell', { cellId: ids.d, flagged: true, annotatorId });
  await ok('labelCell', { cellId: ids.other, label: 'healthy', annotatorId });
  await ok('labelCell', { cellId: ids.e, label: 'healthy', annotatorId: other });
  assert.equal((await last())?.id, ids.b);
  assert.equal((await ok<CellView | null>('lastCellOf', { slideId, annotatorId: other }))?.id, ids.e);
  assert.equal((await ok<CellView | null>('lastCellOf', { slideId: otherSlideId, annotatorId }))?.id, ids.other);
  // Undoing the label on the other slide and the flag leaves b; a new label moves it on.
  await ok('undo', { annotatorId }); // the label on other
  await ok('undo', { annotatorId }); // the flag on d
  assert.equal((await last())?.id, ids.b);
  await ok('labelCell', { cellId: ids.a, label: 'unhealthy', annotatorId, advance: 'none' });
  assert.equal((await last())?.id, ids.a);
  assert.equal((await fails('lastCellOf', { slideId: 999, annotatorId })).code, 'not-found');
  assert.equal((await fails('lastCellOf', { slideId, annotatorId: 999 })).code, 'not-found');
});

test('cell edits: add, reshape, split, merge, reject over the contract, broadcast as cells-changed, undone on the label stack', async () => {
  const heard: Array<{ created: number[]; retired: number[] }> = [];
  const stop = runtime.events.subscribe((event, payload) => {
    if (event === 'cells-changed') {
      const p = payload as CellsChangedView;
      heard.push({ created: p.created.map((c) => c.id), retired: p.retired });
    }
  });
  // The scan of this slide is not on disk: edits go without measures, proposals are refused.
  assert.equal((await fails('proposeCell', { slideId, point: { x: 100, y: 100 } })).code, 'slide-unavailable');
  const added = await ok<EditResult>('addCell', { slideId, annotatorId, box: { x: 700, y: 700, width: 60, height: 50 } });
  const newId = added.edit.created[0]!.id;
  assert.deepEqual([added.edit.created[0]!.source, added.edit.created[0]!.area, added.counts.total], ['manual', null, 6]);
  assert.equal((await fails('addCell', { slideId, annotatorId, box: { x: 1990, y: 0, width: 20, height: 20 } })).message, 'box: reaches beyond the slide (2000 x 1000 px)');
  await ok('labelCell', { cellId: ids.a, label: 'unhealthy', annotatorId });
  const reshaped = await ok<EditResult>('reshapeCell', { cellId: ids.a, annotatorId, box: { x: 70, y: 70, width: 70, height: 60 } });
  assert.deepEqual([reshaped.edit.created[0]!.label, reshaped.edit.retired], ['unhealthy', [ids.a]]);
  assert.equal((await fails('labelCell', { cellId: ids.a, label: 'healthy', annotatorId })).code, 'conflict');
  assert.equal((await fails('splitCell', { cellId: ids.b, annotatorId, nuclei: [{ x: 490, y: 100 }, { x: 900, y: 900 }] })).message,
    "nuclei.1: (900, 900) lies outside cell " + ids.b + "'s box");
  const split = await ok<EditResult>('splitCell', { cellId: ids.b, annotatorId, nuclei: [{ x: 485, y: 100 }, { x: 515, y: 100 }] });
  const [left, right] = split.edit.created;
  assert.deepEqual([left!.box, right!.box], [{ x: 480, y: 80, width: 20, height: 40 }, { x: 500, y: 80, width: 20, height: 40 }]);
  assert.equal((await fails('mergeCells', { cellIds: [ids.c, ids.other], annotatorId })).code, 'bad-input');
  const merged = await ok<EditResult>('mergeCells', { cellIds: [ids.c, ids.d], annotatorId });
  assert.deepEqual([merged.edit.created[0]!.box, merged.edit.created[0]!.kind], [{ x: 80, y: 480, width: 460, height: 50 }, 'cluster']);
  const rejected = await ok<EditResult>('rejectCell', { cellId: ids.e, annotatorId });
  assert.deepEqual([rejected.edit.created, rejected.edit.retired, rejected.counts.total], [[], [ids.e], 5]);
  const markers = await ok<{ ids: Record<string, number> }>('cellMarkers', { slideId });
  assert.deepEqual(Object.values(markers.ids).sort((p, q) => p - q), [newId, reshaped.edit.created[0]!.id, left!.id, right!.id, merged.edit.created[0]!.id].sort((p, q) => p - q));
  const undone = await ok<UndoResult>('undo', { annotatorId });
  assert.deepEqual([undone.change, undone.edit?.event.value, undone.edit?.created.map((c) => c.id), undone.counts?.total], [null, 'reject', [ids.e], 6]);
  const redone = await ok<UndoResult>('redo', { annotatorId });
  assert.deepEqual([redone.edit?.event.action, redone.edit?.retired], ['redo', [ids.e]]);
  const detail = await ok<CellDetail>('getCell', { cellId: ids.e });
  assert.deepEqual(detail.history.map((h) => [h.kind, h.action, h.kind === 'edit' ? h.change : null]),
    [['edit', 'do', 'retire'], ['edit', 'undo', 'restore'], ['edit', 'redo', 'retire']]);
  assert.equal(detail.cell.retired, true);
  stop();
  assert.equal(heard.length, 7);
  assert.deepEqual(heard[0], { created: [newId], retired: [] });
  assert.deepEqual((await ok<{ total: number }>('counts', { slideId })).total, store.classCounts(slideId).total);
});
