// The workspace controller's assist keys under plain Node with a stand-in
// API: Y labels the focused cell with the suggestion the cells hold (one
// labelCell call, nothing asked before it) and moves on; Y refuses a cell
// the reader labelled or one with no suggestion; in the gallery a selection
// is labelled with one key (labelCells: a class, or Y by suggested class);
// keys moving the focus drop the selection.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmearlabApi } from '../../../../src-main/api/client-types.ts';
import type { LabelChangeView, SlideDetail } from '../../../../src-main/api/views.ts';
import type { CellClassName } from '../../../../src-main/domain/cell-class.ts';
import { KEYMAP, matchKey } from '../../../../src-renderer/keymap.ts';
import { SlideCells } from '../../../../src-renderer/model/slide-cells.ts';
import { WorkspaceController } from '../../../../src-renderer/model/workspace-controller.ts';

declare global {
  var window: Window & EventTarget & { location: { href: string } };
}

beforeEach(() => {
  (globalThis as { window?: EventTarget }).window ??= new EventTarget();
});

const SLIDE = { id: 5, width: 4000, height: 2000, mppX: 0.25, mppY: 0.25 } as SlideDetail;
const READER = { id: 3, name: 'Cy', role: 'reader' as const, createdAt: 0 };

/** Five cells in a row (reading order = id order); 12 labelled healthy; suggestions on 11, 12, 13, 15. */
function cells(): SlideCells {
  const boxes = [0, 1, 2, 3, 4].flatMap((k) => [100 + k * 200, 100, 40, 40]);
  return new SlideCells({
    ids: [11, 12, 13, 14, 15], boxes, labels: [-1, 0, -1, -1, -1], flagged: [0, 0, 0, 0, 0],
    suggested: [1, 2, 2, -1, 1], suggestedP: [0.9, 0.8, 0.7, 0, 0.6],
  }, 4000, 2000, [{ x: 0, y: 0, width: 2000, height: 2000 }]);
}

let eventId = 100;
function change(cellId: number, label: CellClassName): LabelChangeView {
  return {
    slideId: SLIDE.id, cellId,
    event: { id: ++eventId, cellId, kind: 'label', value: label, annotatorId: READER.id, role: 'reader', action: 'do', createdAt: 0 },
    previous: { label: null, flagged: false }, current: { label, flagged: false },
  } as unknown as LabelChangeView;
}

function fakeApi(calls: string[]): SmearlabApi {
  const api = {
    on: () => () => undefined,
    undoState: async () => ({ undo: null, redo: null }),
    lastCellOf: async () => null,
    labelCell: async (input: { cellId: number; label: CellClassName }) => {
      calls.push(`labelCell ${input.cellId} ${input.label}`);
      return { change: change(input.cellId, input.label), undo: { undo: null, redo: null } };
    },
    labelCells: async (input: { cellIds: number[]; label: CellClassName }) => {
      calls.push(`labelCells ${input.cellIds.join(',')} ${input.label}`);
      return { changes: input.cellIds.map((id) => change(id, input.label)), undo: { undo: null, redo: null } };
    },
  };
  return new Proxy(api, {
    get(target, name: string) {
      if (name in target) return target[name as keyof typeof target];
      return async () => { calls.push(`unexpected ${name}`); throw new Error(`unexpected call ${name}`); };
    },
  }) as unknown as SmearlabApi;
}

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const focusedId = (c: WorkspaceController) => {
  const f = c.state.get().focused;
  return f === null ? null : c.cells.ids[f];
};

test('Y and Ctrl+A are in the keymap (so the help lists them); Ctrl+Y stays redo', () => {
  const key = (k: string, ctrl = false) => ({ key: k, ctrlKey: ctrl, metaKey: false, shiftKey: false, altKey: false });
  assert.deepEqual(matchKey(key('y'))?.action, { type: 'accept-suggestion' });
  assert.deepEqual(matchKey(key('Y'))?.action, { type: 'accept-suggestion' });
  assert.equal(matchKey(key('y', true))?.action.type, 'redo');
  assert.equal(matchKey(key('a', true))?.action.type, 'select-all');
  assert.equal(matchKey(key('a'), KEYMAP, true)?.action.type, 'edit-tool', 'A alone still draws in edit mode');
  assert.equal(KEYMAP.find((b) => b.action.type === 'accept-suggestion')?.group, 'Label');
});

test('Y labels the focused cell with its suggestion (one labelCell call, nothing before it) and moves on like a label key', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  c.focusCell(0);
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.deepEqual(calls, ['labelCell 11 rubbish']);
  assert.equal(c.cells.labels[0], 1);
  assert.equal(focusedId(c), 13, '12 is labelled: on to the next unlabelled cell');
  // 13's suggestion, then 14 has none: Y says so and labels nothing.
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.equal(focusedId(c), 14);
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.deepEqual(calls, ['labelCell 11 rubbish', 'labelCell 13 unhealthy']);
  assert.match(c.state.get().status?.text ?? '', /No suggestion for this cell/);
  assert.equal(focusedId(c), 14);
  c.dispose();
});

test("Y on a cell the reader labelled keeps the reader's label", async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  c.focusCell(1);
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.deepEqual(calls, []);
  assert.equal(c.cells.labels[1], 0);
  assert.match(c.state.get().status?.text ?? '', /labelled healthy: your label stands/);
  c.dispose();
});

function galleryOf(c: WorkspaceController, order: number[]): void {
  c.update({ view: 'gallery' });
  c.gallery = { step: () => null, listed: () => order };
}

test('in the gallery a selection is labelled with one key: one labelCells call, the selection then cleared', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  galleryOf(c, [4, 3, 2, 1, 0]);
  c.selectTile(3, { shift: false, toggle: false });
  c.selectTile(0, { shift: true, toggle: false });
  assert.deepEqual(c.state.get().selection.indices, [3, 2, 1, 0]);
  c.dispatch({ type: 'label', label: 'bothcells' });
  await settle();
  assert.deepEqual(calls, ['labelCells 14,13,12,11 bothcells']);
  assert.deepEqual([...c.cells.labels], [3, 3, 3, 3, -1]);
  assert.deepEqual(c.state.get().selection.indices, []);
  // With the selection gone, a key labels the focused cell (the last clicked) as usual.
  c.dispatch({ type: 'label', label: 'healthy' });
  await settle();
  assert.equal(calls.at(-1), 'labelCell 11 healthy');
  c.dispose();
});

test('Y on a selection accepts each tile\'s suggestion, one call per class; labelled tiles and tiles without one are left', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  galleryOf(c, [0, 1, 2, 3, 4]);
  c.dispatch({ type: 'select-all' });
  assert.equal(c.state.get().selection.indices.length, 5);
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.deepEqual(calls, ['labelCells 11,15 rubbish', 'labelCells 13 unhealthy']);
  assert.deepEqual([...c.cells.labels], [1, 0, 2, -1, 1]);
  assert.match(c.state.get().status?.text ?? '', /2 rubbish, 1 unhealthy \(2 left as they were/);
  c.dispose();
});

test('a selection acts only in the gallery, and keys that move the focus, Esc or the viewer drop it', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  galleryOf(c, [0, 1, 2, 3, 4]);
  c.dispatch({ type: 'select-all' });
  c.dispatch({ type: 'move', dx: 1, dy: 0 });
  assert.equal(c.state.get().selection.indices.length, 0, 'an arrow');
  c.dispatch({ type: 'select-all' });
  c.dispatch({ type: 'clear-focus' });
  assert.equal(c.state.get().selection.indices.length, 0, 'Esc clears the selection first');
  c.dispatch({ type: 'select-all' });
  c.dispatch({ type: 'toggle-gallery' });
  assert.equal(c.state.get().view, 'viewer');
  assert.equal(c.state.get().selection.indices.length, 0, 'back in the viewer');
  c.dispatch({ type: 'select-all' });
  assert.equal(c.state.get().selection.indices.length, 0, 'Ctrl+A selects gallery tiles only');
  assert.match(c.state.get().status?.text ?? '', /switch to the gallery/);
  await settle();
  assert.deepEqual(calls, []);
  c.dispose();
});

test('new suggestions reach the cells and bump the state the views follow', async () => {
  const c = new WorkspaceController(fakeApi([]), READER, SLIDE, cells());
  const before = c.state.get().suggestionsVersion;
  assert.equal(c.applySuggestions({ ids: [14], suggested: [3], suggestedP: [0.55] }), 1);
  assert.equal(c.state.get().suggestionsVersion, before + 1);
  assert.deepEqual([...c.cells.suggested], [-1, -1, -1, 3, -1]);
  c.dispose();
});

test('a plain click selects only the tile it focuses: a key then labels it and moves on, even before the focus has landed', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  galleryOf(c, [0, 1, 2, 3, 4]);
  c.selectTile(2, { shift: false, toggle: false });
  c.dispatch({ type: 'label', label: 'rubbish' });
  await settle();
  assert.deepEqual(calls, ['labelCell 13 rubbish']);
  assert.equal(focusedId(c), 14);
  c.dispose();
});

test('in a ranked gallery a label key moves on to the next unlabelled tile of the ranking, not of reading order', async () => {
  const calls: string[] = [];
  const c = new WorkspaceController(fakeApi(calls), READER, SLIDE, cells());
  await settle();
  galleryOf(c, [4, 0, 3, 2, 1]);
  c.selectTile(4, { shift: false, toggle: false });
  c.dispatch({ type: 'accept-suggestion' });
  await settle();
  assert.deepEqual(calls, ['labelCell 15 rubbish']);
  assert.equal(focusedId(c), 11, 'the next tile of the ranking');
  c.dispatch({ type: 'label', label: 'healthy' });
  await settle();
  assert.equal(focusedId(c), 14);
  c.dispose();
});
