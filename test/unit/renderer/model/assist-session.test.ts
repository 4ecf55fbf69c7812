// The reader's assistant under plain Node with a stand-in API: it reads the
// summary on opening, asks for a run by itself when the reader's 20th label
// arrives (without holding up the label: the run is only asked for), then
// again 25 labels later; when 'assist-changed' comes it fetches the new
// suggestions into the cells and reads the summary again. Opening a slide
// with no model asks for the starting suggestions. Nothing for an adjudicator.
import { beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SmearlabApi } from '../../../../src-main/api/client-types.ts';
import type { AssistChangedView, AssistSummaryView, LabelChangeView, SlideDetail } from '../../../../src-main/api/views.ts';
import type { CellClassName } from '../../../../src-main/domain/cell-class.ts';
import { AssistSession } from '../../../../src-renderer/model/assist-session.ts';
import { AUTO_RUN_GAP_MS } from '../../../../src-renderer/model/assist-schedule.ts';
import { SlideCells } from '../../../../src-renderer/model/slide-cells.ts';
import { WorkspaceController } from '../../../../src-renderer/model/workspace-controller.ts';

declare global {
  var window: Window & EventTarget & { location: { href: string } };
}

beforeEach(() => {
  (globalThis as { window?: EventTarget }).window ??= new EventTarget();
});

const SLIDE = { id: 5, width: 8000, height: 2000, mppX: 0.25, mppY: 0.25 } as SlideDetail;
const READER = { id: 3, name: 'Cy', role: 'reader' as const, createdAt: 0 };
const N = 60;

function cells(labelled: number): SlideCells {
  const boxes = Array.from({ length: N }, (_, k) => [20 + k * 100, 100, 40, 40]).flat();
  return new SlideCells({
    ids: Array.from({ length: N }, (_, k) => 1000 + k), boxes,
    labels: Array.from({ length: N }, (_, k) => (k < labelled ? k % 2 : -1)), flagged: new Array<number>(N).fill(0),
  }, 8000, 2000);
}

const EMPTY_ESTIMATE = { healthy: { count: 0, sd: 0 }, rubbish: { count: 0, sd: 0 }, unhealthy: { count: 0, sd: 0 }, bothcells: { count: 0, sd: 0 } };

interface Fake {
  api: SmearlabApi;
  calls: string[];
  emit(view: AssistChangedView): void;
  /** What trainAssist's promise waits on (a slow server). */
  release(): void;
}

function fakeApi(summary: Partial<AssistSummaryView> = {}): Fake {
  const calls: string[] = [];
  const listeners = new Map<string, Array<(payload: unknown) => void>>();
  let release = () => undefined as void;
  const gate = new Promise<void>((r) => { release = r; });
  let eventId = 0;
  const api = {
    on(name: string, listener: (payload: unknown) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => undefined;
    },
    undoState: async () => ({ undo: null, redo: null }),
    lastCellOf: async () => null,
    assistSummary: async () => {
      calls.push('assistSummary');
      return { slideId: SLIDE.id, model: null, suggested: 0, estimated: EMPTY_ESTIMATE, labelsNow: 0, running: false, lastRun: null, ...summary };
    },
    trainAssist: async () => {
      calls.push('trainAssist');
      await gate;
      return { started: true, message: 'learning' };
    },
    cellMarkers: async () => {
      calls.push('cellMarkers');
      return { ids: [1000 + N - 1, 1000 + N - 2], suggested: Int8Array.from([2, 1]), suggestedP: Float32Array.from([0.9, 0.6]) };
    },
    labelCell: async (input: { cellId: number; label: CellClassName }) => {
      calls.push(`labelCell ${input.cellId}`);
      const change = {
        slideId: SLIDE.id, cellId: input.cellId,
        event: { id: ++eventId, cellId: input.cellId, kind: 'label', value: input.label, annotatorId: READER.id, role: 'reader', action: 'do', createdAt: 0 },
        previous: { label: null, flagged: false }, current: { label: input.label, flagged: false },
      } as unknown as LabelChangeView;
      return { change, undo: { undo: null, redo: null } };
    },
  };
  return {
    api: api as unknown as SmearlabApi,
    calls,
    emit: (view) => { for (const l of listeners.get('assist-changed') ?? []) l(view); },
    release: () => release(),
  };
}

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const run = (labels: number, modelId: number | null): AssistChangedView => ({
  slideId: SLIDE.id, annotatorId: READER.id, ok: true, message: `learnt from ${labels}`, modelId, labels, cellsSuggested: 2, timings: null,
});

test('opening a slide where the reader has no model asks for the starting suggestions at once', async () => {
  const fake = fakeApi();
  fake.release();
  const controller = new WorkspaceController(fake.api, READER, SLIDE, cells(0));
  const session = new AssistSession(fake.api, controller);
  await settle();
  assert.deepEqual(fake.calls, ['assistSummary', 'trainAssist']);
  fake.emit(run(0, 9));
  await settle();
  assert.deepEqual(fake.calls.slice(2), ['cellMarkers', 'assistSummary']);
  assert.equal(controller.cells.suggested[N - 1], 2, 'suggestions before the first label');
  session.dispose();
  controller.dispose();
});

test('the 20th label asks for a run by itself, without waiting for it; the next is due 25 labels later', async () => {
  // A run found at opening said there was nothing to learn from yet (no starting model): none at opening.
  const fake = fakeApi({ lastRun: { ...run(0, null), message: 'suggestions start at 20 labels' } });
  const controller = new WorkspaceController(fake.api, READER, SLIDE, cells(18));
  const session = new AssistSession(fake.api, controller);
  await settle();
  assert.deepEqual(fake.calls, ['assistSummary']);
  controller.focusCell(18);
  controller.dispatch({ type: 'label', label: 'healthy' });
  await settle();
  assert.equal(fake.calls.includes('trainAssist'), false, '19 labels: not yet');
  controller.dispatch({ type: 'label', label: 'rubbish' });
  controller.dispatch({ type: 'label', label: 'healthy' });
  await settle();
  // The server has not answered trainAssist (gate closed): the labels went on regardless.
  assert.deepEqual(fake.calls.filter((c) => c !== 'assistSummary'), ['labelCell 1018', 'labelCell 1019', 'trainAssist', 'labelCell 1020']);
  assert.equal(session.state.get().running, true);
  assert.match(session.state.get().message?.text ?? '', /background from your 20 labels/);
  fake.release();
  fake.emit(run(20, 7));
  await settle();
  assert.deepEqual(fake.calls.slice(-2), ['cellMarkers', 'assistSummary']);
  assert.equal(controller.cells.suggested[N - 1], 2, 'the new suggestions are in the cells');
  assert.equal(controller.cells.suggested[0], -1);
  assert.equal(controller.state.get().suggestionsVersion, controller.cells.suggestionsVersion);
  assert.equal(session.state.get().running, false);
  // 21 labels now; 44 is not yet due, 45 is, once the last run has rested AUTO_RUN_GAP_MS.
  for (let k = 21; k < 44; k++) controller.dispatch({ type: 'label', label: 'healthy' });
  await settle(60);
  assert.equal(fake.calls.filter((c) => c === 'trainAssist').length, 1, '44 labels: not yet');
  mock.timers.enable({ apis: ['Date'], now: Date.now() + AUTO_RUN_GAP_MS });
  try {
    controller.dispatch({ type: 'label', label: 'healthy' });
    await settle(60);
  } finally {
    mock.timers.reset();
  }
  assert.equal(controller.cells.counts.labelled, 45);
  assert.equal(fake.calls.filter((c) => c === 'trainAssist').length, 2);
  session.dispose();
  controller.dispose();
});

test('opening a slide with a model learnt from 33 labels counts the next run from there', async () => {
  const fake = fakeApi({ model: { id: 4, kind: 'in-app', name: 'lr', labels: 33, createdAt: 0, report: null } });
  fake.release();
  const controller = new WorkspaceController(fake.api, READER, SLIDE, cells(40));
  const session = new AssistSession(fake.api, controller);
  await settle();
  assert.equal(fake.calls.includes('trainAssist'), false, '40 labels: the model from 33 is recent enough');
  session.train();
  await settle();
  assert.equal(fake.calls.filter((c) => c === 'trainAssist').length, 1, 'the button asks at once');
  session.dispose();
  controller.dispose();
});

test('an adjudicator has no assistant: nothing is asked', async () => {
  const fake = fakeApi();
  const controller = new WorkspaceController(fake.api, { ...READER, role: 'adjudicator' }, SLIDE, cells(30));
  const session = new AssistSession(fake.api, controller);
  session.train();
  await settle();
  assert.deepEqual(fake.calls, []);
  session.dispose();
  controller.dispose();
});
