// Dataset export from the UI through HTTP: a real worker-thread export of an
// ingested, partly labelled synthetic slide, its progress as job-progress
// events, then verifyExport on the result, and the refusals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';
import { startBrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { BrowserMode } from '../../../src-main/server/browser-mode.ts';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { ExportStarted, JobOutcome, JobView, VerifyResult } from '../../../src-main/api/views.ts';
import { runIngest } from '../../../src-main/pipeline/ingest/run-ingest.ts';
import { parseIngestOptions } from '../../../src-main/pipeline/ingest/ingest-options.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { readEvents } from '../api/api-fixture.ts';

let dir: string;
let mode: BrowserMode;

async function call<T>(operation: string, input: unknown = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${mode.server.baseUrl}api/${operation}`, { method: 'POST', body: JSON.stringify(input) });
  return { status: response.status, body: await response.json() as T };
}

before(async () => {
  const fixture = await ensureFixtureSlide('tiny');
  dir = await mkdtemp(join(tmpdir(), 'smearlab-export-api-'));
  const dbPath = join(dir, 'smearlab.db');
  await runIngest(parseIngestOptions({ slidePath: fixture.mrxsPath, dbPath, segmenter: 'classical' }));
  const store = openStore(dbPath);
  const annotator = store.ensureAnnotator('Dr Test');
  const cells = store.listCells(store.listSlides()[0]!.id);
  cells.slice(0, 6).forEach((c, i) => store.applyLabel(c.id, i % 2 ? 'healthy' : 'rubbish', annotator.id));
  store.close();
  mode = await startBrowserMode({ dbPath, rendererDir: dir, log: () => undefined });
});

after(async () => {
  await mode?.close();
  await rm(dir, { recursive: true, force: true });
});

test('startExport writes a dataset in a worker, reports progress as events, and verifyExport finds it sound', async () => {
  const target = join(dir, 'usb-stick');
  let started: ExportStarted | undefined;
  await readEvents(`${mode.server.baseUrl}events`,
    (seen) => seen.some((e) => e.event === 'job-progress' && ['done', 'failed'].includes((JSON.parse(e.data) as JobView).state)),
    async () => {
      const answer = await call<ExportStarted>('startExport', { targetDir: target, split: { mode: 'none' } });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      started = answer.body;
    });
  assert.equal(started?.job?.kind, 'export');
  const done = (await call<JobView[]>('listJobs', { kind: 'export' })).body[0];
  assert.equal(done?.state, 'done', done?.error ?? '');
  const entries = await readdir(target);
  for (const name of ['cells', 'slices', 'manifest.json', 'SHA256SUMS']) assert.ok(entries.includes(name), `${name} in ${entries}`);

  const verified = await call<VerifyResult>('verifyExport', { folder: target });
  assert.equal(verified.status, 200);
  assert.equal(verified.body.ok, true, verified.body.message);
  assert.ok(verified.body.files > 6);

  await writeFile(join(target, 'cells', 'stray.txt'), 'not part of the export');
  const extra = await call<VerifyResult>('verifyExport', { folder: target });
  assert.equal(extra.body.ok, false);
  assert.deepEqual(extra.body.extra, ['cells/stray.txt']);
});

test('export refusals come back as API errors naming the folder', async () => {
  // The target is checked in the worker: the job ends 'failed' with a message naming the folder.
  const missingParent = join(dir, 'no', 'such', 'stick');
  const answer = await call<ExportStarted>('startExport', { targetDir: missingParent });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  let job: JobView | undefined;
  for (let i = 0; i < 300; i++) {
    job = (await call<JobView[]>('listJobs', { kind: 'export' })).body.find((j) => j.id === answer.body.job?.id);
    if (job && job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job?.state, 'failed');
  assert.match(job?.error ?? '', /no[/\\]such/);
  const bad = await call<ApiError>('startExport', { targetDir: join(dir, 'x'), formats: { pdf: true } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'bad-input');
});

test('verifyExport answers what the user named wrong with a 400 naming the path', async () => {
  const file = join(dir, 'smearlab.db');
  const cases: [folder: string, says: RegExp][] = [
    [dir, /has no manifest\.json/],
    [file, /is a file, not the folder of an export/],
    [join(dir, 'nothing-here'), /There is nothing at/],
    ['/', /has no manifest\.json/],
  ];
  for (const [folder, says] of cases) {
    const answer = await call<ApiError>('verifyExport', { folder });
    assert.equal(answer.status, 400, `${folder}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.code, 'bad-input');
    assert.match(answer.body.message, says);
    assert.ok(answer.body.message.includes(folder === '/' ? '/' : folder), answer.body.message);
  }
  // Relative folders and NUL bytes never reach the file system.
  for (const folder of ['usb-stick', `${dir}/a\u0000b`]) {
    for (const [operation, input] of [['verifyExport', { folder }], ['startExport', { targetDir: folder }]] as const) {
      const answer = await call<ApiError>(operation, input);
      assert.equal(answer.status, 400, `${operation} ${JSON.stringify(folder)}`);
      assert.match(answer.body.message, /absolute path|NUL byte/);
    }
  }
});

test('waitForJob answers with the finished export and its report; a job of no one here answers with its row', async () => {
  const target = join(dir, 'waited');
  const started = await call<ExportStarted>('startExport', { targetDir: target, split: { mode: 'none' }, formats: { cells: true, slices: false } });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const jobId = started.body.job!.id;
  let outcome: JobOutcome | undefined;
  for (let i = 0; i < 20 && !outcome?.finished; i++) outcome = (await call<JobOutcome>('waitForJob', { jobId, timeoutMs: 10_000 })).body;
  assert.equal(outcome?.finished, true);
  assert.equal(outcome?.job.state, 'done');
  assert.equal(outcome?.ingest, null);
  assert.equal(outcome?.export?.state, 'done');
  assert.equal(outcome?.export?.targetDir, target);
  assert.ok((outcome?.export?.counts.train.healthy ?? 0) + (outcome?.export?.counts.train.rubbish ?? 0) === 6, JSON.stringify(outcome?.export?.counts));
  // The ingest in before() ran in another runtime: only its row is known here.
  const ingest = (await call<JobView[]>('listJobs', { kind: 'ingest' })).body[0]!;
  const other = (await call<JobOutcome>('waitForJob', { jobId: ingest.id, timeoutMs: 0 })).body;
  assert.deepEqual([other.finished, other.job.state, other.ingest, other.export], [true, 'done', null, null]);
  const missing = await call<ApiError>('waitForJob', { jobId: 999_999 });
  assert.equal(missing.status, 404);
});
