// The instance step's reusable working arrays: zeroed on every take, the
// smallest free buffer that fits, all back to the pool when the synchronous
// step returns, plain `new` outside a step and for small arrays; and the
// instance step gives the same cells from reused arrays as from fresh ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, findCellInstances } from '../../../src-main/pipeline/instances/index.ts';
import { SCRATCH_MIN_BYTES, ScratchArrays, scratchArray, withScratchArrays } from '../../../src-main/pipeline/scratch-arrays.ts';
import { coarsenMask, renderScene } from './instances/instance-scene.ts';

const BIG = SCRATCH_MIN_BYTES; // bytes: pooled

test('outside a step, and under the size floor, arrays are new', () => {
  const pool = new ScratchArrays();
  const a = scratchArray(Uint8Array, BIG);
  const b = scratchArray(Uint8Array, BIG);
  assert.notEqual(a.buffer, b.buffer);
  withScratchArrays(pool, () => {
    const small = scratchArray(Int32Array, 16);
    assert.equal(small.length, 16);
  });
  assert.equal(pool.heldBytes, 0, 'small arrays never enter the pool');
});

test('inside a step: arrays come back zeroed, the same buffers step after step', () => {
  const pool = new ScratchArrays();
  const first = withScratchArrays(pool, () => {
    const f = scratchArray(Float32Array, BIG / 4);
    const u = scratchArray(Uint8Array, BIG);
    f.fill(7);
    u.fill(9);
    return [f.buffer, u.buffer];
  });
  assert.equal(pool.heldBytes, 2 * BIG);
  const second = withScratchArrays(pool, () => {
    const u = scratchArray(Uint8Array, BIG);
    const f = scratchArray(Float32Array, BIG / 4);
    assert.ok(u.every((v) => v === 0) && f.every((v) => v === 0), 'reused arrays are zeroed');
    return [f.buffer, u.buffer];
  });
  assert.deepEqual(new Set(second), new Set(first), 'no new buffers the second time');
  assert.equal(pool.heldBytes, 2 * BIG);
});

test('a take gets the smallest free buffer that holds it; a larger need gets a new one', () => {
  const pool = new ScratchArrays();
  withScratchArrays(pool, () => {
    scratchArray(Uint8Array, 4 * BIG);
    scratchArray(Uint8Array, 2 * BIG);
  });
  withScratchArrays(pool, () => {
    const a = scratchArray(Uint8Array, BIG + 1);
    assert.equal(a.buffer.byteLength, 2 * BIG, 'smallest that fits');
    assert.equal(a.length, BIG + 1);
    const b = scratchArray(Uint8Array, 3 * BIG);
    assert.equal(b.buffer.byteLength, 4 * BIG);
    const c = scratchArray(Uint8Array, 5 * BIG);
    assert.equal(c.buffer.byteLength, 5 * BIG, 'nothing free fits: new');
  });
  assert.equal(pool.heldBytes, 11 * BIG);
});

test('a step that throws still returns its arrays; an async step is refused; an inner step uses the outer pool', async () => {
  const pool = new ScratchArrays();
  assert.throws(() => withScratchArrays(pool, () => { scratchArray(Uint8Array, BIG); throw new Error('boom'); }), /boom/);
  withScratchArrays(pool, () => {
    const reused = scratchArray(Uint8Array, BIG);
    assert.equal(pool.heldBytes, BIG, 'the thrown step\'s buffer was free again');
    withScratchArrays(new ScratchArrays(), () => { scratchArray(Uint8Array, BIG); });
    assert.equal(pool.heldBytes, 2 * BIG, 'the inner step took from the outer pool');
    assert.equal(reused.length, BIG);
  });
  assert.throws(() => withScratchArrays(pool, () => Promise.resolve(1)), /synchronous/);
});

test('the instance step finds the same cells with reused arrays as with new ones, twice over', () => {
  const umPerPx = DEFAULT_CELL_INSTANCE_CONFIG.nucleusUmPerPixel;
  const mpp = 0.25;
  // Big enough that the step's image-sized arrays pass the pool's size floor.
  const scene = { widthUm: 800, heightUm: 800, cells: Array.from({ length: 36 }, (_, k) => ({ x: 60 + (k % 6) * 130, y: 60 + Math.floor(k / 6) * 130, radius: 22 + (k % 5), nucleusRadius: 4 + (k % 3) })) };
  const { image, mask } = renderScene(scene, umPerPx);
  assert.ok(image.width * image.height >= BIG, 'the scene is large enough to use the pool');
  const slide: Box = { x: 0, y: 0, width: scene.widthUm / mpp, height: scene.heightUm / mpp };
  const input = { detail: image, origin: { x: 0, y: 0 }, detailDownsample: umPerPx / mpp, cellMask: coarsenMask(mask, image.width, image.height, 2), factor: 2, slice: slide, slide, mpp };
  const fresh = findCellInstances(input, DEFAULT_CELL_INSTANCE_CONFIG);
  assert.equal(fresh.instances.length, 36);
  const pool = new ScratchArrays();
  for (let round = 0; round < 2; round++) {
    const pooled = withScratchArrays(pool, () => findCellInstances(input, DEFAULT_CELL_INSTANCE_CONFIG));
    assert.deepEqual(pooled, fresh, `round ${round}`);
  }
  assert.ok(pool.heldBytes >= 4 * BIG, 'the step took its image-sized arrays from the pool');
});
