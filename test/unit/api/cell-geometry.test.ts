// Context boxes, arrow-direction scoring and search windows, filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTEXT_SIDE_MAX, CONTEXT_SIDE_MIN, contextBoxOf, directionScore, matchesFilter, nearestInDirection, searchWindow,
} from '../../../src-main/api/cell-geometry.ts';
import type { ArrowDirection } from '../../../src-main/api/cell-geometry.ts';
import type { CellView } from '../../../src-main/domain/cell.ts';

test('the context box is a square around the cell, three boxes wide within bounds', () => {
  assert.deepEqual(contextBoxOf({ x: 1000, y: 2000, width: 200, height: 100 }), { x: 800, y: 1750, width: 600, height: 600 });
  assert.equal(contextBoxOf({ x: 0, y: 0, width: 10, height: 10 }).width, CONTEXT_SIDE_MIN);
  assert.equal(contextBoxOf({ x: 0, y: 0, width: 3000, height: 10 }).height, CONTEXT_SIDE_MAX);
});

test('direction scores: inside the cone only, straight ahead beats the same distance sideways', () => {
  const o = { x: 100, y: 100 };
  assert.equal(directionScore(o, { x: 150, y: 100 }, 'right'), 50);
  assert.equal(directionScore(o, { x: 150, y: 120 }, 'right'), 90);
  assert.equal(directionScore(o, { x: 150, y: 160 }, 'right'), null); // more sideways than ahead
  assert.equal(directionScore(o, { x: 50, y: 100 }, 'right'), null);
  assert.equal(directionScore(o, { x: 100, y: 40 }, 'up'), 60);
  assert.equal(directionScore(o, { x: 100, y: 160 }, 'down'), 60);
  assert.equal(directionScore(o, { x: 40, y: 100 }, 'left'), 60);
  assert.equal(directionScore(o, o, 'left'), null);
});

test('nearestInDirection skips the origin and breaks ties by id; the window holds every centre within reach', () => {
  const origin = { id: 1, centre: { x: 0, y: 0 } };
  const cells = [origin, { id: 5, centre: { x: 10, y: 0 } }, { id: 3, centre: { x: 10, y: 0 } }, { id: 4, centre: { x: 5, y: 5 } }];
  assert.deepEqual(nearestInDirection(origin, cells, 'right'), { cell: cells[2], score: 10 });
  assert.equal(nearestInDirection(origin, cells, 'left'), null);
  const directions: ArrowDirection[] = ['up', 'down', 'left', 'right'];
  for (const direction of directions) {
    const w = searchWindow({ x: 0, y: 0 }, direction, 100);
    for (const p of [{ x: 100, y: 0 }, { x: -100, y: 0 }, { x: 0, y: 100 }, { x: 0, y: -100 }, { x: 50, y: 50 }, { x: -50, y: -50 }]) {
      const score = directionScore({ x: 0, y: 0 }, p, direction);
      if (score === null || Math.max(Math.abs(p.x), Math.abs(p.y)) > 100) continue;
      assert.ok(p.x >= w.x && p.x < w.x + w.width && p.y >= w.y && p.y < w.y + w.height, `${direction} ${JSON.stringify(p)}`);
    }
  }
});

test('filters: unlabelled, labelled, one class, flagged', () => {
  const cell = (label: CellView['label'], flagged: boolean) => ({ label, flagged, source: 'auto' }) as CellView;
  assert.ok(matchesFilter(cell(null, false), { label: 'unlabelled' }));
  assert.ok(!matchesFilter(cell('healthy', false), { label: 'unlabelled' }));
  assert.ok(matchesFilter(cell('rubbish', false), { label: 'labelled' }));
  assert.ok(matchesFilter(cell('rubbish', true), { label: 'rubbish', flagged: true }));
  assert.ok(!matchesFilter(cell('rubbish', false), { flagged: true }));
  assert.ok(matchesFilter(cell(null, false), undefined));
});
