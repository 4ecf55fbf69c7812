import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLIDE_ID_PATTERN, SlideRegistry } from '../../../src-main/slide/slide-registry.ts';
import { MemorySlideReader } from './tile-memory-reader.ts';

test('ids are opaque random hex, never derived from the path', () => {
  const registry = new SlideRegistry();
  const a = registry.add(new MemorySlideReader({ width: 10, height: 10 }));
  const b = registry.add(new MemorySlideReader({ width: 10, height: 10 }));
  assert.match(a.id, SLIDE_ID_PATTERN);
  assert.notEqual(a.id, b.id);
  assert.ok(!a.id.includes('test'));
  assert.equal(a.name, 'test.mrxs');
  assert.equal(registry.get(a.id), a);
  assert.equal(registry.list().length, 2);
});

test('malformed and unknown ids find nothing', () => {
  const registry = new SlideRegistry();
  const slide = registry.add(new MemorySlideReader({ width: 10, height: 10 }));
  for (const id of ['', '..', '../etc/passwd', `${slide.id}/..`, slide.id.toUpperCase(), `%2e%2e`, '0'.repeat(32)]) {
    assert.equal(registry.get(id), undefined, id);
  }
});

test('remove closes the reader and tells listeners', () => {
  const registry = new SlideRegistry();
  const reader = new MemorySlideReader({ width: 10, height: 10 });
  const slide = registry.add(reader);
  const removed: string[] = [];
  registry.onRemove((id) => removed.push(id));
  assert.equal(registry.remove(slide.id), true);
  assert.equal(reader.closed, true);
  assert.deepEqual(removed, [slide.id]);
  assert.equal(registry.get(slide.id), undefined);
  assert.equal(registry.remove(slide.id), false);
});

test('openPath opens a path once and again after removal; failures are not remembered', async () => {
  let opens = 0;
  const registry = new SlideRegistry(async (path) => {
    opens += 1;
    if (path.endsWith('bad.mrxs')) throw new Error(`cannot open ${path}`);
    return new MemorySlideReader({ width: 10, height: 10 });
  });
  const [a, b] = await Promise.all([registry.openPath('/x/a.mrxs'), registry.openPath('/x/./a.mrxs')]);
  assert.equal(a.id, b.id);
  assert.equal(opens, 1);
  registry.remove(a.id);
  const c = await registry.openPath('/x/a.mrxs');
  assert.notEqual(c.id, a.id);
  await assert.rejects(registry.openPath('/x/bad.mrxs'), /cannot open/);
  await assert.rejects(registry.openPath('/x/bad.mrxs'), /cannot open/);
  assert.equal(opens, 4);
  registry.closeAll();
  assert.equal(registry.list().length, 0);
  await assert.rejects(new SlideRegistry().openPath('/x/a.mrxs'), /without an opener/);
});
