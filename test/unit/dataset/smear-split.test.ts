import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../../src-main/domain/random.ts';
import { splitSmears, SplitError, type SmearCounts } from '../../../src-main/dataset/smear-split.ts';

function smears(n: number, seed: number): SmearCounts[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const size = 200 + Math.floor(random() * 1500);
    // Rare abnormal classes, uneven per smear, like APACC (62k rubbish, 35k healthy, 4k bothcells, 3k unhealthy).
    const abnormal = random() < 0.3 ? 0.12 * random() : 0.01 * random();
    return {
      smearId: `smear-${String(i).padStart(3, '0')}`,
      counts: {
        healthy: Math.round(size * 0.34), rubbish: Math.round(size * (0.6 - abnormal)),
        unhealthy: Math.round(size * abnormal * 0.45), bothcells: Math.round(size * abnormal * 0.55),
      },
    };
  });
}

function shares(list: SmearCounts[]): number[] {
  const sums = [0, 0, 0, 0];
  for (const s of list) ['healthy', 'rubbish', 'unhealthy', 'bothcells'].forEach((c, j) => { sums[j]! += s.counts[c as 'healthy']; });
  const total = sums.reduce((a, b) => a + b, 0);
  return sums.map((v) => v / total);
}

test('automatic split: 20 of 107 smears, whole smears only, class shares close to the whole set', () => {
  const input = smears(107, 3);
  const d = splitSmears(input, { mode: 'auto', seed: 1, testFraction: 20 / 107 });
  assert.equal(d.test.length, 20);
  assert.equal(d.train.length, 87);
  assert.equal(new Set([...d.train, ...d.test]).size, 107, 'every smear in exactly one subset');
  const overall = shares(input);
  const test = shares(input.filter((s) => d.test.includes(s.smearId)));
  const gap = overall.reduce((g, v, j) => g + Math.abs(v - (test[j] as number)), 0);
  assert.ok(gap < 0.01, `class share gap ${gap}`);
  assert.ok(d.distance !== null && d.distance < 0.05, `distance ${d.distance}`);
  // A random choice of 20 smears is usually much further off.
  const randomPick = input.slice(0, 20);
  const randomGap = overall.reduce((g, v, j) => g + Math.abs(v - (shares(randomPick)[j] as number)), 0);
  assert.ok(gap < randomGap, `optimised ${gap} vs first-20 ${randomGap}`);
});

test('same smears and seed give the same split, whatever the input order; another seed may differ', () => {
  const input = smears(30, 9);
  const a = splitSmears(input, { mode: 'auto', seed: 42, testFraction: 0.2 });
  const b = splitSmears([...input].reverse(), { mode: 'auto', seed: 42, testFraction: 0.2 });
  assert.deepEqual(a.test, b.test);
  assert.deepEqual(a.train, b.train);
  assert.equal(a.distance, b.distance);
  assert.equal(a.seed, 42);
});

test('testCount overrides the fraction; one smear stays in train; tiny sets keep a train smear', () => {
  assert.equal(splitSmears(smears(10, 1), { mode: 'auto', seed: 1, testFraction: 0.2, testCount: 4 }).test.length, 4);
  const one = splitSmears(smears(1, 1), { mode: 'auto', seed: 1, testFraction: 0.5 });
  assert.deepEqual([one.train.length, one.test.length], [1, 0]);
  const two = splitSmears(smears(2, 1), { mode: 'auto', seed: 1, testFraction: 0.9 });
  assert.deepEqual([two.train.length, two.test.length], [1, 1]);
});

test('explicit split: every smear once, no unknown names', () => {
  const input = smears(3, 1);
  const ok = splitSmears(input, { mode: 'explicit', train: ['smear-000', 'smear-002'], test: ['smear-001'] });
  assert.equal(ok.assignment.get('smear-001'), 'test');
  assert.throws(() => splitSmears(input, { mode: 'explicit', train: ['smear-000'], test: ['smear-001'] }), /no split.*smear-002/);
  assert.throws(() => splitSmears(input, { mode: 'explicit', train: ['smear-000', 'smear-001', 'smear-002'], test: ['smear-001'] }), /assigned twice/);
  assert.throws(() => splitSmears(input, { mode: 'explicit', train: ['smear-000', 'smear-001', 'smear-002', 'x'], test: [] }), SplitError);
});

test('mode none: everything in train', () => {
  const d = splitSmears(smears(4, 1), { mode: 'none' });
  assert.equal(d.train.length, 4);
  assert.equal(d.test.length, 0);
});
