// Damaged regions of a scan: recorded once per area, listed in reading order,
// and summed as the share of the smear (slices weighted by tissue fraction).
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../../../src-main/store/index.ts';
import type { DamagedArea, SlideRecord } from '../../../src-main/domain/slide.ts';
import { unionArea } from '../../../src-main/domain/geometry.ts';
import { openTempStore, type TempStore } from './store-fixture.ts';

let t: TempStore;
let slide: SlideRecord;

beforeEach(() => {
  t = openTempStore();
  slide = t.store.upsertSlide({ path: '/scans/damaged.mrxs', format: 'mirax', quickhash: 'q', width: 4000, height: 2000 }).slide;
});
afterEach(() => t.dispose());

const area = (x: number, y: number, size: number, recoveredFrom: number | null = 0): DamagedArea =>
  ({ box: { x, y, width: size, height: size }, level: 1, reason: 'Not a JPEG file: starts with 0x00 0x00', recoveredFrom });

describe('damage repository', () => {
  it('records each area once and lists them top to bottom', () => {
    assert.equal(t.store.recordDamagedRegions(slide.id, [area(1000, 500, 100), area(0, 0, 100)]), 2);
    assert.equal(t.store.recordDamagedRegions(slide.id, [area(0, 0, 100), area(0, 0, 100, null)]), 0, 'same level and box: known already');
    const rows = t.store.listDamagedRegions(slide.id);
    assert.deepEqual(rows.map((r) => [r.box.x, r.box.y, r.level, r.recoveredFrom, r.reason]), [
      [0, 0, 1, 0, 'Not a JPEG file: starts with 0x00 0x00'],
      [1000, 500, 1, 0, 'Not a JPEG file: starts with 0x00 0x00'],
    ]);
    assert.ok(rows.every((r) => r.slideId === slide.id && r.id > 0));
  });

  it('sums the share of the smear, overlaps once, weighted by tissue fraction', () => {
    t.store.planSlices(slide.id, [
      { x: 0, y: 0, width: 2000, height: 2000, tissueFraction: 1 },
      { x: 2000, y: 0, width: 2000, height: 2000, tissueFraction: 0.5 },
    ]);
    assert.deepEqual(t.store.damageSummary(slide.id), { regions: 0, smearFraction: 0, unreadableFraction: 0 });
    // 200x200 in the first slice (two overlapping boxes, 100x200 each way), 100x100 unreadable in the second.
    t.store.recordDamagedRegions(slide.id, [
      { ...area(0, 0, 200), box: { x: 0, y: 0, width: 200, height: 200 } },
      { ...area(100, 0, 200), level: 2 },
      area(2000, 0, 100, null),
    ]);
    const smear = 2000 * 2000 + 2000 * 2000 * 0.5;
    const summary = t.store.damageSummary(slide.id);
    assert.equal(summary.regions, 3);
    assert.equal(summary.smearFraction, (300 * 200 + 100 * 100 * 0.5) / smear);
    assert.equal(summary.unreadableFraction, (100 * 100 * 0.5) / smear);
  });

  it('refuses boxes outside the slide grid and unknown slides', () => {
    assert.throws(() => t.store.recordDamagedRegions(slide.id, [area(-1, 0, 10)]), StoreError);
    assert.throws(() => t.store.recordDamagedRegions(slide.id, [{ ...area(0, 0, 10), reason: '' }]), StoreError);
    assert.throws(() => t.store.listDamagedRegions(999), { code: 'not-found' });
  });

  it('unionArea counts overlaps once', () => {
    assert.equal(unionArea([]), 0);
    assert.equal(unionArea([{ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 }]), 175);
    assert.equal(unionArea([{ x: 0, y: 0, width: 10, height: 10 }, { x: 2, y: 2, width: 2, height: 2 }]), 100);
    assert.equal(unionArea([{ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 }]), 200);
  });
});
