import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otsuThreshold } from '../../../src-main/pipeline/otsu.ts';

test('otsu separates two well-separated modes between them', () => {
  const h = new Array(256).fill(0);
  h[60] = 500; h[70] = 300; h[230] = 1000; h[240] = 900;
  const t = otsuThreshold(h);
  assert.ok(t >= 70 && t < 230, `threshold ${t}`);
});

test('otsu on an empty histogram returns the midpoint instead of failing', () => {
  assert.equal(otsuThreshold(new Array(256).fill(0)), 127);
});
