// Work packages as a grow-only set of events: merging is commutative,
// associative and idempotent over random event logs made on separate
// workstations; no acknowledged label is ever lost; a package damaged in
// transit (cut short, a flipped bit) is refused whole and merges nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CELL_CLASS_NAMES } from '../../../src-main/domain/cell-class.ts';
import { MEMORY_DATABASE, openStore, type Store } from '../../../src-main/store/index.ts';
import { WorkPackageError, parseWorkPackage, workPackageText } from '../../../src-main/sync/work-package-file.ts';
import type { WorkRecords } from '../../../src-main/domain/work-package.ts';

const READERS = ['Ann', 'Ben', 'Cem'];
const AT = new Date('2026-12-06T00:00:00Z');

/** A workstation that ingested the same scan (same quickhash, model and boxes: the same cell ids everywhere). */
function workstation(clockStart: number): Store {
  let t = clockStart;
  const store = openStore(MEMORY_DATABASE, { now: () => (t += 3) });
  const slideId = store.upsertSlide({ path: `/scans/${clockStart}/S-1.mrxs`, format: 'mirax', quickhash: 'qh-1', width: 4000, height: 2000, smearId: 'S-1' }).slide.id;
  store.planSlices(slideId, [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }]);
  for (const slice of store.listSlices(slideId)) {
    store.commitSliceCells(slice.id, Array.from({ length: 4 }, (_, i) => ({
      box: { x: slice.x + 100 + 300 * i, y: 200, width: 120, height: 120 }, centre: { x: slice.x + 160 + 300 * i, y: 260 }, model: 'unet-1',
    })));
  }
  for (const name of READERS) store.ensureAnnotator(name);
  store.setAnnotatorRole(store.ensureAnnotator('Judge').id, 'adjudicator');
  return store;
}

type Action = { who: number; what: 'label' | 'flag' | 'undo' | 'redo' | 'reject' | 'reshape' | 'decide'; cell: number; value: number };

const actionArb = fc.record({
  who: fc.integer({ min: 0, max: READERS.length - 1 }),
  what: fc.constantFrom('label', 'label', 'label', 'flag', 'undo', 'redo', 'reject', 'reshape', 'decide') as fc.Arbitrary<Action['what']>,
  cell: fc.nat(),
  value: fc.integer({ min: 0, max: 4 }),
});

/** Applies what it can (a label on a cell an edit retired is refused, as in the app) and skips the rest. */
function play(store: Store, actions: readonly Action[]): void {
  const slideId = store.listSlides()[0]!.id;
  for (const a of actions) {
    const live = store.listCells(slideId);
    const cell = live[a.cell % live.length]!;
    const reader = store.ensureAnnotator(READERS[a.who]!).id;
    try {
      if (a.what === 'label') store.applyLabel(cell.id, a.value === 4 ? null : CELL_CLASS_NAMES[a.value]!, reader);
      else if (a.what === 'flag') store.setFlag(cell.id, a.value % 2 === 0, reader);
      else if (a.what === 'undo') store.undo(reader);
      else if (a.what === 'redo') store.redo(reader);
      else if (a.what === 'reject' && live.length > 2) store.editCells({ kind: 'reject', slideId, annotatorId: reader, retire: [cell.id], create: [] });
      else if (a.what === 'reshape') {
        store.editCells({ kind: 'reshape', slideId, annotatorId: reader, retire: [cell.id], create: [{ box: { ...cell.box, width: cell.box.width - 2 - a.value } }] });
      } else if (a.what === 'decide') store.applyLabel(cell.id, CELL_CLASS_NAMES[a.value % 4]!, store.ensureAnnotator('Judge').id);
    } catch (err) {
      if (!/conflict|replaced or rejected/.test(String(err))) throw err;
    }
  }
}

/** A package as it travels: written to text and read back. */
const travel = (records: WorkRecords): WorkRecords => parseWorkPackage(workPackageText(records, AT), 'test.smearlab-work');

function mergedInto(base: Store | null, ...packages: WorkRecords[]): Store {
  const store = base ?? openStore(MEMORY_DATABASE);
  for (const p of packages) store.mergeWork(travel(p));
  return store;
}

const eventUids = (store: Store) => JSON.parse(store.canonicalDump()).events.map((e: { uid: string }) => e.uid) as string[];

describe('work packages merge as a union of events', () => {
  it('is commutative, associative and idempotent, and loses no event, over random work on three workstations', () => {
    fc.assert(fc.property(fc.array(actionArb, { maxLength: 25 }), fc.array(actionArb, { maxLength: 25 }), fc.array(actionArb, { maxLength: 15 }),
      (workA, workB, workC) => {
        const [a, b, c] = [workstation(1_000), workstation(50_000), workstation(90_000)];
        const stores: Store[] = [a, b, c];
        try {
          play(a, workA);
          play(b, workB);
          play(c, workC);
          const [pa, pb, pc] = [a.collectWork(), b.collectWork(), c.collectWork()];
          const ab = mergedInto(null, pa, pb);
          const ba = mergedInto(null, pb, pa);
          stores.push(ab, ba);
          assert.equal(ab.canonicalDump(), ba.canonicalDump(), 'A then B = B then A');
          const left = mergedInto(mergedInto(null, pa, pb), pc);
          const bc = mergedInto(null, pb, pc);
          const right = mergedInto(null, pa, bc.collectWork());
          stores.push(left, bc, right);
          assert.equal(left.canonicalDump(), right.canonicalDump(), '(A + B) + C = A + (B + C)');
          const before = left.canonicalDump();
          const again = left.mergeWork(travel(pb));
          assert.equal(again.eventsAdded, 0);
          assert.equal(left.canonicalDump(), before, 'merging twice changes nothing');
          // Into the workstations themselves, both ways: they end identical, every event of either kept.
          a.mergeWork(travel(pb));
          b.mergeWork(travel(pa));
          assert.equal(a.canonicalDump(), b.canonicalDump(), 'A + B on A = B + A on B');
          const all = new Set([...pa.events, ...pb.events].map((e) => e.uid));
          assert.deepEqual(new Set(eventUids(a)), all);
        } finally {
          for (const s of stores) s.close();
        }
      }), { numRuns: 30, seed: 20261206 });
  });

  it('derives each reader\'s label from the latest of their events, whichever workstation made it', () => {
    const [a, b] = [workstation(1_000), workstation(10_000_000)];
    try {
      const cellA = a.listCells(a.listSlides()[0]!.id)[0]!;
      a.applyLabel(cellA.id, 'healthy', a.ensureAnnotator('Ann').id);
      const cellB = b.listCells(b.listSlides()[0]!.id)[0]!;
      b.applyLabel(cellB.id, 'unhealthy', b.ensureAnnotator('Ann').id); // later clock: Ann's later reading
      b.applyLabel(cellB.id, 'rubbish', b.ensureAnnotator('Ben').id);
      a.mergeWork(travel(b.collectWork()));
      const ann = { kind: 'reader', readerId: a.ensureAnnotator('Ann').id } as const;
      assert.equal(a.getCell(cellA.id, ann).label, 'unhealthy');
      assert.equal(a.cellReadings(cellA.id).readers.length, 2, "both readers' labels are kept, with their names");
      assert.equal(a.cellReadings(cellA.id).disputed, true, 'and their disagreement is open for the adjudicator');
      const report = b.mergeWork(travel(a.collectWork()));
      assert.deepEqual(report.slides[0]!.readers.map((r) => r.name), ['Ann']);
      assert.equal(a.canonicalDump(), b.canonicalDump());
      // Merged events never join the local undo stack: Ann's undo on A reverts what she did on A.
      const undone = a.undo(a.ensureAnnotator('Ann').id);
      assert.ok(undone && 'event' in undone && undone.event.cellId === cellA.id);
    } finally {
      a.close();
      b.close();
    }
  });

  it('refuses a package cut short or with a flipped bit, and merges nothing from it', () => {
    const [a, b] = [workstation(1_000), workstation(2_000)];
    try {
      a.applyLabel(a.listCells(a.listSlides()[0]!.id)[0]!.id, 'healthy', a.ensureAnnotator('Ann').id);
      const text = workPackageText(a.collectWork(), AT);
      const before = b.canonicalDump();
      const cut = text.slice(0, Math.floor(text.length * 0.7));
      assert.throws(() => parseWorkPackage(cut, '/usb/a.smearlab-work'), (err: unknown) =>
        err instanceof WorkPackageError && err.code === 'damaged' && /cut short/.test(err.message) && err.message.includes('/usb/a.smearlab-work'));
      const at = text.indexOf('"healthy"') + 2;
      const flipped = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
      assert.throws(() => parseWorkPackage(flipped, 'a'), (err: unknown) => err instanceof WorkPackageError && /checksum/.test(err.message));
      assert.throws(() => parseWorkPackage('{"hello":1}\n', 'x'), (err: unknown) => err instanceof WorkPackageError && err.code === 'not-a-package');
      // A package whose checksum holds but whose records do not fit together is refused by the store, in one transaction.
      const records = a.collectWork();
      records.events[0] = { ...records.events[0]!, cell: '00000000-0000-7000-8000-000000000000' };
      assert.throws(() => b.mergeWork(records), /does not hold/);
      assert.equal(b.canonicalDump(), before);
    } finally {
      a.close();
      b.close();
    }
  });
});
