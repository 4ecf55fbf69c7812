// Several readers on one slide: each reader's labels are their own, the
// decision follows the slide's rule and quorum or the adjudicator, edits carry
// every reader's labels over, the queues and the slide status follow, and an
// existing schema 4 database keeps every label as its annotator's reading.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../src-main/store/index.ts';
import type { LabelView } from '../../../src-main/domain/reading.ts';
import { makeTempDir, oldSchemaSlide, openTempStore, seedSlide, steppingClock, type TempStore } from './store-fixture.ts';

let t: TempStore;
let slideId: number;
let cells: number[];
let anna: number;
let bob: number;
let carl: number;
let judge: number;

const reader = (readerId: number): LabelView => ({ kind: 'reader', readerId });

beforeEach(() => {
  t = openTempStore();
  ({ slide: { id: slideId } } = seedSlide(t.store, { cols: 1, rows: 1, cellsPerSlice: 4 }));
  cells = t.store.listCells(slideId).map((c) => c.id);
  anna = t.store.ensureAnnotator('Anna').id;
  bob = t.store.ensureAnnotator('Bob').id;
  carl = t.store.ensureAnnotator('Carl').id;
  judge = t.store.setAnnotatorRole(t.store.ensureAnnotator('Judge').id, 'adjudicator').id;
});
afterEach(() => t.dispose());

describe('per-reader labels', () => {
  it('keeps each reader\'s label, counters and next unlabelled cell their own', () => {
    const [c0, c1] = cells as [number, number];
    t.store.applyLabel(c0, 'healthy', anna);
    const second = t.store.applyLabel(c0, 'unhealthy', bob);
    assert.deepEqual([second.previous.label, second.current.label], [null, 'unhealthy'], "answered in Bob's own view");
    assert.equal(t.store.getCell(c0, reader(anna)).label, 'healthy', "Bob's label does not overwrite Anna's");
    assert.equal(t.store.getCell(c0, reader(bob)).label, 'unhealthy');
    assert.equal(t.store.classCounts(slideId, reader(anna)).byClass.healthy, 1);
    assert.equal(t.store.classCounts(slideId, reader(bob)).byClass.healthy, 0);
    assert.equal(t.store.classCounts(slideId, reader(carl)).unlabelled, 4);
    assert.equal(t.store.firstCell(slideId, { label: 'unlabelled' }, reader(anna))?.id, c1);
    assert.equal(t.store.firstCell(slideId, { label: 'unlabelled' }, reader(carl))?.id, c0);
    assert.equal(t.store.cellMarkers(slideId, undefined, reader(bob)).labels[0], 2, 'the overlay shows Bob unhealthy (APACC id 2)');
    assert.equal(t.store.galleryPage({ slideId, filter: { label: 'healthy' }, view: reader(bob) }).total, 0);
    // The decision: two readers disagree under the default unanimous rule.
    assert.equal(t.store.getCell(c0).label, null);
    const readings = t.store.cellReadings(c0);
    assert.deepEqual(readings.readers.map((r) => [r.name, r.label]), [['Anna', 'healthy'], ['Bob', 'unhealthy']]);
    assert.deepEqual([readings.disputed, readings.decision, readings.decidedBy], [true, null, null]);
  });

  it('undoes a reader\'s own last action, restoring their own earlier value', () => {
    const c0 = cells[0]!;
    t.store.applyLabel(c0, 'healthy', anna);
    t.store.applyLabel(c0, 'rubbish', bob);
    t.store.applyLabel(c0, 'bothcells', anna);
    const undone = t.store.undo(anna);
    assert.ok(undone && 'current' in undone);
    assert.equal(undone.current.label, 'healthy', "Anna's own value before, not Bob's later one");
    assert.equal(t.store.getCell(c0, reader(bob)).label, 'rubbish');
  });
});

describe('the decision', () => {
  it('follows quorum and rule, and re-decides when they change', () => {
    const c0 = cells[0]!;
    t.store.applyLabel(c0, 'healthy', anna);
    assert.deepEqual([t.store.getCell(c0).label, t.store.cellReadings(c0).decidedBy], ['healthy', 'unanimous'], 'quorum 1: one reader decides');
    t.store.setReadingSettings(slideId, { quorum: 2 });
    assert.equal(t.store.getCell(c0).label, null, 'quorum 2: one reading is not enough');
    t.store.applyLabel(c0, 'healthy', bob);
    assert.equal(t.store.getCell(c0).label, 'healthy');
    t.store.applyLabel(c0, 'unhealthy', carl);
    assert.equal(t.store.getCell(c0).label, null, 'unanimous: one dissent leaves it undecided');
    t.store.setReadingSettings(slideId, { rule: 'majority' });
    assert.deepEqual([t.store.getCell(c0).label, t.store.cellReadings(c0).decidedBy], ['healthy', 'majority']);
    assert.deepEqual(t.store.readingSettings(slideId), { blind: false, quorum: 2, rule: 'majority' });
    assert.throws(() => t.store.setReadingSettings(slideId, { quorum: 0 }), /quorum must be an integer >= 1/);
    assert.throws(() => t.store.setReadingSettings(slideId, { rule: 'loudest' as 'majority' }), /consensus rule/);
  });

  it('takes the adjudicator\'s label over the readers\', and undo of it falls back to the consensus', () => {
    const c0 = cells[0]!;
    t.store.applyLabel(c0, 'healthy', anna);
    t.store.applyLabel(c0, 'unhealthy', bob);
    t.store.setFlag(c0, true, bob);
    assert.deepEqual(t.store.listCells(slideId, { queue: 'disagreements' }).map((c) => c.id), [c0]);
    assert.deepEqual(t.store.listCells(slideId, { queue: 'second-assessment' }).map((c) => c.id), [c0]);
    const decided = t.store.applyLabel(c0, 'unhealthy', judge);
    assert.equal(decided.event.role, 'adjudicator');
    assert.deepEqual([decided.previous.label, decided.current.label], [null, 'unhealthy'], "answered in the decision's view");
    assert.deepEqual(t.store.cellReadings(c0).adjudicated?.name, 'Judge');
    assert.equal(t.store.getCell(c0, reader(anna)).label, 'healthy', 'readings stay as they were');
    assert.deepEqual(t.store.listCells(slideId, { queue: 'disagreements' }), [], 'a decided cell leaves the queue');
    assert.throws(() => t.store.setFlag(c0, true, judge), /adjudicator decides flagged cells/);
    t.store.undo(judge);
    assert.equal(t.store.getCell(c0).label, null);
    assert.equal(t.store.listCells(slideId, { queue: 'disagreements' }).length, 1);
  });
});

describe('edits and readers', () => {
  it('a reshape carries every reader\'s label and the decision over to the new cell', () => {
    const c0 = cells[0]!;
    t.store.applyLabel(c0, 'healthy', anna);
    t.store.applyLabel(c0, 'rubbish', bob);
    t.store.applyLabel(c0, 'rubbish', judge);
    const old = t.store.getCell(c0);
    const edit = t.store.editCells({
      kind: 'reshape', slideId, annotatorId: anna, retire: [c0],
      create: [{ box: { ...old.box, width: old.box.width - 4 } }],
    });
    const fresh = edit.live[0]!.id;
    assert.equal(t.store.getCell(fresh, reader(anna)).label, 'healthy');
    assert.equal(t.store.getCell(fresh, reader(bob)).label, 'rubbish');
    assert.equal(t.store.getCell(fresh).label, 'rubbish');
    assert.equal(t.store.cellReadings(fresh).decidedBy, 'adjudicated');
    assert.equal(t.store.getCell(fresh).id, fresh);
    assert.deepEqual(t.store.rebuildCellState().corrected, 0);
  });
});

describe('slide status and ratings', () => {
  it('goes not-started -> reading -> needs-adjudication -> done', () => {
    assert.equal(t.store.slideReading(slideId).status, 'not-started');
    for (const id of cells) t.store.applyLabel(id, 'healthy', anna);
    t.store.applyLabel(cells[0]!, 'healthy', bob);
    assert.equal(t.store.slideReading(slideId).status, 'reading', 'Bob started and has not finished');
    for (const id of cells.slice(1)) t.store.applyLabel(id, id === cells[1] ? 'rubbish' : 'healthy', bob);
    const needs = t.store.slideReading(slideId);
    assert.deepEqual([needs.status, needs.openDisagreements, needs.decided], ['needs-adjudication', 1, 3]);
    assert.deepEqual(needs.readers.map((r) => [r.name, r.labelled, r.finished]), [['Anna', 4, true], ['Bob', 4, true]]);
    t.store.applyLabel(cells[1]!, 'healthy', judge);
    const done = t.store.slideReading(slideId);
    assert.deepEqual([done.status, done.adjudicated, done.decided], ['done', 1, 4]);
    assert.equal(t.store.readerFinished(slideId, anna), true);
    assert.equal(t.store.readerFinished(slideId, carl), false);
    assert.equal(t.store.adjudicationStarted(slideId), true);
    const ratings = t.store.readerRatings([slideId]);
    assert.equal(ratings.length, 8, "the adjudicator's decision is not a reading");
    assert.deepEqual(new Set(ratings.map((r) => r.reader)), new Set(['Anna', 'Bob']));
  });
});

describe('schema 5 upgrade', () => {
  it('keeps every label of a schema 4 database as its annotator\'s reading, and the last writer no longer wins', () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'v4.db');
      const { slideId, sliceId } = oldSchemaSlide(path, 4);
      const slide = { id: slideId };
      const raw = new Database(path);
      raw.exec(`
        INSERT INTO annotators (name, created_at) VALUES ('Anna', 1), ('Bob', 2);
        INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h, centre_x, centre_y, source, created_at)
          VALUES (${slide.id}, ${sliceId}, 0, 0, 1, 10, 10, 100, 100, 60, 60, 'auto', 1),
                 (${slide.id}, ${sliceId}, 0, 0, 2, 300, 300, 100, 100, 350, 350, 'auto', 1);
        INSERT INTO label_events (cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at) VALUES
          (1, 'label', 'healthy', 1, 'do', NULL, NULL, 10),
          (1, 'label', 'unhealthy', 2, 'do', NULL, NULL, 11),
          (2, 'label', 'rubbish', 1, 'do', NULL, 1, 12),
          (2, 'flag', '1', 2, 'do', NULL, 2, 13);`);
      assert.equal(raw.prepare('SELECT label FROM cell_state WHERE cell_id = 1').pluck().get(), 'unhealthy', 'schema 4: the last writer won');
      raw.close();
      const store = openStore(path, { now: steppingClock() });
      try {
        assert.equal(store.getCell(1, reader(1)).label, 'healthy');
        assert.equal(store.getCell(1, reader(2)).label, 'unhealthy');
        assert.equal(store.getCell(1).label, null, 'the two readings disagree');
        assert.deepEqual([store.getCell(2).label, store.getCell(2).flagged], ['rubbish', true]);
        assert.deepEqual(store.listAnnotators().map((a) => a.role), ['reader', 'reader']);
        assert.deepEqual(store.rebuildCellState().corrected, 0);
        // Undo still reaches the stacks written before the upgrade.
        const undone = store.undo(1);
        assert.ok(undone && 'current' in undone);
        assert.equal(undone.current.label, null);
      } finally {
        store.close();
      }
    } finally {
      temp.dispose();
    }
  });
});
