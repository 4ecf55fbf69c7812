// readRegionAroundDamage on an in-memory pyramid with damaged tiles: healthy
// regions cost one read, damage is read around (smaller pieces, other
// levels), reported in level-0 px, and only a region with nothing readable
// fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlideError } from '../../../src-main/slide/slide-error.ts';
import { damageReason, mergePieces, readOpaqueRegionAroundDamage, readRegionAroundDamage } from '../../../src-main/slide/read-around-damage.ts';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { MemorySlideReader } from './tile-memory-reader.ts';

const TEAL: [number, number, number, number] = [40, 160, 150, 255];
const REASON = 'Not a JPEG file: starts with 0x00 0x00';

function reader(damaged: Array<{ level: number; box: Box }>): MemorySlideReader {
  return new MemorySlideReader({ width: 4096, height: 4096, levelCount: 5, pixel: () => TEAL, damaged });
}

function pixelAt(image: { width: number; data: Buffer }, x: number, y: number): number[] {
  const p = (y * image.width + x) * 4;
  return [...image.data.subarray(p, p + 4)];
}

function area(boxes: Box[]): number {
  return boxes.reduce((n, b) => n + b.width * b.height, 0);
}

function covers(boxes: Box[], inner: Box): boolean {
  // Every corner pixel of `inner` lies in some box (the boxes come from a grid split, so this is enough here).
  const corners = [[inner.x, inner.y], [inner.x + inner.width - 1, inner.y], [inner.x, inner.y + inner.height - 1],
    [inner.x + inner.width - 1, inner.y + inner.height - 1]] as const;
  return corners.every(([x, y]) => boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height));
}

test('a healthy region is one read and reports no damage', async () => {
  const slide = reader([]);
  const result = await readRegionAroundDamage(slide, 0, 0, 2, 1024, 1024);
  assert.equal(slide.reads, 1);
  assert.deepEqual(result.damaged, []);
  assert.deepEqual(pixelAt(result.image, 500, 500), TEAL);
});

test('a damaged tile at the level asked for is read from the next finer level and reported in level-0 px', async () => {
  const tile = { x: 1024, y: 2048, width: 1024, height: 1024 }; // one 256 px tile of level 2
  const slide = reader([{ level: 2, box: tile }]);
  const result = await readRegionAroundDamage(slide, 0, 0, 2, 1024, 1024);
  for (let y = 0; y < 1024; y += 37) for (let x = 0; x < 1024; x += 41) assert.deepEqual(pixelAt(result.image, x, y), TEAL, `${x},${y}`);
  assert.ok(result.damaged.length >= 1 && result.damaged.length <= 4, `merged into a few boxes: ${JSON.stringify(result.damaged)}`);
  for (const d of result.damaged) {
    assert.equal(d.level, 2);
    assert.equal(d.reason, REASON);
    assert.equal(d.recoveredFrom, 1);
  }
  const boxes = result.damaged.map((d) => d.box);
  assert.ok(covers(boxes, tile), 'the damaged tile is inside the reported boxes');
  assert.ok(area(boxes) <= 4 * tile.width * tile.height, `the boxes stay near the tile: ${area(boxes)} px`);
  assert.ok(slide.reads < 80, `${slide.reads} reads`);
});

test('where no level has the pixels, the piece stays transparent and the rest is read', async () => {
  const hole = { x: 512, y: 512, width: 256, height: 256 };
  const slide = reader([0, 1, 2, 3, 4].map((level) => ({ level, box: hole })));
  const result = await readRegionAroundDamage(slide, 0, 0, 1, 1024, 1024);
  assert.deepEqual(pixelAt(result.image, 320, 320), [0, 0, 0, 0], 'inside the hole: no data');
  assert.deepEqual(pixelAt(result.image, 100, 100), TEAL);
  assert.deepEqual(pixelAt(result.image, 900, 900), TEAL);
  assert.ok(result.damaged.every((d) => d.recoveredFrom === null && d.level === 1));
  assert.ok(covers(result.damaged.map((d) => d.box), hole));
});

test('opaque reads: unreadable pieces and unscanned areas become the background colour, damage is still reported', async () => {
  const hole = { x: 512, y: 512, width: 256, height: 256 };
  const slide = new MemorySlideReader({
    width: 4096, height: 4096, levelCount: 5, background: [250, 240, 230],
    pixel: (x) => (x < 3072 ? TEAL : [0, 0, 0, 0]), // level-0 x >= 3072: nothing scanned
    damaged: [0, 1, 2, 3, 4].map((level) => ({ level, box: hole })),
  });
  const result = await readOpaqueRegionAroundDamage(slide, 0, 0, 2, 1024, 1024);
  assert.deepEqual(pixelAt(result.image, 160, 160), [250, 240, 230, 255], 'the unreadable hole');
  assert.deepEqual(pixelAt(result.image, 1000, 10), [250, 240, 230, 255], 'unscanned');
  assert.deepEqual(pixelAt(result.image, 10, 10), TEAL);
  assert.ok(covers(result.damaged.map((d) => d.box), hole));
});

test('opaque reads use the reader\'s own composite when it has one, and read around damage when that fails', async () => {
  class CompositingReader extends MemorySlideReader {
    composites = 0;
    async readRegionOnBackground(x0: number, y0: number, level: number, width: number, height: number) {
      this.composites++;
      const image = await this.readRegion(x0, y0, level, width, height);
      image.data.fill(7); // marks the native path's pixels
      return image;
    }
  }
  const healthy = new CompositingReader({ width: 4096, height: 4096, levelCount: 5 });
  const clean = await readOpaqueRegionAroundDamage(healthy, 0, 0, 2, 512, 512);
  assert.equal(healthy.composites, 1);
  assert.equal(healthy.reads, 1);
  assert.deepEqual(pixelAt(clean.image, 3, 3), [7, 7, 7, 7]);
  assert.deepEqual(clean.damaged, []);

  const tile = { x: 1024, y: 1024, width: 1024, height: 1024 };
  const damaged = new CompositingReader({ width: 4096, height: 4096, levelCount: 5, pixel: () => TEAL, damaged: [{ level: 2, box: tile }] });
  const result = await readOpaqueRegionAroundDamage(damaged, 0, 0, 2, 1024, 1024);
  assert.equal(damaged.composites, 1);
  assert.deepEqual(pixelAt(result.image, 300, 300), TEAL, 'recovered from level 1');
  assert.ok(result.damaged.length > 0 && result.damaged.every((d) => d.recoveredFrom === 1));

  const closed = new CompositingReader({ width: 1024, height: 1024, failWith: new SlideError('closed', '/memory/test.mrxs', 'closed') });
  await assert.rejects(readOpaqueRegionAroundDamage(closed, 0, 0, 0, 64, 64), { code: 'closed' });
  assert.equal(closed.reads, 1, 'not damage: no second try');
});

test('a region outside the slide is clipped to the slide in the report', async () => {
  const slide = reader([{ level: 0, box: { x: 0, y: 0, width: 64, height: 64 } }]);
  const result = await readRegionAroundDamage(slide, -100, -100, 0, 300, 300);
  assert.ok(result.damaged.length > 0);
  for (const { box } of result.damaged) assert.ok(box.x >= 0 && box.y >= 0, JSON.stringify(box));
});

test('nothing readable at any level: the first error, unchanged', async () => {
  const everywhere = { x: 0, y: 0, width: 4096, height: 4096 };
  const slide = reader([0, 1, 2, 3, 4].map((level) => ({ level, box: everywhere })));
  await assert.rejects(readRegionAroundDamage(slide, 0, 0, 3, 256, 256),
    (err: unknown) => err instanceof SlideError && err.code === 'openslide' && /Cannot read level 3 region at \(0, 0\) size 256x256/.test(err.message));
});

test('errors that are not damage are not read around', async () => {
  const slide = new MemorySlideReader({ width: 1024, height: 1024, levelCount: 2, failWith: new SlideError('closed', '/memory/test.mrxs', 'closed') });
  await assert.rejects(readRegionAroundDamage(slide, 0, 0, 0, 256, 256), { code: 'closed' });
  assert.equal(slide.reads, 1);
});

test('damageReason keeps OpenSlide\'s reason only', () => {
  const err = new SlideError('openslide', '/x/a.mrxs', `Cannot read level 1 region at (10, 20) size 128x128: ${REASON}`);
  assert.equal(damageReason(err), REASON);
});

test('mergePieces joins pieces sharing a whole edge and the same story', () => {
  const piece = (x: number, y: number, reason = 'r', recoveredFrom: number | null = 1) => ({ x, y, width: 10, height: 10, reason, recoveredFrom });
  assert.deepEqual(mergePieces([piece(0, 0), piece(10, 0), piece(0, 10), piece(10, 10)]),
    [{ x: 0, y: 0, width: 20, height: 20, reason: 'r', recoveredFrom: 1 }]);
  assert.equal(mergePieces([piece(0, 0), piece(10, 0, 'other')]).length, 2);
  assert.equal(mergePieces([piece(0, 0), piece(10, 0, 'r', null)]).length, 2);
  assert.equal(mergePieces([piece(0, 0), piece(20, 0)]).length, 2);
});
