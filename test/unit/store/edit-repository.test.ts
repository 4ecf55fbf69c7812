import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, latestSchemaVersion, openStore, type Store } from '../../../src-main/store/index.ts';
import { isEditChange, type LabelChange } from '../../../src-main/domain/label.ts';
import type { CellEditChange } from '../../../src-main/domain/cell-edit.ts';
import { makeTempDir, oldSchemaSlide, openTempStore, seedSlide, steppingClock, type TempStore } from './store-fixture.ts';

const box = (x: number, y: number, width = 200, height = 200) => ({ x, y, width, height });

function expectConflict(fn: () => unknown, text: string): void {
  assert.throws(fn, (err: unknown) => err instanceof StoreError && err.code === 'conflict' && err.message.includes(text));
}

function asEdit(change: ReturnType<Store['undo']>): CellEditChange {
  assert.ok(change && isEditChange(change), 'an edit change');
  return change;
}

describe('cell edits', () => {
  let t: TempStore;
  let slideId: number;
  let anna: number;
  let ids: number[];

  beforeEach(() => {
    t = openTempStore();
    slideId = seedSlide(t.store, { cols: 2, rows: 1, cellsPerSlice: 5 }).slide.id;
    anna = t.store.ensureAnnotator('Anna').id;
    ids = t.store.listCells(slideId).map((c) => c.id);
  });
  afterEach(() => t.dispose());

  it('adds a manual cell with its measures; it joins markers, counts and the slice', () => {
    const change = t.store.editCells({
      kind: 'add', slideId, annotatorId: anna, retire: [],
      create: [{ box: box(100, 100), measures: { area: 12_000, perimeter: 500, nucleus: { x: 190, y: 210 }, nucleusArea: 400, nuclei: 1 } }],
    });
    assert.equal(change.event.value, 'add');
    assert.equal(change.event.action, 'do');
    assert.equal(change.retired.length, 0);
    const [cell] = change.live;
    assert.deepEqual([cell!.source, cell!.area, cell!.centre, cell!.nucleusArea, cell!.retired], ['manual', 12_000, { x: 190, y: 210 }, 400, false]);
    assert.ok(t.store.listCells(slideId).some((c) => c.id === cell!.id));
    assert.equal(t.store.classCounts(slideId).total, 11);
    assert.equal(t.store.getSlice(cell!.sliceId).cellCount, t.store.cellsOfSlice(cell!.sliceId).length);
    assert.deepEqual(t.store.undoRedoState(anna), { undoCellId: cell!.id, redoCellId: null });
  });

  it('reshape retires the old cell (not deleted), the new one inherits label and flag; undo and redo swap them back', () => {
    const old = ids[0]!;
    t.store.applyLabel(old, 'unhealthy', anna);
    t.store.setFlag(old, true, anna);
    const change = t.store.editCells({ kind: 'reshape', slideId, annotatorId: anna, retire: [old], create: [{ box: box(50, 60, 300, 280) }] });
    const fresh = change.live[0]!;
    assert.deepEqual([fresh.label, fresh.flagged, fresh.box], ['unhealthy', true, box(50, 60, 300, 280)]);
    assert.deepEqual(change.retired.map((c) => [c.id, c.retired, c.label]), [[old, true, 'unhealthy']]);
    assert.ok(!t.store.listCells(slideId).some((c) => c.id === old));
    assert.equal(t.store.getCell(old).retired, true);
    assert.equal(t.store.classCounts(slideId).total, 10);
    assert.equal(t.store.classCounts(slideId).byClass.unhealthy, 1);
    // The new cell's history: the edit that created it, then the inherited label and flag.
    assert.deepEqual(t.store.labelHistory(fresh.id).map((e) => [e.kind, e.action, e.kind === 'edit' ? e.change : e.value]),
      [['edit', 'do', 'create'], ['label', 'inherit', 'unhealthy'], ['flag', 'inherit', true]]);
    assert.deepEqual(t.store.labelHistory(old).map((e) => [e.kind, e.action]), [['label', 'do'], ['flag', 'do'], ['edit', 'do']]);
    expectConflict(() => t.store.applyLabel(old, 'healthy', anna), 'replaced or rejected');
    expectConflict(() => t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [old], create: [] }), 'already');

    const undone = asEdit(t.store.undo(anna));
    assert.equal(undone.event.action, 'undo');
    assert.deepEqual(undone.live.map((c) => c.id), [old]);
    assert.deepEqual(undone.retired.map((c) => c.id), [fresh.id]);
    assert.ok(t.store.listCells(slideId).some((c) => c.id === old));
    assert.ok(!t.store.listCells(slideId).some((c) => c.id === fresh.id));
    const redone = asEdit(t.store.redo(anna));
    assert.deepEqual([redone.live.map((c) => c.id), redone.retired.map((c) => c.id)], [[fresh.id], [old]]);
    // The label stack underneath is intact: two more undos take the edit, then the flag.
    asEdit(t.store.undo(anna));
    const flagUndo = t.store.undo(anna) as LabelChange;
    assert.deepEqual([flagUndo.event.kind, flagUndo.event.cellId, flagUndo.current.flagged], ['flag', old, false]);
  });

  it('split, merge and reject, each undone and redone, with nothing deleted', () => {
    const [a, b, c] = ids as [number, number, number];
    const split = t.store.editCells({ kind: 'split', slideId, annotatorId: anna, retire: [a], create: [{ box: box(0, 0, 100, 100) }, { box: box(100, 0, 100, 100) }] });
    assert.equal(split.live.length, 2);
    t.store.applyLabel(b, 'healthy', anna);
    t.store.applyLabel(c, 'healthy', anna);
    const merge = t.store.editCells({ kind: 'merge', slideId, annotatorId: anna, retire: [b, c], create: [{ box: box(300, 300, 400, 400), kind: 'cluster' }] });
    assert.deepEqual([merge.live[0]!.label, merge.live[0]!.kind], ['healthy', 'cluster']);
    const reject = t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [merge.live[0]!.id], create: [] });
    assert.deepEqual(reject.live, []);
    assert.equal(t.store.classCounts(slideId).total, 10 + 1 - 2);
    // Undo all three in reverse order (the labels of b and c sit between merge and split).
    assert.equal(asEdit(t.store.undo(anna)).event.value, 'reject');
    assert.equal(asEdit(t.store.undo(anna)).event.value, 'merge');
    assert.ok(!isEditChange(t.store.undo(anna)!));
    assert.ok(!isEditChange(t.store.undo(anna)!));
    assert.equal(asEdit(t.store.undo(anna)).event.value, 'split');
    assert.deepEqual(t.store.listCells(slideId).map((x) => x.id).sort((p, q) => p - q), [...ids].sort((p, q) => p - q));
    assert.equal(asEdit(t.store.redo(anna)).event.value, 'split');
    assert.equal(t.store.classCounts(slideId).total, 11);
    const rows = t.store.listLabelEvents().length;
    assert.ok(rows >= 2, 'label events stay');
    const raw = new Database(t.path, { readonly: true });
    try {
      assert.equal(raw.prepare('SELECT count(*) FROM cells').pluck().get(), 10 + 2 + 1);
      assert.equal(raw.prepare("SELECT count(*) FROM label_events WHERE kind = 'edit'").pluck().get(), 3 + 3 + 1);
    } finally {
      raw.close();
    }
  });

  it('refuses counts the kind does not allow, foreign and unknown cells, and keeps the log append-only', () => {
    assert.throws(() => t.store.editCells({ kind: 'merge', slideId, annotatorId: anna, retire: [ids[0]!], create: [{ box: box(0, 0) }] }), /merge retires 2 to 16/);
    assert.throws(() => t.store.editCells({ kind: 'split', slideId, annotatorId: anna, retire: [ids[0]!], create: [{ box: box(0, 0) }] }), /split creates 2 to 16/);
    assert.throws(() => t.store.editCells({ kind: 'add', slideId, annotatorId: anna, retire: [], create: [{ box: box(999_999, 0) }] }), /no slice/);
    assert.throws(() => t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [9999], create: [] }), /cell 9999 does not exist/);
    const other = seedSlide(t.store, { name: 'slide-b', cols: 1, rows: 1, cellsPerSlice: 1 }).slide.id;
    const foreign = t.store.listCells(other)[0]!.id;
    expectConflict(() => t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [foreign], create: [] }), 'belongs to slide');
    t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [ids[1]!], create: [] });
    const raw = new Database(t.path);
    try {
      assert.throws(() => raw.exec('DELETE FROM edit_cells'), /append-only/);
      assert.throws(() => raw.exec("UPDATE edit_cells SET change = 'restore'"), /append-only/);
      assert.throws(() => raw.exec('DELETE FROM label_events'), /append-only/);
      assert.throws(() => raw.exec(`DELETE FROM cells WHERE id = ${ids[1]}`), /FOREIGN KEY/);
    } finally {
      raw.close();
    }
    // A re-ingest keeps the rejected candidate (it is part of the record) and skips what overlaps it.
    const result = t.store.resetSlideForReingest(slideId);
    assert.ok(result.keptCells >= 1);
    assert.equal(t.store.getCell(ids[1]!).retired, true);
  });

  it('rebuildCellState derives retired cells from the edits', () => {
    t.store.editCells({ kind: 'reject', slideId, annotatorId: anna, retire: [ids[2]!], create: [] });
    t.store.applyLabel(ids[3]!, 'rubbish', anna);
    assert.deepEqual(t.store.rebuildCellState(), { cells: 2, corrected: 0 });
    const raw = new Database(t.path);
    raw.prepare('DELETE FROM cell_state WHERE cell_id = ?').run(ids[2]);
    raw.close();
    assert.equal(t.store.listCells(slideId).length, 10);
    assert.deepEqual(t.store.rebuildCellState(), { cells: 2, corrected: 1 });
    assert.equal(t.store.listCells(slideId).length, 9);
  });
});

describe('schema 4 upgrade', () => {
  it('rebuilds label_events of a schema 3 database with its events, ids, stack and sequence, then edits go on the same stack', () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'v3.db');
      const { slideId, sliceId } = oldSchemaSlide(path, 3);
      const slide = { id: slideId };
      // Schema 3's own rows, written as its repositories did: an annotator, two cells, a label, a relabel, an undo, an import.
      const raw = new Database(path);
      const anna = Number(raw.prepare("INSERT INTO annotators (name, created_at) VALUES ('Anna', 1)").run().lastInsertRowid);
      raw.exec(`
        INSERT INTO cells (slide_id, slice_id, slice_x, slice_y, number, box_x, box_y, box_w, box_h, centre_x, centre_y, source, created_at)
          VALUES (${slide.id}, ${sliceId}, 0, 0, 1, 10, 10, 100, 100, 60, 60, 'auto', 1),
                 (${slide.id}, ${sliceId}, 0, 0, 2, 300, 300, 100, 100, 350, 350, 'auto', 1);
        INSERT INTO label_events (cell_id, kind, value, annotator_id, action, reverts_event_id, stack_below_id, created_at) VALUES
          (1, 'label', 'healthy', ${anna}, 'do', NULL, NULL, 10),
          (1, 'label', 'rubbish', ${anna}, 'do', NULL, 1, 11),
          (1, 'label', 'healthy', ${anna}, 'undo', 2, NULL, 12),
          (2, 'flag', '1', ${anna}, 'import', NULL, NULL, 13);
        -- A sequence ahead of the last id (an insert rolled back) must survive: ids are never reused.
        UPDATE sqlite_sequence SET seq = 20 WHERE name = 'label_events';
      `);
      raw.close();
      const store = openStore(path, { now: steppingClock() });
      try {
        assert.equal(store.schemaVersion, latestSchemaVersion());
        assert.deepEqual(store.labelHistory(1).map((e) => [e.id, e.action, e.kind === 'label' ? e.value : null]),
          [[1, 'do', 'healthy'], [2, 'do', 'rubbish'], [3, 'undo', 'healthy']]);
        assert.deepEqual([store.getCell(1).label, store.getCell(2).flagged, store.getCell(1).retired], ['healthy', true, false]);
        // The redo stack from before the upgrade still works, then an edit lands on top of it.
        const redo = store.redo(anna) as LabelChange;
        assert.deepEqual([redo.event.id, redo.current.label], [21, 'rubbish']);
        const reject = store.editCells({ kind: 'reject', slideId: slide.id, annotatorId: anna, retire: [2], create: [] });
        assert.equal(reject.event.id, 22);
        assert.deepEqual(store.listCells(slide.id).map((c) => c.id), [1]);
        assert.equal(asEdit(store.undo(anna)).event.value, 'reject');
        assert.equal((store.undo(anna) as LabelChange).current.label, 'healthy');
        assert.deepEqual(store.rebuildCellState(), { cells: 2, corrected: 0 });
        const check = new Database(path, { readonly: true });
        try {
          assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
          assert.deepEqual(check.pragma('foreign_key_check'), []);
          assert.deepEqual(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'label_events' ORDER BY name").pluck().all(),
            ['label_events_adjudication', 'label_events_no_delete', 'label_events_no_update', 'label_events_reader_state']);
          assert.match(check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'label_events'").pluck().get() as string, /REFERENCES "?label_events"?\(id\)/);
        } finally {
          check.close();
        }
      } finally {
        store.close();
      }
    } finally {
      temp.dispose();
    }
  });
});
