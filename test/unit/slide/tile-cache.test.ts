import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TileCache } from '../../../src-main/slide/tile-cache.ts';

const bytes = (n: number) => Buffer.alloc(n, 1);

test('total bytes never exceed the bound', () => {
  const cache = new TileCache(1000);
  for (let i = 0; i < 200; i++) {
    cache.set(`t${i}`, bytes(37 + (i * 53) % 300));
    assert.ok(cache.bytes <= 1000, `after ${i} inserts: ${cache.bytes} bytes`);
  }
  const sum = cache.keys().reduce((s, k) => s + cache.get(k)!.length, 0);
  assert.equal(sum, cache.bytes);
  assert.ok(cache.size > 1);
});

test('evicts the least recently used entry first; a get refreshes', () => {
  const cache = new TileCache(300);
  cache.set('a', bytes(100));
  cache.set('b', bytes(100));
  cache.set('c', bytes(100));
  assert.ok(cache.get('a'));
  cache.set('d', bytes(100)); // evicts b, the oldest not touched
  assert.deepEqual(cache.keys(), ['c', 'a', 'd']);
  assert.equal(cache.get('b'), undefined);
  cache.set('e', bytes(250)); // evicts c, a and d
  assert.deepEqual(cache.keys(), ['e']);
  assert.equal(cache.bytes, 250);
});

test('replacing a key and deleting adjust the byte count', () => {
  const cache = new TileCache(1000);
  cache.set('a', bytes(100));
  cache.set('a', bytes(40));
  assert.equal(cache.bytes, 40);
  cache.set('s1/x', bytes(10));
  cache.set('s2/x', bytes(20));
  cache.deletePrefix('s1/');
  assert.deepEqual(cache.keys(), ['a', 's2/x']);
  assert.equal(cache.bytes, 60);
  assert.equal(cache.delete('a'), true);
  assert.equal(cache.delete('a'), false);
  assert.equal(cache.bytes, 20);
});

test('an entry larger than the bound is not stored; size 0 stores nothing', () => {
  const cache = new TileCache(50);
  cache.set('big', bytes(51));
  assert.equal(cache.size, 0);
  const off = new TileCache(0);
  off.set('x', bytes(1));
  assert.equal(off.size, 0);
  assert.throws(() => new TileCache(-1), RangeError);
});

test('concurrent loads of one key run the loader once', async () => {
  const cache = new TileCache(0); // even with caching off
  let loads = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const load = async () => { loads += 1; await gate; return bytes(5); };
  const all = Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
  release();
  const results = await all;
  assert.equal(loads, 1);
  assert.equal(results[0], results[2]);
  await cache.getOrLoad('k', load);
  assert.equal(loads, 2, 'after the first load settled, an uncached key loads again');
});

test('a cached key is not loaded again; a failed load is retried', async () => {
  const cache = new TileCache(100);
  let loads = 0;
  await cache.getOrLoad('k', async () => { loads += 1; return bytes(5); });
  await cache.getOrLoad('k', async () => { loads += 1; return bytes(5); });
  assert.equal(loads, 1);
  await assert.rejects(cache.getOrLoad('bad', () => { throw new Error('boom'); }), /boom/);
  await assert.rejects(cache.getOrLoad('bad', async () => { throw new Error('boom'); }), /boom/);
  assert.equal((await cache.getOrLoad('bad', async () => bytes(3))).length, 3);
});
