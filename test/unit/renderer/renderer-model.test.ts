// The renderer's pure logic under plain Node (no browser): keymap matching,
// the overlay's spatial grid against brute force, reading order, arrow
// navigation, counters. (Kept beside the browser suite because the renderer
// engineer owns this folder; it belongs in test/unit/renderer/ by the
// mirroring convention.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYMAP, chordLabel, matchKey, type KeyEventLike } from '../../../src-renderer/keymap.ts';
import { SpatialGrid } from '../../../src-renderer/model/spatial-grid.ts';
import { SlideCells } from '../../../src-renderer/model/slide-cells.ts';
import { passesFilter } from '../../../src-renderer/model/cell-filter.ts';
import { niceScaleBar } from '../../../src-renderer/viewer/scale-bar.ts';
import { maskOutline } from '../../../src-renderer/viewer/fov-outline.ts';
import { CELL_CLASSES } from '../../../src-main/domain/cell-class.ts';

function key(k: string, mods: Partial<KeyEventLike> = {}): KeyEventLike {
  return { key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}

test('keymap: class digits and letters label, in APACC id + 1 order', () => {
  for (const c of CELL_CLASSES) {
    assert.deepEqual(matchKey(key(String(c.apaccId + 1)))?.action, { type: 'label', label: c.name });
    assert.deepEqual(matchKey(key(c.letterKey.toUpperCase(), { shiftKey: true }))?.action, { type: 'label', label: c.name });
    assert.deepEqual(matchKey(key(c.letterKey))?.action, { type: 'label', label: c.name });
  }
});

test('keymap: Space / Shift+Space, Z / Ctrl+Z / Ctrl+Shift+Z, ? and Esc', () => {
  assert.equal(matchKey(key(' '))?.action.type, 'next');
  assert.equal(matchKey(key(' ', { shiftKey: true }))?.action.type, 'previous');
  assert.equal(matchKey(key('z'))?.action.type, 'zoom-to-focused');
  assert.equal(matchKey(key('Enter'))?.action.type, 'zoom-to-focused');
  assert.equal(matchKey(key('z', { ctrlKey: true }))?.action.type, 'undo');
  assert.equal(matchKey(key('Z', { ctrlKey: true, shiftKey: true }))?.action.type, 'redo');
  assert.equal(matchKey(key('z', { metaKey: true }))?.action.type, 'undo');
  assert.equal(matchKey(key('?', { shiftKey: true }))?.action.type, 'toggle-help');
  assert.equal(matchKey(key('Escape'))?.action.type, 'clear-focus');
  assert.deepEqual(matchKey(key('ArrowLeft'))?.action, { type: 'move', dx: -1, dy: 0 });
  assert.equal(matchKey(key('1', { altKey: true })), null, 'Alt chords are left to the system');
  assert.equal(matchKey(key('j')), null);
});

test('keymap: Q / Shift+Q walk the disagreement queue, W the second-assessment queue, listed under Adjudicate', () => {
  assert.deepEqual(matchKey(key('q'))?.action, { type: 'queue', queue: 'disagreements', direction: 'next' });
  assert.deepEqual(matchKey(key('Q', { shiftKey: true }))?.action, { type: 'queue', queue: 'disagreements', direction: 'previous' });
  assert.deepEqual(matchKey(key('w'))?.action, { type: 'queue', queue: 'second-assessment', direction: 'next' });
  assert.deepEqual(KEYMAP.filter((b) => b.group === 'Adjudicate').map((b) => b.chords.map(chordLabel).join(' ')), ['Q', 'Shift+Q', 'W']);
});

test('keymap: no chord is bound twice (edit mode counts apart: its bindings come first there), and every chord has a printable label', () => {
  const seen = new Map<string, string>();
  for (const b of KEYMAP) {
    for (const c of b.chords) {
      const id = `${b.editOnly ? 'edit:' : ''}${c.ctrl ? 'C' : ''}${c.shift ? 'S' : ''}${c.key}`;
      assert.ok(!seen.has(id), `${chordLabel(c)} is bound to "${seen.get(id)}" and "${b.description}"`);
      seen.set(id, b.description);
      assert.ok(chordLabel(c).length > 0);
    }
  }
});

function randomBoxes(n: number, size: number, seed: number): Int32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const boxes = new Int32Array(n * 4);
  for (let i = 0; i < n; i++) {
    boxes[i * 4] = Math.floor(rand() * size);
    boxes[i * 4 + 1] = Math.floor(rand() * size);
    boxes[i * 4 + 2] = 1 + Math.floor(rand() * 300);
    boxes[i * 4 + 3] = 1 + Math.floor(rand() * 300);
  }
  return boxes;
}

test('spatial grid: a viewport query finds exactly the intersecting boxes, each once', () => {
  const boxes = randomBoxes(5000, 20000, 7);
  const grid = new SpatialGrid(boxes, 20000, 20000);
  for (const rect of [
    { x: 0, y: 0, width: 20000, height: 20000 },
    { x: 5000, y: 7000, width: 1300, height: 800 },
    { x: -500, y: -500, width: 600, height: 600 },
    { x: 19990, y: 100, width: 5000, height: 50 },
  ]) {
    const found: number[] = [];
    grid.query(rect, (i) => found.push(i));
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const [x, y, w, h] = [boxes[i * 4]!, boxes[i * 4 + 1]!, boxes[i * 4 + 2]!, boxes[i * 4 + 3]!];
      if (x < rect.x + rect.width && x + w > rect.x && y < rect.y + rect.height && y + h > rect.y) expected.push(i);
    }
    assert.deepEqual(found.sort((a, b) => a - b), expected, JSON.stringify(rect));
  }
});

test('spatial grid: at() lists the boxes under a point, smallest first', () => {
  const boxes = Int32Array.from([0, 0, 100, 100, 10, 10, 20, 20, 500, 500, 10, 10]);
  const grid = new SpatialGrid(boxes, 1000, 1000);
  assert.deepEqual(grid.at(15, 15), [1, 0]);
  assert.deepEqual(grid.at(505, 505), [2]);
  assert.deepEqual(grid.at(300, 300), []);
});

/** Two slices side by side (2,000 px), cells given out of order. */
function twoSlices(): SlideCells {
  // id: centre -> slice: (2100,100) s1; (100,1000) s0; (900,100) s0; (1500,100) s0; (2100,50) s1
  const centres = [[2100, 100], [100, 1000], [900, 100], [1500, 100], [2100, 1900]];
  const boxes: number[] = [];
  for (const [cx, cy] of centres) boxes.push(cx! - 20, cy! - 20, 40, 40);
  return new SlideCells(
    { ids: [11, 12, 13, 14, 15], boxes, labels: [-1, 0, -1, 2, -1], flagged: [0, 0, 1, 0, 0] },
    4000, 2000,
    [{ x: 0, y: 0, width: 2000, height: 2000 }, { x: 2000, y: 0, width: 2000, height: 2000 }],
  );
}

test('slide cells: reading order is slice by slice, then centre y, then x', () => {
  const cells = twoSlices();
  assert.deepEqual(Array.from(cells.order, (i) => cells.ids[i]), [13, 14, 12, 11, 15]);
});

test('slide cells: next / previous follow reading order and the filter; next-unlabelled wraps', () => {
  const cells = twoSlices();
  const at = (id: number) => cells.indexOf(id)!;
  assert.equal(cells.ids[cells.next(null, 'all')!], 13);
  assert.equal(cells.ids[cells.next(at(14), 'all')!], 12);
  assert.equal(cells.ids[cells.previous(at(12), 'all')!], 14);
  assert.equal(cells.ids[cells.next(at(13), 'unlabelled')!], 11);
  assert.equal(cells.next(at(15), 'all'), null);
  const unlabelled = (i: number) => cells.labels[i] === -1;
  assert.equal(cells.ids[cells.next(at(15), 'all', unlabelled, true)!], 13, 'wraps to the first unlabelled');
  assert.equal(cells.ids[cells.next(null, 'flagged')!], 13);
});

test('slide cells: arrows pick the nearest cell in that direction', () => {
  const cells = twoSlices();
  const at = (id: number) => cells.indexOf(id)!;
  assert.equal(cells.ids[cells.nearestInDirection(at(13), 1, 0, 'all')!], 14);
  assert.equal(cells.ids[cells.nearestInDirection(at(13), 0, 1, 'all')!], 12);
  assert.equal(cells.nearestInDirection(at(13), -1, 0, 'all'), null);
  assert.equal(cells.ids[cells.nearestInDirection(at(14), 1, 0, 'all')!], 11);
});

test('slide cells: counters follow setLabel / setFlag', () => {
  const cells = twoSlices();
  assert.equal(cells.counts.labelled, 2);
  assert.equal(cells.counts.flagged, 1);
  assert.equal(cells.setLabel(cells.indexOf(11)!, 3), true);
  assert.equal(cells.setLabel(cells.indexOf(11)!, 3), false, 'same label: no change');
  assert.equal(cells.setLabel(cells.indexOf(12)!, -1), true);
  assert.equal(cells.counts.labelled, 2);
  assert.deepEqual(cells.counts.byClass, [0, 0, 1, 1]);
  cells.setFlag(cells.indexOf(13)!, false);
  assert.equal(cells.counts.flagged, 0);
  assert.ok(passesFilter('bothcells', 3, false) && !passesFilter('bothcells', 2, false) && passesFilter('flagged', -1, true));
  assert.deepEqual(Array.from(cells.filteredOrder('all', true), (i) => cells.ids[i]), [13, 12, 15, 14, 11]);
});

test('scale bar: round lengths no longer than the target', () => {
  assert.deepEqual(niceScaleBar(0.25, 120), { px: 80, text: '20 µm' });
  assert.deepEqual(niceScaleBar(10, 120), { px: 100, text: '1 mm' });
  assert.deepEqual(niceScaleBar(0.5, 120), { px: 100, text: '50 µm' });
});

test('FOV outline: a 2 x 2 block in a 4 x 4 mask gives its square boundary, scaled', () => {
  const rgba = new Uint8ClampedArray(4 * 4 * 4);
  for (const [x, y] of [[1, 1], [2, 1], [1, 2], [2, 2]]) rgba[(y! * 4 + x!) * 4] = 255;
  const seg = maskOutline(rgba, 4, 4, 400, 400);
  const list = [];
  for (let k = 0; k < seg.length; k += 4) list.push(Array.from(seg.subarray(k, k + 4)));
  assert.deepEqual(list, [[100, 100, 300, 100], [100, 300, 300, 300], [100, 100, 100, 300], [300, 100, 300, 300]]);
});

test('slide cells: stored centres (the nuclei) decide reading order and slice, not box centres; clusters are marked', () => {
  // Two cells in one slice whose boxes are lopsided around their nuclei: by box centre 21 comes
  // first, by nucleus 22 does, and the store orders by nucleus.
  const boxes = [100, 100, 400, 100, /* nucleus at (480, 190) */ 100, 120, 400, 100 /* nucleus at (120, 130) */];
  const slices = [{ x: 0, y: 0, width: 2000, height: 2000 }];
  const byBox = new SlideCells({ ids: [21, 22], boxes, labels: [-1, -1], flagged: [0, 0] }, 2000, 2000, slices);
  assert.deepEqual(Array.from(byBox.order, (i) => byBox.ids[i]), [21, 22]);
  const cells = new SlideCells({ ids: [21, 22], boxes, labels: [-1, -1], flagged: [0, 0], centres: [480, 190, 120, 130], clusters: [0, 1] }, 2000, 2000, slices);
  assert.deepEqual(Array.from(cells.order, (i) => cells.ids[i]), [22, 21]);
  assert.deepEqual(Array.from(cells.clusters), [0, 1]);
  assert.deepEqual(Array.from(byBox.clusters), [0, 0], 'no cluster column: all single cells');
  assert.throws(() => new SlideCells({ ids: [21, 22], boxes, labels: [-1, -1], flagged: [0, 0], clusters: [1] }, 2000, 2000, slices),
    /1 cluster marks/);
});
