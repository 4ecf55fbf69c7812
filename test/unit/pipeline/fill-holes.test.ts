import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillSmallHoles } from '../../../src-main/pipeline/fill-holes.ts';

function maskFrom(rows: string[], downsample = 1) {
  return { width: rows[0]!.length, height: rows.length, downsample, data: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)) };
}

test('a nucleus-sized hole is filled; background touching the edge is not', () => {
  const m = maskFrom([
    '.......',
    '.#####.',
    '.#..##.',
    '.#####.',
    '.......',
  ]);
  assert.equal(fillSmallHoles(m, 100), 2);
  assert.equal(m.data[2 * 7 + 2], 1);
  assert.equal(m.data[0], 0, 'outer glass untouched');
});

test('a hole larger than the limit stays open (glass inside a ring of cells)', () => {
  const m = maskFrom(['#####', '#...#', '#...#', '#...#', '#####'], 4);
  // 9 mask px at downsample 4 = 144 level-0 px^2.
  assert.equal(fillSmallHoles(m, 100), 0);
  assert.equal(fillSmallHoles(m, 144), 9);
});

test('background is 4-connected: a pixel closed in by its four neighbours is a hole despite open diagonals', () => {
  const m = maskFrom(['.#.', '#.#', '.#.']);
  assert.equal(fillSmallHoles(m, 100), 1, 'centre is enclosed by 4-neighbours');
});
