// Square morphology, hole filling and speck removal on small hand-drawn masks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSquare, dilateSquare, erodeSquare, fillHoles, labelComponents, openSquare, removeSmallComponents,
} from '../../../../src-main/pipeline/segment/mask-morphology.ts';

function parse(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const data = new Uint8Array(rows.join('').split('').map((c) => (c === '#' ? 1 : 0)));
  return { data, width, height: rows.length };
}
function show(data: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < data.length; i += width) rows.push([...data.slice(i, i + width)].map((v) => (v ? '#' : '.')).join(''));
  return rows;
}

test('dilate and erode by a square, with the image edge not eroding', () => {
  const m = parse(['.....', '.....', '..#..', '.....', '.....']);
  assert.deepEqual(show(dilateSquare(m.data, 5, 5, 1), 5), ['.....', '.###.', '.###.', '.###.', '.....']);
  const full = parse(['###', '###', '###']);
  assert.deepEqual(show(erodeSquare(full.data, 3, 3, 1), 3), ['###', '###', '###']);
  const block = parse(['.....', '.###.', '.###.', '.###.', '.....']);
  assert.deepEqual(show(erodeSquare(block.data, 5, 5, 1), 5), ['.....', '.....', '..#..', '.....', '.....']);
});

test('large radius equals repeated radius 1', () => {
  const m = parse(['.........', '.#.......', '.........', '......#..', '.........', '.........', '..#......']);
  let rep = m.data;
  for (let i = 0; i < 3; i++) rep = dilateSquare(rep, m.width, m.height, 1);
  assert.deepEqual(dilateSquare(m.data, m.width, m.height, 3), rep);
});

test('open removes a speck, close bridges a one-pixel gap', () => {
  const m = parse(['#.....', '..###.', '..###.', '..###.']);
  assert.deepEqual(show(openSquare(m.data, 6, 4, 1), 6), ['......', '..###.', '..###.', '..###.']);
  const g = parse(['.........', '..##.##..', '..##.##..', '.........']);
  assert.deepEqual(show(closeSquare(g.data, 9, 4, 1), 9)[1], '..#####..');
});

test('fillHoles fills enclosed background up to a size, not border background', () => {
  const m = parse(['#####..', '#...#..', '#.#.#..', '#...#..', '#####..']);
  assert.deepEqual(show(fillHoles(m.data, 7, 5), 7), ['#####..', '#####..', '#####..', '#####..', '#####..']);
  assert.deepEqual(fillHoles(m.data, 7, 5, 7), m.data, 'an 8-pixel hole stays when maxArea is 7');
});

test('components: 4-connected labels and small ones removed', () => {
  const m = parse(['##..#', '##...', '...#.', '....#']);
  const { areas } = labelComponents(m.data, 5, 4, 1);
  assert.deepEqual(areas.slice(1).sort(), [1, 1, 1, 4]);
  assert.deepEqual(show(removeSmallComponents(m.data, 5, 4, 2), 5), ['##...', '##...', '.....', '.....']);
});
