import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pngLevelForSpeed } from '../../../src-main/dataset/png-level.ts';

test('PNG level from the target speed: fast disks get fast encoding, slow sticks small files, never level 0', () => {
  assert.equal(pngLevelForSpeed(1000e6, 2), 1, 'local SSD');
  assert.equal(pngLevelForSpeed(60e6, 2), 1, 'USB 3 stick, 2 cores');
  assert.equal(pngLevelForSpeed(20e6, 2), 2, 'USB 2 stick');
  assert.equal(pngLevelForSpeed(4e6, 2), 6, 'slow share');
  assert.equal(pngLevelForSpeed(60e6, 8), 3, 'more cores afford a smaller file at the same speed');
  for (const speed of [1, 1e3, 1e6, 1e9, 1e12]) assert.ok(pngLevelForSpeed(speed, 2) >= 1);
});
