import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadLimiter, defaultReadConcurrency } from '../../../src-main/slide/read-limiter.ts';

test('never runs more tasks than the limit, and runs them all in order', async () => {
  const limiter = new ReadLimiter(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const tasks = Array.from({ length: 10 }, (_, i) => limiter.run(async () => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setImmediate(resolve));
    order.push(i);
    running -= 1;
    return i;
  }));
  assert.equal(limiter.running, 2);
  assert.equal(limiter.waiting, 8);
  assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(limiter.running, 0);
});

test('a failing task frees its slot', async () => {
  const limiter = new ReadLimiter(1);
  await assert.rejects(limiter.run(async () => { throw new Error('read failed'); }), /read failed/);
  assert.equal(await limiter.run(async () => 7), 7);
  assert.equal(limiter.running, 0);
});

test('default concurrency is at least one and below the libuv pool size', () => {
  const n = defaultReadConcurrency();
  assert.ok(n >= 1 && n <= 3, `got ${n}`);
  assert.throws(() => new ReadLimiter(0), RangeError);
});
