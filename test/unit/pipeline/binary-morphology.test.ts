import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closing, dilate, erode, opening } from '../../../src-main/pipeline/binary-morphology.ts';

function maskFrom(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
}

test('erode shrinks a 3x3 square to its centre, dilate grows a point to 3x3', () => {
  const square = maskFrom(['.....', '.###.', '.###.', '.###.', '.....']);
  assert.deepEqual([...erode(square, 5, 5)], [...maskFrom(['.....', '.....', '..#..', '.....', '.....'])]);
  const point = maskFrom(['.....', '.....', '..#..', '.....', '.....']);
  assert.deepEqual([...dilate(point, 5, 5)], [...square]);
});

test('opening removes a lone speck; closing fills a one-pixel hole; edge tissue survives', () => {
  const m = maskFrom([
    '#####....',
    '#####..#.',
    '##.##....',
    '#####....',
    '#####....',
  ]);
  const cleaned = closing(opening(m, 9, 5, 1), 9, 5, 1);
  assert.equal(cleaned[1 * 9 + 7], 0, 'speck removed');
  assert.equal(cleaned[2 * 9 + 2], 1, 'hole filled');
  assert.equal(cleaned[0], 1, 'corner pixel on the image edge kept');
});
