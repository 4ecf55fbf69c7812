// Ingest from the UI through HTTP: a real worker-thread job on the tiny
// synthetic slide, its progress as server-sent events, the library updated;
// then the refusals (same scan twice, cancelling a finished job, a missing
// file, a file dialog in browser mode).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import type { SyntheticSlide } from '../../../src-main/demo/synthetic-slide.ts';
import { startBrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { IngestStarted, JobOutcome, JobView, OpenSlideResult, SlideInfo, SlideListEntry } from '../../../src-main/api/views.ts';
import { readEvents } from '../api/api-fixture.ts';

let dir: string;
let fixture: SyntheticSlide;
let mode: BrowserMode;

async function call<T>(operation: string, input: unknown = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${mode.server.baseUrl}api/${operation}`, { method: 'POST', body: JSON.stringify(input) });
  return { status: response.status, body: await response.json() as T };
}

before(async () => {
  fixture = await ensureFixtureSlide('tiny');
  dir = await mkdtemp(join(tmpdir(), 'smearlab-ingest-api-'));
  mode = await startBrowserMode({ dbPath: join(dir, 'smearlab.db'), rendererDir: dir, ingestDefaults: { segmenter: 'classical' }, log: () => undefined });
});

after(async () => {
  await mode?.close();
  await rm(dir, { recursive: true, force: true });
});

test('an ingest started over HTTP reports progress as events and ends in the library', async () => {
  let started: IngestStarted | undefined;
  const events = await readEvents(`${mode.server.baseUrl}events`,
    (seen) => seen.some((e) => e.event === 'job-progress' && (JSON.parse(e.data) as JobView).state === 'done'),
    async () => {
      const answer = await call<IngestStarted>('startIngest', { path: fixture.mrxsPath });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      started = answer.body;
      // While it runs, the same scan cannot be started twice.
      const again = await call<ApiError>('startIngest', { path: fixture.mrxsPath });
      if (again.status !== 200) {
        assert.equal(again.status, 409);
        assert.equal(again.body.code, 'conflict');
      }
    });
  assert.ok(started?.job);
  assert.equal(started.skipped, false);
  assert.equal(started.job.kind, 'ingest');
  const progress = events.filter((e) => e.event === 'job-progress').map((e) => JSON.parse(e.data) as JobView);
  assert.ok(progress.every((p) => p.id === started!.job!.id));
  const running = progress.filter((p) => p.state === 'running');
  assert.ok(running.length > 0 && running.every((p) => p.live !== null && p.live.slicesTotal > 0));
  assert.equal(progress.at(-1)!.live, null);
  assert.ok(events.some((e) => e.event === 'slides-changed' && JSON.parse(e.data).slideId === started!.slideId));

  const slides = (await call<SlideListEntry[]>('listSlides')).body;
  assert.equal(slides.length, 1);
  assert.ok(slides[0]!.counts.total > 0);
  assert.equal(slides[0]!.latestJob?.state, 'done');
  const jobs = (await call<JobView[]>('listJobs', { slideId: started.slideId })).body;
  assert.deepEqual(jobs.map((j) => [j.id, j.state]), [[started.job.id, 'done']]);
  // The run's own report stays with the runtime that ran it.
  const outcome = (await call<JobOutcome>('waitForJob', { jobId: started.job.id, timeoutMs: 0 })).body;
  assert.equal(outcome.finished, true);
  assert.equal(outcome.ingest?.state, 'done');
  assert.equal(outcome.ingest?.slideId, started.slideId);
  assert.equal(outcome.ingest?.model, null, 'the classical segmenter has no model');
  assert.equal(outcome.export, null);
});

test('slideInfo reads a scan without adding it to the library', async () => {
  const before = (await call<SlideListEntry[]>('listSlides')).body.length;
  const info = await call<SlideInfo>('slideInfo', { path: fixture.mrxsPath });
  assert.equal(info.status, 200, JSON.stringify(info.body));
  assert.equal(info.body.format, 'mirax');
  assert.equal(info.body.levels[0]?.width, fixture.width);
  assert.equal((await call<SlideListEntry[]>('listSlides')).body.length, before);
  const missing = join(dir, 'gone.mrxs');
  const answer = await call<ApiError>('slideInfo', { path: missing });
  assert.equal(answer.status, 422);
  assert.ok(answer.body.message.includes(missing), answer.body.message);
});

test('options that contradict each other are refused by the contract, naming the fields, before any worker starts', async () => {
  const cases: [input: Record<string, unknown>, field: string][] = [
    [{ segmenter: 'classical', model: 'smear-unet-tiny' }, 'model'],
    [{ segmenter: 'classical', ensemble: 'pair' }, 'ensemble'],
    [{ segmenter: 'classical', executionProviders: ['cuda'] }, 'executionProviders'],
    [{ model: 'smear-unet-tiny', ensemble: 'pair' }, 'ensemble'],
  ];
  for (const [input, field] of cases) {
    const answer = await call<ApiError>('startIngest', { path: fixture.mrxsPath, force: true, ...input });
    assert.equal(answer.status, 400, JSON.stringify(input));
    assert.equal(answer.body.code, 'bad-input');
    assert.match(answer.body.message, new RegExp(field));
    assert.doesNotMatch(JSON.stringify(answer.body), /\s+at \S+ \(|\.ts:\d+/);
  }
  const jobs = (await call<JobView[]>('listJobs', {})).body;
  assert.equal(jobs.length, 1, 'no job was created for a refused request');
});

test('refusals: a finished job cannot be cancelled; a done scan is skipped or returned as known', async () => {
  const [job] = (await call<JobView[]>('listJobs')).body;
  const cancel = await call<ApiError>('cancelJob', { jobId: job!.id });
  assert.equal(cancel.status, 409);
  assert.match(cancel.body.message, /not running/);
  const skipped = (await call<IngestStarted>('startIngest', { path: fixture.mrxsPath })).body;
  assert.equal(skipped.skipped, true);
  assert.equal(skipped.job, null);
  const known = (await call<OpenSlideResult>('openSlideFile', { path: fixture.mrxsPath })).body;
  assert.equal(known.slide?.id, job!.slideId);
  assert.equal(known.ingest, null);
});

test('a missing file fails with its path named; browser mode has no file dialog', async () => {
  const missing = join(dir, 'no-such-scan.mrxs');
  const answer = await call<ApiError>('startIngest', { path: missing });
  assert.ok(answer.status >= 400);
  assert.ok(['slide-unavailable', 'job-failed'].includes(answer.body.code), answer.body.code);
  assert.ok(answer.body.message.includes(missing), answer.body.message);
  // Found but not a scan: the worker's SlideError crosses the thread as a SlideError.
  const garbage = join(dir, 'not-a-scan.mrxs');
  writeFileSync(garbage, 'this is not a MIRAX slide\n');
  const unreadable = await call<ApiError>('startIngest', { path: garbage });
  assert.equal(unreadable.status, 422);
  assert.equal(unreadable.body.code, 'slide-unavailable');
  assert.ok(unreadable.body.message.includes(garbage), unreadable.body.message);
  const dialog = await call<ApiError>('openSlideFile', {});
  assert.equal(dialog.status, 501);
  assert.equal(dialog.body.code, 'unsupported');
  // The server is still answering.
  assert.equal((await call<SlideListEntry[]>('listSlides')).status, 200);
});

test('a pixel size outside what a scanner makes is refused before any job starts', async () => {
  for (const mpp of [0, -0.25, 11, 'wide']) {
    const answer = await call<ApiError>('startIngest', { path: fixture.mrxsPath, mpp });
    assert.equal(answer.status, 400, `mpp ${String(mpp)}`);
    assert.equal(answer.body.code, 'bad-input');
    assert.match(answer.body.message, /mpp/);
  }
  assert.equal((await call<SlideListEntry[]>('listSlides')).status, 200);
});
