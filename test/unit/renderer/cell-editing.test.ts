// The viewer's edit mode under plain Node: handle hit testing and dragging,
// drawn boxes, the edit keys (only in edit mode, Enter and Esc before their
// usual meaning), the split preview, and SlideCells taking an edit in place
// (retired cells leave filters, counts and navigation; new ones join the
// grid and the reading order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYMAP, matchKey, type KeyEventLike } from '../../../src-renderer/keymap.ts';
import { boxFromCorners, dragHandle, handleAt, handleCursor, handlePoints } from '../../../src-renderer/viewer/box-handles.ts';
import { SlideCells } from '../../../src-renderer/model/slide-cells.ts';
import { splitBoxByNuclei, unionBox, clampBox } from '../../../src-main/domain/edit-geometry.ts';

const key = (k: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const slide = { width: 1000, height: 800 };

test('handleAt: corners before edges before the inside; nothing outside the reach', () => {
  const box = { x: 100, y: 100, width: 200, height: 100 };
  assert.equal(handleAt(box, { x: 101, y: 99 }), 'nw');
  assert.equal(handleAt(box, { x: 305, y: 204 }), 'se');
  assert.equal(handleAt(box, { x: 200, y: 96 }), 'n');
  assert.equal(handleAt(box, { x: 298, y: 150 }), 'e');
  assert.equal(handleAt(box, { x: 200, y: 150 }), 'move');
  assert.equal(handleAt(box, { x: 90, y: 150 }), null);
  assert.equal(handleCursor('ne'), 'nesw-resize');
  assert.equal(handlePoints(box).length, 8);
});

test('dragHandle: edges follow, the box never turns inside out or leaves the slide; move keeps the size', () => {
  const box = { x: 100, y: 100, width: 200, height: 100 };
  assert.deepEqual(dragHandle(box, 'se', 30.4, 20.6, slide), { x: 100, y: 100, width: 230, height: 121 });
  assert.deepEqual(dragHandle(box, 'w', 500, 0, slide), { x: 298, y: 100, width: 2, height: 100 });
  assert.deepEqual(dragHandle(box, 'nw', -500, -500, slide), { x: 0, y: 0, width: 300, height: 200 });
  assert.deepEqual(dragHandle(box, 'move', 900, 10, slide), { x: 800, y: 110, width: 200, height: 100 });
  assert.deepEqual(dragHandle(box, 'n', 0, 10, slide), { x: 100, y: 110, width: 200, height: 90 });
});

test('boxFromCorners: whole pixels either way round, on the slide, too small is nothing', () => {
  assert.deepEqual(boxFromCorners({ x: 50.7, y: 60.2 }, { x: 10.2, y: 20.9 }, slide), { x: 10, y: 20, width: 41, height: 41 });
  assert.deepEqual(boxFromCorners({ x: -20, y: 700 }, { x: 30, y: 900 }, slide), { x: 0, y: 700, width: 30, height: 100 });
  assert.equal(boxFromCorners({ x: 5, y: 5 }, { x: 5.5, y: 40 }, slide), null);
});

test('split preview and merge box: one part per nucleus, nearest wins, parts stay in the box', () => {
  const box = { x: 0, y: 0, width: 100, height: 50 };
  const [left, right] = splitBoxByNuclei(box, [{ x: 20, y: 25 }, { x: 80, y: 25 }]);
  assert.deepEqual(left, { x: 0, y: 0, width: 50, height: 50 });
  assert.deepEqual(right, { x: 50, y: 0, width: 50, height: 50 });
  assert.deepEqual(unionBox([box, { x: 90, y: 40, width: 30, height: 30 }]), { x: 0, y: 0, width: 120, height: 70 });
  assert.equal(clampBox({ x: 200, y: 0, width: 5, height: 5 }, box), null);
});

test('edit keys act only in edit mode; there Enter finishes and Esc cancels before their usual meaning', () => {
  assert.equal(matchKey(key('e'))?.action.type, 'edit-toggle');
  assert.equal(matchKey(key('x')), null);
  assert.equal(matchKey(key('Enter'))?.action.type, 'zoom-to-focused');
  assert.equal(matchKey(key('Escape'))?.action.type, 'clear-focus');
  assert.deepEqual(matchKey(key('a'), KEYMAP, true)?.action, { type: 'edit-tool', tool: 'draw' });
  assert.deepEqual(matchKey(key('c'), KEYMAP, true)?.action, { type: 'edit-tool', tool: 'nucleus' });
  assert.deepEqual(matchKey(key('s'), KEYMAP, true)?.action, { type: 'edit-tool', tool: 'split' });
  assert.deepEqual(matchKey(key('m'), KEYMAP, true)?.action, { type: 'edit-tool', tool: 'merge' });
  assert.equal(matchKey(key('Delete'), KEYMAP, true)?.action.type, 'edit-reject');
  assert.equal(matchKey(key('Enter'), KEYMAP, true)?.action.type, 'edit-commit');
  assert.equal(matchKey(key('Escape'), KEYMAP, true)?.action.type, 'edit-cancel');
  // Labels and undo stay what they were.
  assert.equal(matchKey(key('1'), KEYMAP, true)?.action.type, 'label');
  assert.equal(matchKey(key('z', { ctrlKey: true }), KEYMAP, true)?.action.type, 'undo');
  const chords = KEYMAP.flatMap((b) => b.chords.map((c) => `${b.editOnly ? 'edit:' : ''}${c.ctrl ? 'C' : ''}${c.shift ? 'S' : ''}${c.key}`));
  assert.equal(new Set(chords).size, chords.length, 'no chord bound twice in one mode');
});

test('SlideCells.applyEdit: retired cells pass no filter and leave the counts; new ones join grid, order and counts; undo restores', () => {
  const cells = new SlideCells({
    ids: [1, 2, 3], boxes: [0, 0, 10, 10, 100, 0, 10, 10, 0, 100, 10, 10], labels: [0, -1, 2], flagged: [0, 1, 0],
  }, 1000, 1000);
  assert.deepEqual([cells.counts.total, cells.counts.labelled, cells.counts.flagged], [3, 2, 1]);
  // Reshape of cell 1 into cell 9 (keeps the label), reject of cell 2.
  const touched = cells.applyEdit([{ id: 9, box: { x: 40, y: 2, width: 20, height: 20 }, centre: { x: 50, y: 12 }, sliceX: 0, sliceY: 0, label: 0, flagged: false, cluster: false }], [1, 2]);
  const nine = cells.indexOf(9)!;
  assert.deepEqual(touched, [0, 1, nine]);
  assert.equal(cells.count, 4);
  assert.deepEqual([cells.counts.total, cells.counts.labelled, cells.counts.flagged, cells.counts.byClass[0]], [2, 2, 0, 1]);
  assert.equal(cells.passes(0, 'all'), false);
  assert.deepEqual(cells.grid.at(45, 5), [nine]);
  assert.deepEqual(Array.from(cells.filteredOrder('all', false), (i) => cells.ids[i]), [9, 3]);
  assert.equal(cells.next(null, 'all'), nine);
  assert.equal(cells.nearestInDirection(cells.indexOf(3)!, 0, -1, 'all'), nine);
  // Undo: 9 retired, 1 and 2 back with their labels and flag.
  cells.applyEdit([
    { id: 1, box: { x: 0, y: 0, width: 10, height: 10 }, centre: { x: 5, y: 5 }, sliceX: 0, sliceY: 0, label: 0, flagged: false, cluster: false },
    { id: 2, box: { x: 100, y: 0, width: 10, height: 10 }, centre: { x: 105, y: 5 }, sliceX: 0, sliceY: 0, label: -1, flagged: true, cluster: false },
  ], [9]);
  assert.deepEqual([cells.counts.total, cells.counts.labelled, cells.counts.flagged], [3, 2, 1]);
  assert.deepEqual(Array.from(cells.filteredOrder('all', false), (i) => cells.ids[i]), [1, 2, 3]);
});
