import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { seededRng } from '../../../src-main/domain/random.ts';
import { CELL_CLASSES, type CellClassName } from '../../../src-main/domain/cell-class.ts';
import { StoreError, openStore } from '../../../src-main/store/index.ts';
import type { CellLabelState, LabelChange } from '../../../src-main/domain/label.ts';
import { openTempStore, seedSlide, steppingClock, type TempStore } from './store-fixture.ts';

let t: TempStore;
let cells: number[];
let anna: number;
let bob: number;

beforeEach(() => {
  t = openTempStore();
  const { slide } = seedSlide(t.store, { cols: 2, rows: 2, cellsPerSlice: 3 });
  cells = t.store.listCells(slide.id).map((c) => c.id);
  anna = t.store.ensureAnnotator('Anna').id;
  bob = t.store.ensureAnnotator('Bob').id;
});
afterEach(() => t.dispose());

const eventCount = () => t.store.listLabelEvents().length;
const state = (cellId: number) => t.store.cellLabelState(cellId);
const cell = (i: number) => {
  const id = cells[i];
  assert.ok(id !== undefined);
  return id;
};

describe('label events are append-only', () => {
  it('refuses UPDATE and DELETE on label_events, even from another connection', () => {
    t.store.applyLabel(cell(0), 'healthy', anna);
    const raw = new Database(t.path);
    assert.throws(() => raw.prepare("UPDATE label_events SET value = 'rubbish'").run(), /append-only/);
    assert.throws(() => raw.prepare('DELETE FROM label_events').run(), /append-only/);
    raw.close();
    assert.equal(state(cell(0)).label, 'healthy');
    assert.equal(eventCount(), 1);
  });

  it('keeps a labelled cell from being deleted', () => {
    t.store.applyLabel(cell(0), 'healthy', anna);
    assert.throws(() => t.store.deleteCell(cell(0)), (e: unknown) => e instanceof StoreError && e.code === 'conflict');
    assert.equal(t.store.getCell(cell(0)).label, 'healthy');
  });
});

describe('applyLabel / setFlag / undo / redo', () => {
  it('returns the event with the state before and after', () => {
    const change = t.store.applyLabel(cell(0), 'unhealthy', anna);
    assert.deepEqual(change.previous, { label: null, flagged: false });
    assert.deepEqual(change.current, { label: 'unhealthy', flagged: false });
    assert.equal(change.event.kind, 'label');
    assert.equal(change.event.value, 'unhealthy');
    assert.equal(change.event.action, 'do');
    assert.equal(change.event.cellId, cell(0));
    assert.equal(change.event.annotatorId, anna);
    const view = t.store.getCell(cell(0));
    assert.equal(view.label, 'unhealthy');
    assert.equal(view.labelAnnotatorId, anna);
    assert.equal(view.labelledAt, change.event.createdAt);
  });

  it('undoes and redoes a sequence with exact states and event counts', () => {
    const [a, b] = [cell(0), cell(1)];
    t.store.applyLabel(a, 'healthy', anna); // 1
    t.store.applyLabel(a, 'rubbish', anna); // 2
    t.store.setFlag(b, true, anna); // 3
    t.store.applyLabel(b, 'bothcells', anna); // 4
    assert.equal(eventCount(), 4);
    assert.deepEqual(t.store.undoRedoState(anna), { undoCellId: b, redoCellId: null });

    const steps: Array<[() => unknown, CellLabelState, CellLabelState, number]> = [
      [() => t.store.undo(anna), { label: 'rubbish', flagged: false }, { label: null, flagged: true }, 5],
      [() => t.store.undo(anna), { label: 'rubbish', flagged: false }, { label: null, flagged: false }, 6],
      [() => t.store.undo(anna), { label: 'healthy', flagged: false }, { label: null, flagged: false }, 7],
      [() => t.store.redo(anna), { label: 'rubbish', flagged: false }, { label: null, flagged: false }, 8],
      [() => t.store.redo(anna), { label: 'rubbish', flagged: false }, { label: null, flagged: true }, 9],
      [() => t.store.undo(anna), { label: 'rubbish', flagged: false }, { label: null, flagged: false }, 10],
      [() => t.store.undo(anna), { label: 'healthy', flagged: false }, { label: null, flagged: false }, 11],
      [() => t.store.undo(anna), { label: null, flagged: false }, { label: null, flagged: false }, 12],
    ];
    for (const [action, stateA, stateB, count] of steps) {
      action();
      assert.deepEqual([state(a), state(b), eventCount()], [stateA, stateB, count]);
    }
    assert.equal(t.store.undo(anna), null, 'nothing left to undo');
    assert.equal(eventCount(), 12, 'an empty undo writes nothing');
    assert.deepEqual(t.store.undoRedoState(anna), { undoCellId: null, redoCellId: a });

    // Redo everything back, then a new action empties the redo stack.
    for (let i = 0; i < 4; i++) assert.ok(t.store.redo(anna));
    assert.equal(t.store.redo(anna), null);
    assert.deepEqual([state(a), state(b)], [{ label: 'rubbish', flagged: false }, { label: 'bothcells', flagged: true }]);
    t.store.undo(anna);
    t.store.applyLabel(a, 'unhealthy', anna);
    assert.equal(t.store.redo(anna), null, 'a new action clears redo');
    assert.deepEqual(t.store.undoRedoState(anna).redoCellId, null);
    assert.equal(eventCount(), 12 + 4 + 2);
    assert.deepEqual(t.store.rebuildCellState().corrected, 0);
  });

  it('keeps one undo stack per annotator', () => {
    t.store.applyLabel(cell(0), 'healthy', anna);
    t.store.applyLabel(cell(1), 'rubbish', bob);
    const undone = t.store.undo(anna);
    assert.equal(undone?.event.cellId, cell(0));
    assert.equal(undone?.event.annotatorId, anna);
    assert.equal(undone?.event.action, 'undo');
    assert.deepEqual([state(cell(0)).label, state(cell(1)).label], [null, 'rubbish']);
    assert.equal(t.store.undo(anna), null);
    assert.equal(t.store.undo(bob)?.event.cellId, cell(1));
    assert.equal(state(cell(1)).label, null);
  });

  it('restores what the action overwrote, even a label set by someone else before it', () => {
    t.store.applyLabel(cell(0), 'healthy', bob);
    t.store.applyLabel(cell(0), 'unhealthy', anna);
    t.store.undo(anna);
    assert.equal(state(cell(0)).label, 'healthy');
  });

  it('keeps the undo stack across a restart', () => {
    t.store.applyLabel(cell(0), 'healthy', anna);
    t.store.applyLabel(cell(0), 'rubbish', anna);
    t.store.close();
    const reopened = openStore(t.path, { now: steppingClock(1_800_000_000_000) });
    try {
      assert.equal((reopened.undo(anna) as LabelChange | null)?.current.label, 'healthy');
      assert.equal((reopened.redo(anna) as LabelChange | null)?.current.label, 'rubbish');
    } finally {
      reopened.close();
      t = { ...t, store: openStore(t.path) };
    }
  });

  it('clears a label with null and records the history with names, oldest first', () => {
    t.store.applyLabel(cell(2), 'healthy', anna);
    t.store.setFlag(cell(2), true, bob);
    t.store.applyLabel(cell(2), null, anna);
    t.store.undo(anna);
    const history = t.store.labelHistory(cell(2));
    assert.deepEqual(history.map((h) => [h.kind, h.value, h.action, h.annotatorName]), [
      ['label', 'healthy', 'do', 'Anna'],
      ['flag', true, 'do', 'Bob'],
      ['label', null, 'do', 'Anna'],
      ['label', 'healthy', 'undo', 'Anna'],
    ]);
    assert.equal(history[3]?.revertsEventId, history[2]?.id);
    assert.ok(history.every((h, i) => i === 0 || h.createdAt > (history[i - 1]?.createdAt ?? 0)));
    assert.deepEqual(state(cell(2)), { label: 'healthy', flagged: true });
  });

  it('refuses unknown classes, cells and annotators with clear errors, writing nothing', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof StoreError ? `${err.code}: ${err.message}` : String(err);
      }
      return 'no error';
    };
    assert.match(code(() => t.store.applyLabel(cell(0), 'HSIL' as CellClassName, anna)), /^invalid-argument: label must be a cell class/);
    assert.match(code(() => t.store.applyLabel(999_999, 'healthy', anna)), /^not-found: cell 999999/);
    assert.match(code(() => t.store.applyLabel(cell(0), 'healthy', 77)), /^not-found: annotator 77/);
    assert.match(code(() => t.store.setFlag(cell(0), 1 as unknown as boolean, anna)), /^invalid-argument/);
    assert.match(code(() => t.store.undo(77)), /^not-found: annotator 77/);
    assert.equal(eventCount(), 0);
  });
});

describe('cell_state', () => {
  it('matches a model of the rules and its own rebuild after 600 random actions by three readers', () => {
    const carol = t.store.ensureAnnotator('Carol').id;
    const people = [anna, bob, carol];
    const rng = seededRng(20240707);
    // The model: per reader and cell values (each reader's labels are their own);
    // per reader stacks of {cell, kind, before, after}.
    type Entry = { cellId: number; kind: 'label' | 'flag'; before: string | null; after: string | null };
    const values = new Map<string, string | null>();
    let who = anna;
    const key = (cellId: number, kind: string, reader = who) => `${reader}:${cellId}:${kind}`;
    const get = (cellId: number, kind: 'label' | 'flag', reader = who) =>
      values.get(key(cellId, kind, reader)) ?? (kind === 'flag' ? '0' : null);
    const undoStacks = new Map<number, Entry[]>(people.map((p) => [p, []]));
    const redoStacks = new Map<number, Entry[]>(people.map((p) => [p, []]));
    let expectedEvents = 0;
    for (let step = 0; step < 600; step++) {
      who = rng.pick(people);
      const undoStack = undoStacks.get(who) ?? [];
      const redoStack = redoStacks.get(who) ?? [];
      const roll = rng.next();
      if (roll < 0.2) {
        const entry = undoStack.pop();
        const result = t.store.undo(who);
        if (!entry) { assert.equal(result, null); continue; }
        // Undo restores the value from before the action, whatever happened since.
        values.set(key(entry.cellId, entry.kind), entry.before);
        redoStack.push(entry);
        expectedEvents++;
      } else if (roll < 0.3) {
        const entry = redoStack.pop();
        const result = t.store.redo(who);
        if (!entry) { assert.equal(result, null); continue; }
        const before = get(entry.cellId, entry.kind);
        values.set(key(entry.cellId, entry.kind), entry.after);
        undoStack.push({ ...entry, before });
        expectedEvents++;
      } else {
        const cellId = rng.pick(cells);
        if (rng.chance(0.7)) {
          const label = rng.chance(0.1) ? null : rng.pick(CELL_CLASSES).name;
          undoStack.push({ cellId, kind: 'label', before: get(cellId, 'label'), after: label });
          values.set(key(cellId, 'label'), label);
          t.store.applyLabel(cellId, label, who);
        } else {
          const flagged = rng.chance(0.5);
          undoStack.push({ cellId, kind: 'flag', before: get(cellId, 'flag'), after: flagged ? '1' : '0' });
          values.set(key(cellId, 'flag'), flagged ? '1' : '0');
          t.store.setFlag(cellId, flagged, who);
        }
        redoStack.length = 0;
        expectedEvents++;
      }
    }
    assert.equal(eventCount(), expectedEvents);
    for (const cellId of cells) {
      for (const reader of people) {
        assert.deepEqual(t.store.cellLabelState(cellId, { kind: 'reader', readerId: reader }),
          { label: get(cellId, 'label', reader), flagged: get(cellId, 'flag', reader) === '1' }, `cell ${cellId}, reader ${reader}`);
      }
      // The decision (quorum 1, unanimous): the label when every reader who gave one agrees; flagged when any reader flags.
      const given = new Set(people.map((r) => get(cellId, 'label', r)).filter((l) => l !== null));
      assert.deepEqual(state(cellId), {
        label: given.size === 1 ? [...given][0] : null, flagged: people.some((r) => get(cellId, 'flag', r) === '1'),
      }, `cell ${cellId}, decision`);
    }
    const rebuilt = t.store.rebuildCellState();
    assert.equal(rebuilt.corrected, 0, 'the trigger-maintained state equals the rebuild');
    assert.equal(rebuilt.cells, new Set(t.store.listLabelEvents().map((e) => e.cellId)).size);
  });

  it('finds and repairs a derived state that was tampered with', () => {
    t.store.applyLabel(cell(0), 'healthy', anna);
    t.store.setFlag(cell(1), true, anna);
    const raw = new Database(t.path);
    raw.prepare("UPDATE cell_state SET label = 'rubbish' WHERE cell_id = ?").run(cell(0));
    raw.prepare('DELETE FROM cell_state WHERE cell_id = ?').run(cell(1));
    raw.close();
    assert.equal(state(cell(0)).label, 'rubbish');
    assert.deepEqual(t.store.rebuildCellState(), { cells: 2, corrected: 2 });
    assert.deepEqual(state(cell(0)), { label: 'healthy', flagged: false });
    assert.deepEqual(state(cell(1)), { label: null, flagged: true });
    assert.deepEqual(t.store.rebuildCellState(), { cells: 2, corrected: 0 });
  });
});
