// Two readers and an adjudicator on one slide over HTTP: blind reading hides
// other readers' labels (cell readings, history, status, agreement) until a
// reader has finished; each reader's labels, counters and next cell are their
// own; the adjudicator walks the disagreement queue and decides; the slide
// ends "done"; agreement and an export by decision reflect it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiError } from '../../../src-main/api/errors.ts';
import type { CellDetail, CellView, ClassCounts, LabelResult, SlideListEntry } from '../../../src-main/api/views.ts';
import type { AgreementReport } from '../../../src-main/domain/agreement.ts';
import type { CellReadings, SlideReading } from '../../../src-main/domain/reading.ts';
import type { CellClassName } from '../../../src-main/domain/cell-class.ts';
import { readEvents, startApiFixture, type ApiFixture } from './api-fixture.ts';
import { fromWireJson } from '../../../src-main/api/wire.ts';

let f: ApiFixture;
let cells: CellView[];

before(async () => {
  f = await startApiFixture();
  const page = await f.call<{ cells: CellView[] }>('gallery', { slideId: f.slideId, limit: 1000 });
  cells = page.body.cells;
  assert.ok(cells.length >= 6, `the tiny slide has ${cells.length} cells`);
});
after(async () => f?.dispose());

async function as(name: string, role: 'reader' | 'adjudicator' = 'reader'): Promise<number> {
  const chosen = await f.call<{ id: number }>('chooseAnnotator', { name, role });
  assert.equal(chosen.status, 200);
  return chosen.body.id;
}

async function label(cellId: number, value: CellClassName, annotatorId: number): Promise<LabelResult> {
  const r = await f.call<LabelResult>('labelCell', { cellId, label: value, annotatorId });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('blind reading, own labels, adjudication, agreement and an export by consensus', async () => {
  const settings = await f.call<SlideReading>('setReadingSettings', { slideId: f.slideId, blind: true, quorum: 2 });
  assert.deepEqual(settings.body.settings, { blind: true, quorum: 2, rule: 'unanimous' });

  // Anna reads every cell healthy.
  const anna = await as('Anna');
  for (const c of cells) await label(c.id, 'healthy', anna);

  // Bob reads blind: Anna's labels are nowhere to be seen.
  const bob = await as('Bob');
  const first = cells[0]!;
  const bobsFirst = await label(first.id, 'unhealthy', bob);
  assert.equal(bobsFirst.counts.byClass.healthy, 0, "Bob's counters are his own");
  assert.equal(bobsFirst.counts.labelled, 1);
  assert.equal(bobsFirst.next?.id, cells[1]!.id, "Bob's next unlabelled cell ignores Anna's labels");
  const readings = await f.call<ApiError>('cellReadings', { cellId: first.id });
  assert.deepEqual([readings.status, readings.body.code], [403, 'blinded']);
  assert.match(readings.body.message, /read blind/);
  const detail = await f.call<CellDetail>('getCell', { cellId: first.id });
  assert.equal(detail.body.cell.label, 'unhealthy');
  assert.ok(detail.body.history.every((h) => h.annotatorId === bob), 'no other reader in the history');
  for (const [operation, input] of [['slideReading', { slideId: f.slideId }], ['agreement', {}],
    ['neighbourCell', { slideId: f.slideId, direction: 'next', filter: { queue: 'disagreements' } }],
    ['setReadingSettings', { slideId: f.slideId, blind: false }]] as const) {
    const refused = await f.call<ApiError>(operation, input);
    assert.deepEqual([refused.status, refused.body.code], [403, 'blinded'], operation);
  }
  // The event stream keeps the blinding too: Anna's change (made by another window under her name) does not reach Bob's.
  const events = await readEvents(`${f.mode.server.baseUrl}events`, (seen) => seen.filter((e) => e.event === 'label-changed').length >= 1, async () => {
    await label(cells[2]!.id, 'rubbish', anna);
    await label(cells[2]!.id, 'healthy', bob);
  });
  const changes = events.filter((e) => e.event === 'label-changed').map((e) => fromWireJson(e.data) as LabelResult['change']);
  assert.deepEqual(changes.map((c) => [c.event.annotatorId, c.current.label]), [[bob, 'healthy']], "only Bob's own change reached him");
  await label(cells[2]!.id, 'healthy', anna);
  const library = await f.call<SlideListEntry[]>('listSlides', {});
  const entry = library.body.find((s) => s.id === f.slideId)!;
  assert.deepEqual([entry.blind, entry.reading, entry.counts.labelled], [true, null, 2]);

  // Bob finishes (one more disagreement), and the blinding lifts for him.
  for (const c of cells.slice(1)) await label(c.id, c.id === cells[1]!.id ? 'rubbish' : 'healthy', bob);
  const open = await f.call<CellReadings>('cellReadings', { cellId: first.id });
  assert.equal(open.status, 200);
  assert.deepEqual(open.body.readers.map((r) => [r.name, r.label]), [['Anna', 'healthy'], ['Bob', 'unhealthy']]);
  const status = await f.call<SlideReading>('slideReading', { slideId: f.slideId });
  assert.deepEqual([status.body.status, status.body.openDisagreements], ['needs-adjudication', 2]);

  // The adjudicator walks the disagreement queue and decides both.
  const judge = await as('Judge', 'adjudicator');
  const queue: number[] = [];
  for (let at: CellView | null = null; ;) {
    const next: { body: CellView | null } = await f.call<CellView | null>('neighbourCell', {
      slideId: f.slideId, direction: 'next', filter: { queue: 'disagreements' }, ...(at ? { cellId: at.id } : {}),
    });
    if (!next.body) break;
    queue.push(next.body.id);
    at = next.body;
  }
  assert.deepEqual(queue, [first.id, cells[1]!.id]);
  const decided = await label(first.id, 'unhealthy', judge);
  assert.equal(decided.change.event.role, 'adjudicator');
  await label(cells[1]!.id, 'healthy', judge);
  const done = await f.call<SlideReading>('slideReading', { slideId: f.slideId });
  assert.deepEqual([done.body.status, done.body.adjudicated, done.body.decided], ['done', 2, cells.length]);
  const decisionCounts = await f.call<ClassCounts>('counts', { slideId: f.slideId });
  assert.deepEqual([decisionCounts.body.byClass.unhealthy, decisionCounts.body.byClass.healthy], [1, cells.length - 1]);

  // Agreement: the two readers agree on all but two cells.
  const agreement = await f.call<AgreementReport>('agreement', { slideIds: [f.slideId], rounds: 50 });
  assert.equal(agreement.status, 200);
  const pair = agreement.body.pairs[0]!;
  assert.deepEqual([pair.a, pair.b, pair.cells], ['Anna', 'Bob', cells.length]);
  assert.ok(Math.abs((pair.observed.estimate ?? 0) - (cells.length - 2) / cells.length) < 1e-9);

  // Export by consensus (quorum 2, adjudicated where they differ) with the readers' labels in COCO.
  const targetDir = join(f.dir, 'consensus-export');
  const started = await f.call<{ job: { id: number } }>('startExport', {
    targetDir, formats: { cells: true, slices: true, coco: true, geojson: true }, split: { mode: 'none' }, decision: 'all-readers', fsync: false,
  });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const outcome = await f.call<{ finished: boolean; job: { state: string } }>('waitForJob', { jobId: started.body.job.id, timeoutMs: 60_000 });
  assert.equal(outcome.body.job.state, 'done');
  const manifest = JSON.parse(await readFile(join(targetDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.options.decision, 'all-readers');
  assert.equal(manifest.counts.all.unhealthy, 1);
  const coco = JSON.parse(await readFile(join(targetDir, 'coco', 'train.json'), 'utf8'));
  const readersOf = new Set(coco.annotations.map((a: { attributes: { readers: Record<string, string> } }) => Object.keys(a.attributes.readers).join('+')));
  assert.deepEqual([...readersOf], ['Anna+Bob']);
  const csv = (await readFile(join(targetDir, 'readers.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 1 + 2 * cells.length);
  assert.ok(csv.some((row) => row.endsWith(',Bob,unhealthy,unhealthy')));

  // Bob's own labels, by name: his reading of the first cell.
  const bobsDir = join(f.dir, 'bob-export');
  const byBob = await f.call<{ job: { id: number } }>('startExport', {
    targetDir: bobsDir, formats: { cells: true, slices: false }, split: { mode: 'none' }, decision: 'reader:Bob', fsync: false,
  });
  await f.call('waitForJob', { jobId: byBob.body.job.id, timeoutMs: 60_000 });
  const bobsManifest = JSON.parse(await readFile(join(bobsDir, 'manifest.json'), 'utf8'));
  assert.deepEqual([bobsManifest.counts.all.unhealthy, bobsManifest.counts.all.rubbish], [1, 1]);
  const nobody = await f.call<{ job: { id: number } }>('startExport', { targetDir: join(f.dir, 'x'), decision: 'reader:Zed', split: { mode: 'none' } });
  const failed = await f.call<{ job: { state: string; error: string } }>('waitForJob', { jobId: nobody.body.job.id, timeoutMs: 60_000 });
  assert.equal(failed.body.job.state, 'failed');
  assert.match(failed.body.job.error, /no reader named "Zed"/);
});
