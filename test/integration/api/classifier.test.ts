// Bring your own classifier: the repository's tiny (untrained) test model runs
// on every cell of the ingested synthetic slide through the contract, its
// outputs mapped to APACC's classes become the reader's suggestions; a wrong
// model (a segmentation manifest, a missing one) is refused naming the field.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { AssistChangedView, AssistStarted, AssistSummaryView, GalleryPageView } from '../../../src-main/api/views.ts';
import { fromWireJson } from '../../../src-main/api/wire.ts';
import { MODELS_DIR } from '../../../src-main/files/app-layout.ts';
import { readEvents, startApiFixture, type ApiFixture } from './api-fixture.ts';

let f: ApiFixture;
before(async () => {
  f = await startApiFixture();
});
after(async () => f?.dispose());

test('an ONNX classifier with a manifest gives every cell a suggestion; wrong models are refused', { timeout: 120_000 }, async () => {
  await f.call('chooseAnnotator', { name: 'Ria', role: 'reader' });
  const segmentation = await f.call<ApiError>('runClassifier', { slideId: f.slideId, model: join(MODELS_DIR, 'smear-unet-tiny.json') });
  assert.equal(segmentation.status, 400);
  assert.match(segmentation.body.message, /task is not "classification"/);
  const missing = await f.call<ApiError>('runClassifier', { slideId: f.slideId, model: 'no-such-classifier' });
  assert.match(missing.body.message, /no such manifest/);
  let done: AssistChangedView | undefined;
  await readEvents(`${f.mode.server.baseUrl}events`, (seen) => {
    const e = seen.find((x) => x.event === 'assist-changed');
    if (e) done = fromWireJson(e.data) as AssistChangedView;
    return e !== undefined;
  }, async () => {
    const started = await f.call<AssistStarted>('runClassifier', { slideId: f.slideId, model: 'smear-test-classifier' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
  });
  assert.equal(done?.ok, true, done?.message);
  const cells = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, limit: 1000 })).body.cells;
  assert.equal(done?.cellsSuggested, cells.length);
  for (const c of cells) {
    const p = Object.values(c.suggestion!.probabilities);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6, 'the unmapped output is dropped and the rest renormalised');
  }
  const summary = (await f.call<AssistSummaryView>('assistSummary', { slideId: f.slideId })).body;
  assert.deepEqual([summary.model?.kind, summary.model?.name], ['onnx', 'smear-test-classifier']);
  // The test model follows darkness: the suspicious-first gallery starts with its most "abnormal" cell.
  const ranked = (await f.call<GalleryPageView>('gallery', { slideId: f.slideId, order: 'suspicious', limit: cells.length })).body.cells;
  const pu = ranked.map((c) => c.suggestion!.probabilities.unhealthy);
  assert.ok(pu.every((p, i) => i === 0 || p <= pu[i - 1]! + 1e-12));
});
