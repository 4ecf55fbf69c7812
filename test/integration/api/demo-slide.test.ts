// openDemoSlide end to end: a fresh data folder, two clicks at once -> the
// demo slide is written once (in a worker), OpenSlide reads it, and one
// ingest of it runs, reported to both callers exactly as startIngest reports.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoSlidePath } from '../../../src-main/demo/demo-slide.ts';
import type { IngestStarted, SlideDetail } from '../../../src-main/api/views.ts';
import { startApiFixture, type ApiFixture } from './api-fixture.ts';

let f: ApiFixture;
let demoFolder: string;

before(async () => {
  demoFolder = join(await mkdtemp(join(tmpdir(), 'smearlab-demo-')), 'demo');
  f = await startApiFixture({ demoFolder });
});
after(async () => {
  await f?.dispose();
  if (demoFolder) await rm(join(demoFolder, '..'), { recursive: true, force: true });
});

test('two clicks at once write the demo slide once and start one ingest of it', { timeout: 240_000 }, async () => {
  const [first, second] = await Promise.all([f.call<IngestStarted>('openDemoSlide'), f.call<IngestStarted>('openDemoSlide')]);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.deepEqual(second.body, first.body);
  const started = first.body;
  assert.equal(started.skipped, false);
  assert.ok(started.job, 'a job was started');
  assert.equal(started.job.kind, 'ingest');
  assert.equal(started.job.state, 'running');
  assert.equal(started.job.slideId, started.slideId);

  // One slide folder, no temp folders left behind; the slide is the one the library now lists.
  const entries = await readdir(demoFolder);
  assert.deepEqual(entries, ['synthetic-demo-s1-mirax-v2']);
  const slide = f.mode.store.getSlide(started.slideId!);
  assert.equal(slide.path, demoSlidePath(demoFolder));
  assert.equal(slide.width, 20480);
  assert.equal(slide.height, 16384);
  const detail = await f.call<SlideDetail>('getSlide', { slideId: slide.id });
  assert.equal(detail.status, 200, JSON.stringify(detail.body));

  // A later click while the ingest runs: the running job, and the slide file untouched.
  const written = (await stat(slide.path)).mtimeMs;
  const again = await f.call<IngestStarted>('openDemoSlide');
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.slideId, slide.id);
  assert.equal(again.body.job?.id, started.job.id);
  assert.equal((await stat(slide.path)).mtimeMs, written);
  assert.deepEqual(await readdir(demoFolder), ['synthetic-demo-s1-mirax-v2']);
});

test('without a data folder the operation says so', async () => {
  const memory = await startApiFixture({ demoFolder: null });
  try {
    const answer = await memory.call<{ code: string; message: string }>('openDemoSlide');
    assert.equal(answer.status, 501);
    assert.equal(answer.body.code, 'unsupported');
    assert.match(answer.body.message, /no data folder for the demo slide/);
  } finally {
    await memory.dispose();
  }
});
