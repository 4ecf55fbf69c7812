// AI assist over HTTP on the ingested synthetic slide: a reader's labels train
// a classifier in a worker, suggestions come for every cell (overlay columns,
// gallery tiles, the cell panel), galleries order by them, a page of
// suggestions is confirmed with one call, and each label keeps the suggestion
// the reader saw. Not for an adjudicator, and not before enough labels.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiError } from '../../../src-main/api/errors.ts';
import { fromWireJson } from '../../../src-main/api/wire.ts';
import type {
  AssistChangedView, AssistStarted, AssistSummaryView, CellDetail, GalleryPageView, LabelManyResult,
} from '../../../src-main/api/views.ts';
import type { CellMarkers } from '../../../src-main/domain/cell.ts';
import { readEvents, startApiFixture, type ApiFixture } from './api-fixture.ts';
import { existsSync } from 'node:fs';
import { START_MODEL_PATH } from '../../../src-main/assist/run-assist.ts';

let f: ApiFixture;
before(async () => {
  // Learning from the reader's labels alone here; the starting model has its own test below.
  f = await startApiFixture({ assistStartModel: null });
});
after(async () => f?.dispose());

async function trained(): Promise<AssistChangedView> {
  let view: AssistChangedView | undefined;
  await readEvents(`${f.mode.server.baseUrl}events`, (seen) => {
    const e = seen.find((x) => x.event === 'assist-changed');
    if (e) view = fromWireJson(e.data) as AssistChangedView;
    return e !== undefined;
  }, async () => {
    const started = await f.call<AssistStarted>('trainAssist', { slideId: f.slideId });
    assert.equal(started.status, 200, JSON.stringify(started.body));
  });
  return view!;
}

test('suggestions learnt from a reader\'s labels, ranked galleries, one key for a page, the suggestion kept with each label', { timeout: 180_000 }, async () => {
  const judge = await f.call<{ id: number }>('chooseAnnotator', { name: 'Judge', role: 'adjudicator' });
  const refused = await f.call<ApiError>('trainAssist', { slideId: f.slideId });
  assert.deepEqual([refused.status, refused.body.code], [409, 'conflict'], 'an adjudicator decides; assist learns from readers');
  void judge;
  const reader = (await f.call<{ id: number }>('chooseAnnotator', { name: 'Ria', role: 'reader' })).body.id;
  const all = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, limit: 1000 })).body.cells;
  assert.ok(all.length >= 24, `${all.length} cells`);

  const few = await trained();
  assert.equal(few.ok, true);
  assert.equal(few.modelId, null, 'no labels yet: no model, and it says why');
  assert.match(few.message, /suggestions start at \d+ labels/);

  // Ria labels the first 20: the big ones rubbish, the rest healthy (a rule the features can learn: cell area).
  const sorted = [...all].sort((a, b) => (b.area ?? 0) - (a.area ?? 0));
  const big = new Set(sorted.slice(0, Math.floor(all.length / 3)).map((c) => c.id));
  for (const c of all.slice(0, 20)) {
    const r = await f.call('labelCell', { cellId: c.id, label: big.has(c.id) ? 'rubbish' : 'healthy', annotatorId: reader });
    assert.equal(r.status, 200);
  }
  const run = await trained();
  assert.equal(run.ok, true, run.message);
  assert.ok(run.modelId !== null && run.cellsSuggested === all.length, run.message);
  assert.ok(run.timings && run.timings.trainMs < 5000);

  const summary = (await f.call<AssistSummaryView>('assistSummary', { slideId: f.slideId })).body;
  assert.equal(summary.model?.id, run.modelId);
  assert.equal(summary.labelsNow, 20);
  const expected = Object.values(summary.estimated).reduce((n, e) => n + e.count, 0);
  assert.ok(Math.abs(expected - (all.length - 20)) < 1e-6, 'the estimates share out the unlabelled cells');

  const markers = fromWireJson(JSON.stringify((await f.call('cellMarkers', { slideId: f.slideId })).body)) as CellMarkers;
  assert.ok(markers.suggested && markers.suggestedP, 'the overlay gets the suggestions');
  assert.ok([...markers.suggested].every((k) => k === 0 || k === 1), 'only the classes Ria used');
  const detail = (await f.call<CellDetail>('getCell', { cellId: all[22]!.id })).body;
  assert.ok(detail.suggestion && detail.suggestion.p > 0.25);

  const uncertain = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, order: 'uncertain', limit: 5 })).body.cells;
  const impurity = (c: typeof uncertain[number]) => 1 - Object.values(c.suggestion!.probabilities).reduce((n, p) => n + p * p, 0);
  assert.ok(uncertain.every((c, i) => i === 0 || impurity(c) <= impurity(uncertain[i - 1]!) + 1e-12), 'least certain first');
  const rubbish = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, suggested: 'rubbish', filter: { label: 'unlabelled' }, limit: 100 })).body;
  assert.ok(rubbish.cells.every((c) => c.suggestion?.label === 'rubbish' && c.label === null));

  // One key for the page: each cell Ria's own label, with the suggestion she saw recorded.
  const page = rubbish.cells.length > 0 ? rubbish.cells : (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, filter: { label: 'unlabelled' }, limit: 3 })).body.cells;
  const confirmed = await f.call<LabelManyResult>('labelCells', { cellIds: page.map((c) => c.id), label: 'rubbish', annotatorId: reader });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  assert.equal(confirmed.body.changes.length, page.length);
  const event = confirmed.body.changes[0]!.event;
  assert.equal(event.suggestion?.modelId, run.modelId, 'the label keeps which model suggested what');
  assert.equal(event.suggestion?.label, page[0]!.suggestion?.label);
  assert.equal(confirmed.body.counts.labelled, 20 + page.length);
  const other = await f.call<ApiError>('labelCells', { cellIds: [all[0]!.id, 9_999_999], label: 'rubbish', annotatorId: reader });
  assert.equal(other.body.code, 'not-found');
});

test('with featuresAfterIngest, an ingest through the app is followed by the features of its cells, in a worker', { timeout: 180_000 }, async () => {
  const g = await startApiFixture({ featuresAfterIngest: true });
  try {
    const { openStore } = await import('../../../src-main/store/index.ts');
    const { FEATURE_VERSION } = await import('../../../src-main/assist/run-assist.ts');
    const missing = () => {
      const store = openStore(g.dbPath);
      try {
        return store.cellsWithoutFeatures(g.slideId, FEATURE_VERSION).length;
      } finally {
        store.close();
      }
    };
    assert.ok(missing() > 0, 'the fixture ingested outside the app: no features yet');
    const started = await g.call<{ job: { id: number } | null }>('startIngest', { path: g.fixture.mrxsPath, force: true });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    await g.call('waitForJob', { jobId: started.body.job!.id, timeoutMs: 60_000 });
    const deadline = Date.now() + 90_000;
    while (missing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.equal(missing(), 0, 'every live cell has its features');
  } finally {
    await g.dispose();
  }
});

test('with the starting model, suggestions come before the first label and the labels adjust them', { skip: !existsSync(START_MODEL_PATH) && 'no starting model in models/assist/', timeout: 180_000 }, async () => {
  const g = await startApiFixture();
  try {
    await g.call('chooseAnnotator', { name: 'Sam', role: 'reader' });
    let view: AssistChangedView | undefined;
    await readEvents(`${g.mode.server.baseUrl}events`, (seen) => {
      const e = seen.find((x) => x.event === 'assist-changed');
      if (e) view = fromWireJson(e.data) as AssistChangedView;
      return e !== undefined;
    }, async () => {
      await g.call('trainAssist', { slideId: g.slideId });
    });
    assert.equal(view?.ok, true, view?.message);
    assert.ok(view!.modelId !== null && view!.labels === 0 && view!.cellsSuggested > 0, 'suggestions with no label yet');
    const summary = (await g.call<AssistSummaryView>('assistSummary', { slideId: g.slideId })).body;
    assert.match(summary.model?.name ?? '', /^CRIC starting model \+ 0 labels/);
  } finally {
    await g.dispose();
  }
});
