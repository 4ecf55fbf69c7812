// Gallery orders from hand-made probabilities, and the AUC / top-share metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassProbabilities } from '../../../src-main/assist/classifier.ts';
import { recallInTop, rocAuc } from '../../../src-main/assist/metrics.ts';
import { entropyOf, leastCertainFirst, marginOf, mostSuspiciousFirst, suggestionOf, suggestionsByClass } from '../../../src-main/assist/ranking.ts';

// Columns: healthy, rubbish, unhealthy, bothcells.
function probs(rows: number[][]): ClassProbabilities {
  return { rows: rows.length, values: Float64Array.from(rows.flat()) };
}

const P = probs([
  [0.7, 0.1, 0.2, 0], // 0: healthy, margin 0.5
  [0.1, 0.1, 0.8, 0], // 1: unhealthy, sure
  [0.4, 0.1, 0.5, 0], // 2: unhealthy, margin 0.1
  [0.25, 0.25, 0.25, 0.25], // 3: undecided, margin 0, entropy 2
  [0.45, 0.45, 0.1, 0], // 4: margin 0, entropy lower than row 3
  [0.1, 0.7, 0.2, 0], // 5: rubbish; p(unhealthy) ties row 0
  [0.05, 0.9, 0.05, 0], // 6: rubbish, surer
]);

test('most suspicious first: p(unhealthy) high to low, ties in row order, limited to the rows given', () => {
  assert.deepEqual(mostSuspiciousFirst(P), [1, 2, 3, 0, 5, 4, 6]);
  assert.deepEqual(mostSuspiciousFirst(P, [6, 0, 5]), [0, 5, 6]);
});

test('least certain first: smallest margin, then highest entropy', () => {
  assert.ok(Math.abs(marginOf(P, 2) - 0.1) < 1e-12);
  assert.equal(entropyOf(P, 3), 2);
  assert.deepEqual(leastCertainFirst(P), [3, 4, 2, 0, 5, 1, 6]);
  assert.deepEqual(leastCertainFirst(P, [1, 2]), [2, 1]);
});

test('suggestions: likeliest class per row; per class, surest first', () => {
  assert.deepEqual(suggestionOf(P, 1), { label: 'unhealthy', probability: 0.8 });
  assert.deepEqual(suggestionOf(P, 4), { label: 'healthy', probability: 0.45 }, 'a tie goes to the lower APACC id');
  assert.deepEqual(suggestionsByClass(P), { healthy: [3, 0, 4].sort((a, b) => [0.7, 0, 0, 0.25, 0.45][b]! - [0.7, 0, 0, 0.25, 0.45][a]!), rubbish: [6, 5], unhealthy: [1, 2], bothcells: [] });
  assert.deepEqual(suggestionsByClass(P).healthy, [0, 4, 3]);
});

test('orders refuse rows outside the probabilities and mis-sized probabilities', () => {
  assert.throws(() => mostSuspiciousFirst(P, [7]), /row 7 is outside 0..6/);
  assert.throws(() => leastCertainFirst({ rows: 2, values: new Float64Array(7) }), /7 probabilities for 2 rows/);
});

test('rocAuc: perfect, inverted, ties at a half, and null without both kinds', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [false, true, false, true]), 0.5);
  // One positive (0.6) above two of three negatives: 2/3.
  assert.ok(Math.abs(rocAuc([0.2, 0.6, 0.4, 0.9], [false, true, false, false])! - 2 / 3) < 1e-12);
  assert.equal(rocAuc([0.1, 0.2], [true, true]), null);
  assert.throws(() => rocAuc([0.1], [true, false]), RangeError);
});

test('recallInTop counts the positives within the first share, rounded up', () => {
  const ranked = [5, 1, 7, 2, 9, 3, 4, 8, 6, 0];
  const positive = (r: number) => r === 1 || r === 9 || r === 0;
  assert.deepEqual(recallInTop(ranked, positive, 0.2), { found: 1, positives: 3, inspected: 2 });
  assert.deepEqual(recallInTop(ranked, positive, 0.45), { found: 2, positives: 3, inspected: 5 });
  assert.throws(() => recallInTop(ranked, positive, 0), RangeError);
});
