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

// ---- several readers --------------------------------------------------------

const READER = { id: 3, name: 'Cy', role: 'reader', createdAt: 0 } as const;
const ADJUDICATOR = { id: 9, name: 'Ada', role: 'adjudicator', createdAt: 0 } as const;
/** Reading order of cells(): 13 14 11 12 15. */
const READING_ORDER = [13, 14, 11, 12, 15];

function labelChange(cellId: number, label: string | null, annotatorId: number, role: 'reader' | 'adjudicator', eventId: number) {
  return {
    slideId: SLIDE.id, cellId,
    event: { id: eventId, cellId, annotatorId, action: 'do', revertsEventId: null, createdAt: 0, role, kind: 'label', value: label },
    previous: { label: null, flagged: false },
    current: { label, flagged: false },
  };
}

/**
 * A stand-in for the server's side of adjudication: the open disagreements
 * (a decision takes a cell out), neighbourCell walking them in reading order,
 * labelCell answering in the actor's view. `refuse` makes every queue call
 * fail as the API refuses a blinded reader.
 */
function queueApi(open: number[], calls: string[], refuse?: { code: string; message: string }) {
  const queue = new Set(open);
  let eventId = 100;
  let labelListener: ((change: unknown) => void) | null = null;
  const api = {
    on: (event: string, listener: (change: unknown) => void) => {
      if (event === 'label-changed') labelListener = listener;
      return () => undefined;
    },
    undoState: async () => ({ undoCellId: null, redoCellId: null }),
    lastCellOf: async () => null,
    labelCell: async (input: { cellId: number; label: string; annotatorId: number }) => {
      calls.push(`labelCell ${input.cellId} ${input.label}`);
      const role = input.annotatorId === ADJUDICATOR.id ? 'adjudicator' : 'reader';
      if (role === 'adjudicator') queue.delete(input.cellId);
      return { change: labelChange(input.cellId, input.label, input.annotatorId, role, ++eventId), undo: { undoCellId: input.cellId, redoCellId: null } };
    },
    neighbourCell: async (input: { cellId?: number; direction: 'next' | 'previous'; filter?: { queue?: string } }) => {
      calls.push(`neighbourCell ${input.cellId ?? '-'} ${input.direction} ${input.filter?.queue}`);
      if (refuse) throw Object.assign(new Error(refuse.message), refuse);
      const order = input.direction === 'next' ? READING_ORDER : [...READING_ORDER].reverse();
      const from = input.cellId === undefined ? -1 : order.indexOf(input.cellId);
      const id = order.slice(from + 1).find((c) => queue.has(c));
      return id === undefined ? null : { id };
    },
  };
  return { api: api as unknown as SmearlabApi, emit: (change: unknown) => labelListener?.(change) };
}

test("an adjudicator's label key decides the focused cell, then moves to the next open disagreement (not the next unlabelled cell)", async () => {
  const calls: string[] = [];
  const { api } = queueApi([11, 15], calls);
  const controller = new WorkspaceController(api, ADJUDICATOR, SLIDE, cells());
  controller.dispatch({ type: 'queue', queue: 'disagreements', direction: 'next' });
  await settle();
  assert.equal(focusedId(controller), 11, 'Q from nothing: the first open disagreement');
  controller.dispatch({ type: 'label', label: 'bothcells' });
  await settle();
  assert.equal(focusedId(controller), 15, '12 is the next unlabelled cell; 15 the next disagreement');
  assert.equal(controller.cells.labels[controller.cells.indexOf(11)!], 3, 'the decision is drawn (bothcells = APACC 3)');
  assert.deepEqual(calls.slice(1), ['labelCell 11 bothcells', 'neighbourCell 11 next disagreements'],
    'the label is committed first; only then is the queue asked');
  controller.dispatch({ type: 'label', label: 'rubbish' });
  await settle();
  assert.equal(focusedId(controller), 15, 'nothing left: the focus stays on the last decided cell');
  assert.equal(controller.state.get().status?.text, 'No open disagreement left on this slide');
  controller.dispose();
});

test("a reader's label key still goes to the next unlabelled cell and never asks for the queue", async () => {
  const calls: string[] = [];
  const { api } = queueApi([11, 15], calls);
  const controller = new WorkspaceController(api, READER, SLIDE, cells());
  controller.focusCell(controller.cells.indexOf(11)!);
  controller.dispatch({ type: 'label', label: 'healthy' });
  await settle();
  assert.equal(focusedId(controller), 12);
  assert.deepEqual(calls, ['labelCell 11 healthy']);
  controller.dispose();
});

test('Q and Shift+Q walk the disagreement queue in reading order and wrap at both ends', async () => {
  const calls: string[] = [];
  const { api } = queueApi([14, 15], calls);
  const controller = new WorkspaceController(api, ADJUDICATOR, SLIDE, cells());
  const q = (direction: 'next' | 'previous') => controller.dispatch({ type: 'queue', queue: 'disagreements', direction });
  const seen: Array<number | null | undefined> = [];
  for (const direction of ['next', 'next', 'next', 'previous', 'previous'] as const) {
    q(direction);
    await settle();
    seen.push(focusedId(controller));
  }
  assert.deepEqual(seen, [14, 15, 14, 15, 14]);
  assert.ok(calls.includes('neighbourCell 15 next disagreements') && calls.includes('neighbourCell - next disagreements'), 'wrapped from the end to the start');
  controller.dispose();
});

test("a queue key the API refuses (a blinded reader) shows the API's message and leaves the focus", async () => {
  const message = "the disagreement queue is hidden: S1 is read blind, so other readers' labels stay hidden until you have labelled every cell";
  const { api } = queueApi([11], [], { code: 'blinded', message });
  const controller = new WorkspaceController(api, READER, SLIDE, cells());
  controller.focusCell(controller.cells.indexOf(12)!);
  controller.dispatch({ type: 'queue', queue: 'second-assessment', direction: 'next' });
  await settle();
  assert.deepEqual(controller.state.get().status, { text: message, tone: 'error' });
  assert.equal(focusedId(controller), 12);
  controller.dispose();
});

test("another reader's label events never paint over a reader's own cells; an adjudicator's view takes decisions only", async () => {
  const reader = queueApi([], []);
  const mine = new WorkspaceController(reader.api, READER, SLIDE, cells());
  const code = (c: WorkspaceController, id: number) => c.cells.labels[c.cells.indexOf(id)!];
  reader.emit(labelChange(11, 'unhealthy', 4, 'reader', 500));
  reader.emit(labelChange(12, 'rubbish', ADJUDICATOR.id, 'adjudicator', 501));
  assert.deepEqual([code(mine, 11), code(mine, 12)], [-1, -1], "another reader's label and a decision are not this reader's");
  reader.emit(labelChange(11, 'healthy', READER.id, 'reader', 502));
  assert.equal(code(mine, 11), 0, "the reader's own label (from another window) is applied");
  mine.dispose();

  const adjudicator = queueApi([], []);
  const decisions = new WorkspaceController(adjudicator.api, ADJUDICATOR, SLIDE, cells());
  adjudicator.emit(labelChange(11, 'unhealthy', READER.id, 'reader', 600));
  assert.equal(code(decisions, 11), -1, "a reader's label is not a decision");
  adjudicator.emit(labelChange(11, 'bothcells', 10, 'adjudicator', 601));
  assert.equal(code(decisions, 11), 3, "any adjudicator's decision is");
  decisions.dispose();
});
