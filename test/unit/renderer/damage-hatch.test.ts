// The hatching of damaged scan data: 45 degree lines on a screen-anchored
// grid, every one inside its box, spaced as asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hatchSegments } from '../../../src-renderer/viewer/damage-hatch.ts';

test('hatchSegments: diagonal lines clipped to the box, one per spacing', () => {
  const seg = hatchSegments(100, 50, 40, 20, 10);
  assert.equal(seg.length % 4, 0);
  // Lines sx + sy = c for c = 150, 160, ..., 210: seven lines.
  assert.equal(seg.length / 4, 7);
  for (let k = 0; k < seg.length; k += 4) {
    const [x0, y0, x1, y1] = seg.slice(k, k + 4) as [number, number, number, number];
    for (const [x, y] of [[x0, y0], [x1, y1]] as const) {
      assert.ok(x >= 100 && x <= 140 && y >= 50 && y <= 70, `${x},${y} inside the box`);
    }
    assert.equal(x0 + y0, x1 + y1, 'a 45 degree line');
    assert.equal((x0 + y0) % 10, 0, 'on the screen-anchored grid');
  }
  assert.deepEqual(seg.slice(0, 4), [100, 50, 100, 50], 'the first line touches the top-left corner');
});

test('hatchSegments: nothing for an empty box or spacing', () => {
  assert.deepEqual(hatchSegments(0, 0, 0, 10, 10), []);
  assert.deepEqual(hatchSegments(0, 0, 10, 10, 0), []);
});
