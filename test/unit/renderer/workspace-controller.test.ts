// The workspace controller under plain Node with a stand-in API: where the
// focus starts when a slide opens (the reader's last label there, else
// nothing), where N goes from nothing (the first unlabelled cell), keys typed
// while the resume loads, and what carries over when the cells are reloaded.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmearlabApi } from '../../../src-main/api/client-types.ts';
import type { SlideDetail } from '../../../src-main/api/views.ts';
import { SlideCells } from '../../../src-renderer/model/slide-cells.ts';
import { WorkspaceController } from '../../../src-renderer/model/workspace-controller.ts';

// The root program compiles without the DOM library; the controller announces
// focus changes on window, and the renderer's API module reads window.smearlab.
declare global {
  var window: Window & EventTarget & { location: { href: string } };
}

beforeEach(() => {
  (globalThis as { window?: EventTarget }).window ??= new EventTarget();
});

const SLIDE = { id: 5, width: 4000, height: 2000, mppX: 0.25, mppY: 0.25 } as SlideDetail;

/** Reading order 13 14 11 12 15 (two slices); 13 and 14 are labelled. */
function cells(): SlideCells {
  const centres = [[3000, 100], [2500, 1500], [100, 100], [900, 500], [3900, 1900]];
  const boxes = centres.flatMap(([cx, cy]) => [cx! - 20, cy! - 20, 40, 40]);
  return new SlideCells({ ids: [11, 12, 13, 14, 15], boxes, labels: [-1, -1, 0, 2, -1], flagged: [0, 0, 0, 0, 0] }, 4000, 2000,
    [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }]);
}

function fakeApi(lastCellId: number | null, calls: string[], delayMs = 0): SmearlabApi {
  const api = {
    on: () => () => undefined,
    undoState: async () => ({ undo: null, redo: null }),
    lastCellOf: async (input: { slideId: number; annotatorId: number }) => {
      calls.push(`lastCellOf ${input.slideId} ${input.annotatorId}`);
      await new Promise((r) => setTimeout(r, delayMs));
      return lastCellId === null ? null : { id: lastCellId };
    },
  };
  return api as unknown as SmearlabApi;
}

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const focusedId = (c: WorkspaceController) => {
  const f = c.state.get().focused;
  return f === null ? null : c.cells.ids[f];
};

test("opening a slide focuses the reader's last labelled cell there, and says so", async () => {
  const calls: string[] = [];
  const controller = new WorkspaceController(fakeApi(12, calls), { id: 3, name: 'Cy', role: 'reader', createdAt: 0 }, SLIDE, cells());
  await settle();
  assert.deepEqual(calls, ['lastCellOf 5 3']);
  assert.equal(focusedId(controller), 12);
  assert.match(controller.state.get().status?.text ?? '', /left off: cell 12/);
  controller.dispose();
});

test('with no label of the reader, nothing is focused and N goes to the first unlabelled cell, not the first cell', async () => {
  const controller = new WorkspaceController(fakeApi(null, []), { id: 3, name: 'Cy', role: 'reader', createdAt: 0 }, SLIDE, cells());
  await settle();
  assert.equal(focusedId(controller), null);
  controller.dispatch({ type: 'next' });
  await settle();
  assert.equal(focusedId(controller), 11, '13 and 14 come first in reading order but are labelled');
  // From a focused cell N is the plain next one; P from nothing the last.
  controller.dispatch({ type: 'next' });
  await settle();
  assert.equal(focusedId(controller), 12);
  controller.dispatch({ type: 'clear-focus' });
  controller.dispatch({ type: 'previous' });
  await settle();
  assert.equal(focusedId(controller), 15);
  controller.dispose();
});

test('a key typed while the resume loads applies after it (the queue keeps the order)', async () => {
  const controller = new WorkspaceController(fakeApi(14, [], 30), { id: 3, name: 'Cy', role: 'reader', createdAt: 0 }, SLIDE, cells());
  controller.dispatch({ type: 'next' });
  await settle(80);
  assert.equal(focusedId(controller), 11, 'resumed at 14, then N moved on to the next cell in reading order');
  controller.dispose();
});

test('a controller over reloaded cells keeps the view and the focused cell by id, and does not resume again', async () => {
  const calls: string[] = [];
  const first = new WorkspaceController(fakeApi(12, calls), { id: 3, name: 'Cy', role: 'reader', createdAt: 0 }, SLIDE, cells());
  await settle();
  first.update({ view: 'gallery', filter: 'unlabelled', showSliceGrid: true });
  const carried = first.carry();
  first.dispose();
  // More cells now: the ids keep, the indices move.
  const centres = [[50, 50], [3000, 100], [2500, 1500], [100, 100], [900, 500], [3900, 1900]];
  const more = new SlideCells({
    ids: [10, 11, 12, 13, 14, 15], boxes: centres.flatMap(([cx, cy]) => [cx! - 20, cy! - 20, 40, 40]),
    labels: [-1, -1, -1, 0, 2, -1], flagged: [0, 0, 0, 0, 0, 0],
  }, 4000, 2000, [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }]);
  const second = new WorkspaceController(fakeApi(13, calls), { id: 3, name: 'Cy', role: 'reader', createdAt: 0 }, SLIDE, more, carried);
  await settle();
  assert.equal(focusedId(second), 12);
  const s = second.state.get();
  assert.deepEqual([s.view, s.filter, s.showSliceGrid], ['gallery', 'unlabelled', true]);
  assert.deepEqual(calls, ['lastCellOf 5 3'], 'only the first opening asked where to resume');
  second.dispose();
});
