// The gallery's multi-selection: click, Ctrl+click, Shift+click runs from the
// anchor in gallery order, Ctrl+A capped at one labelCells call, and which
// cells "accept all suggestions" labels with what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptGroups, nextInListing, NO_SELECTION, selectAll, SELECTION_MAX, selectionAfterClick,
} from '../../../../src-renderer/model/gallery-selection.ts';

const ORDER = [7, 3, 9, 1, 4, 0];
const plain = { shift: false, toggle: false };

test('a click selects one tile and anchors there; Shift+click takes the run in gallery order, either way', () => {
  const one = selectionAfterClick(NO_SELECTION, ORDER, 9, plain);
  assert.deepEqual(one, { indices: [9], anchor: 9 });
  assert.deepEqual(selectionAfterClick(one, ORDER, 4, { shift: true, toggle: false }).indices, [9, 1, 4]);
  assert.deepEqual(selectionAfterClick(one, ORDER, 7, { shift: true, toggle: false }).indices, [7, 3, 9], 'backwards: still gallery order');
  // The anchor stays: a second Shift+click replaces the run.
  const run = selectionAfterClick(one, ORDER, 0, { shift: true, toggle: false });
  assert.deepEqual(selectionAfterClick(run, ORDER, 3, { shift: true, toggle: false }).indices, [3, 9]);
  // Shift with nothing anchored is a plain click.
  assert.deepEqual(selectionAfterClick(NO_SELECTION, ORDER, 1, { shift: true, toggle: false }), { indices: [1], anchor: 1 });
});

test('Ctrl+click adds a tile in gallery order, or takes it out', () => {
  let s = selectionAfterClick(NO_SELECTION, ORDER, 4, plain);
  s = selectionAfterClick(s, ORDER, 3, { shift: false, toggle: true });
  assert.deepEqual(s.indices, [3, 4]);
  s = selectionAfterClick(s, ORDER, 4, { shift: false, toggle: true });
  assert.deepEqual(s.indices, [3]);
});

test('Ctrl+A selects the listed tiles, at most one call\'s worth', () => {
  assert.deepEqual(selectAll(ORDER).indices, ORDER);
  const many = Int32Array.from({ length: 1234 }, (_, i) => 1233 - i);
  const all = selectAll(many);
  assert.equal(all.indices.length, SELECTION_MAX);
  assert.equal(all.indices[0], 1233);
  const run = selectionAfterClick({ indices: [1233], anchor: 1233 }, many, 0, { shift: true, toggle: false });
  assert.equal(run.indices.length, SELECTION_MAX, 'a Shift run is capped too');
});

test('accepting suggestions groups by suggested class; own labels and cells without a suggestion are left alone', () => {
  // index:           0   1   2   3   4   5
  const labels =   [-1, -1,  0, -1, -1, -1];
  const suggested = [1,  2,  1, -1,  1,  0];
  assert.deepEqual(acceptGroups([0, 1, 2, 3, 4, 5], labels, suggested), [
    { label: 'healthy', indices: [5] },
    { label: 'rubbish', indices: [0, 4] },
    { label: 'unhealthy', indices: [1] },
  ]);
  assert.deepEqual(acceptGroups([2, 3], labels, suggested), []);
});

test('a label key in the gallery moves on along the listing: the next unlabelled tile (wrapping), else the next tile', () => {
  const unlabelled = new Set([9, 4, 7]);
  const accept = (i: number) => unlabelled.has(i);
  assert.equal(nextInListing(ORDER, 3, accept), 9);
  assert.equal(nextInListing(ORDER, 9, accept), 4);
  assert.equal(nextInListing(ORDER, 4, accept), 7, 'wraps to the start of the listing');
  assert.equal(nextInListing(ORDER, 1, () => false), 4, 'nothing unlabelled: the next tile');
  assert.equal(nextInListing(ORDER, 0, () => false), null, 'the last tile');
  assert.equal(nextInListing(ORDER, 42, accept), null, 'not listed');
});
