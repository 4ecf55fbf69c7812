import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDeepZoomGeometry, dziXml, dzLevelSizes, hasTile, slideLevelForDzLevel, tileRegion,
} from '../../../src-main/slide/deep-zoom.ts';
import type { SlideLevel } from '../../../src-main/slide/slide-reader.ts';

// OpenSlide's rule: the largest level whose downsample is <= the one asked for.
function bestLevel(levels: SlideLevel[]) {
  return (d: number) => {
    for (let i = 1; i < levels.length; i++) if (d < levels[i]!.downsample) return i - 1;
    return levels.length - 1;
  };
}

const oneLevel: SlideLevel[] = [{ width: 4000, height: 3000, downsample: 1 }];
const threeLevels: SlideLevel[] = [
  { width: 4000, height: 3000, downsample: 1 },
  { width: 2000, height: 1500, downsample: 2 },
  { width: 1000, height: 750, downsample: 4 },
];

test('a 4000 x 3000 slide has 13 Deep Zoom levels, halving with round-up', () => {
  assert.deepEqual(dzLevelSizes(4000, 3000), [
    [1, 1], [2, 2], [4, 3], [8, 6], [16, 12], [32, 24], [63, 47], [125, 94],
    [250, 188], [500, 375], [1000, 750], [2000, 1500], [4000, 3000],
  ]);
  assert.deepEqual(dzLevelSizes(1, 1), [[1, 1]]);
});

test('tile counts per level with 254 px tiles', () => {
  const g = createDeepZoomGeometry(oneLevel, bestLevel(oneLevel));
  assert.equal(g.tileSize, 254);
  assert.equal(g.overlap, 1);
  assert.equal(g.levels.length, 13);
  const full = g.levels[12]!;
  assert.deepEqual([full.width, full.height, full.cols, full.rows, full.downsample], [4000, 3000, 16, 12, 1]);
  const half = g.levels[11]!;
  assert.deepEqual([half.width, half.height, half.cols, half.rows, half.downsample], [2000, 1500, 8, 6, 2]);
  const small = g.levels[8]!;
  assert.deepEqual([small.cols, small.rows, small.downsample], [1, 1, 16]);
  assert.deepEqual([g.levels[0]!.cols, g.levels[0]!.rows, g.levels[0]!.downsample], [1, 1, 4096]);
});

test('the level mapping: DZ counts up, OpenSlide counts down', () => {
  const best = bestLevel(threeLevels);
  assert.deepEqual(slideLevelForDzLevel(12, 13, best), { downsample: 1, slideLevel: 0 });
  assert.deepEqual(slideLevelForDzLevel(11, 13, best), { downsample: 2, slideLevel: 1 });
  assert.deepEqual(slideLevelForDzLevel(10, 13, best), { downsample: 4, slideLevel: 2 });
  assert.deepEqual(slideLevelForDzLevel(9, 13, best), { downsample: 8, slideLevel: 2 });
  assert.deepEqual(slideLevelForDzLevel(0, 13, best), { downsample: 4096, slideLevel: 2 });
  assert.throws(() => slideLevelForDzLevel(13, 13, best), RangeError);
  assert.throws(() => slideLevelForDzLevel(-1, 13, best), RangeError);
  const g = createDeepZoomGeometry(threeLevels, best);
  assert.deepEqual(g.levels.map((l) => l.slideLevel), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0]);
  assert.equal(g.levels[9]!.slideLevelToDz, 2);
  assert.equal(g.levels[10]!.slideLevelToDz, 1);
});

test('full-resolution tile rectangles, overlap only on interior edges', () => {
  const g = createDeepZoomGeometry(oneLevel, bestLevel(oneLevel));
  // Top-left corner: no overlap before, 1 px after.
  assert.deepEqual(tileRegion(g, oneLevel, 12, 0, 0), {
    x0: 0, y0: 0, slideLevel: 0, levelWidth: 255, levelHeight: 255, tileWidth: 255, tileHeight: 255,
  });
  // Interior: 1 px on both sides, starts one pixel before 254.
  assert.deepEqual(tileRegion(g, oneLevel, 12, 1, 1), {
    x0: 253, y0: 253, slideLevel: 0, levelWidth: 256, levelHeight: 256, tileWidth: 256, tileHeight: 256,
  });
  // Bottom-right corner: 4000 - 15 * 254 = 190 px wide, 3000 - 11 * 254 = 206 px high, plus 1 px before.
  assert.deepEqual(tileRegion(g, oneLevel, 12, 15, 11), {
    x0: 3809, y0: 2793, slideLevel: 0, levelWidth: 191, levelHeight: 207, tileWidth: 191, tileHeight: 207,
  });
});

test('lower levels read a coarser slide level and leave a 2x shrink to the encoder', () => {
  const g = createDeepZoomGeometry(threeLevels, bestLevel(threeLevels));
  // DZ level 9 (500 x 375, downsample 8) comes from slide level 2 (downsample 4).
  assert.deepEqual(tileRegion(g, threeLevels, 9, 0, 0), {
    x0: 0, y0: 0, slideLevel: 2, levelWidth: 510, levelHeight: 510, tileWidth: 255, tileHeight: 255,
  });
  // Last tile: 500 - 254 = 246 (+1) wide, 375 - 254 = 121 (+1) high; starts at DZ 253 = level-2 506 = level-0 2024.
  assert.deepEqual(tileRegion(g, threeLevels, 9, 1, 1), {
    x0: 2024, y0: 2024, slideLevel: 2, levelWidth: 494, levelHeight: 244, tileWidth: 247, tileHeight: 122,
  });
  // DZ level 0 is one pixel made from the whole of slide level 2 (clipped to its size).
  assert.deepEqual(tileRegion(g, threeLevels, 0, 0, 0), {
    x0: 0, y0: 0, slideLevel: 2, levelWidth: 1000, levelHeight: 750, tileWidth: 1, tileHeight: 1,
  });
  // DZ level 11 reads slide level 1 one to one.
  assert.deepEqual(tileRegion(g, threeLevels, 11, 7, 5), {
    x0: 2 * 1777, y0: 2 * 1269, slideLevel: 1, levelWidth: 223, levelHeight: 231, tileWidth: 223, tileHeight: 231,
  });
});

test('custom tile size and overlap', () => {
  const g = createDeepZoomGeometry(oneLevel, bestLevel(oneLevel), { tileSize: 512, overlap: 0 });
  assert.deepEqual([g.levels[12]!.cols, g.levels[12]!.rows], [8, 6]);
  assert.deepEqual(tileRegion(g, oneLevel, 12, 7, 5), {
    x0: 3584, y0: 2560, slideLevel: 0, levelWidth: 416, levelHeight: 440, tileWidth: 416, tileHeight: 440,
  });
  assert.throws(() => createDeepZoomGeometry(oneLevel, bestLevel(oneLevel), { tileSize: 0 }), RangeError);
  assert.throws(() => createDeepZoomGeometry(oneLevel, bestLevel(oneLevel), { overlap: -1 }), RangeError);
});

test('hasTile and tileRegion reject addresses outside the grid', () => {
  const g = createDeepZoomGeometry(oneLevel, bestLevel(oneLevel));
  assert.equal(hasTile(g, 12, 15, 11), true);
  assert.equal(hasTile(g, 12, 16, 0), false);
  assert.equal(hasTile(g, 12, 0, 12), false);
  assert.equal(hasTile(g, 13, 0, 0), false);
  assert.equal(hasTile(g, -1, 0, 0), false);
  assert.equal(hasTile(g, 12, 1.5, 0), false);
  assert.throws(() => tileRegion(g, oneLevel, 12, 16, 0), RangeError);
});

test('DZI descriptor names tile size, overlap, format and full size', () => {
  const g = createDeepZoomGeometry(oneLevel, bestLevel(oneLevel));
  const xml = dziXml(g, 'jpeg');
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(xml, /<Image TileSize="254" Overlap="1" Format="jpeg" xmlns="http:\/\/schemas.microsoft.com\/deepzoom\/2008">/);
  assert.match(xml, /<Size Width="4000" Height="3000" \/><\/Image>/);
});

test('with scanned bounds the image is only the bounds, as DeepZoomGenerator(limit_bounds=True) cuts it', () => {
  // Expected values printed by openslide-python 1.2.0's DeepZoomGenerator over a stand-in
  // slide with these levels and openslide.bounds-* = 1000, 501, 2001 x 1499.
  const bounds = { x: 1000, y: 501, width: 2001, height: 1499 };
  const g = createDeepZoomGeometry(threeLevels, bestLevel(threeLevels), { bounds });
  assert.equal(g.levels.length, 12);
  assert.deepEqual([g.width, g.height, g.originX, g.originY], [2001, 1499, 1000, 501]);
  assert.deepEqual(g.levelLimits, [[2001, 1499], [1001, 750], [501, 375]]);
  const full = g.levels[11]!;
  assert.deepEqual([full.cols, full.rows], [8, 6]);
  const region = (l: number, c: number, r: number) => {
    const t = tileRegion(g, threeLevels, l, c, r);
    return [t.x0, t.y0, t.slideLevel, t.levelWidth, t.levelHeight];
  };
  assert.deepEqual(region(11, 0, 0), [1000, 501, 0, 255, 255]);
  assert.deepEqual(region(11, 3, 2), [1761, 1008, 0, 256, 256]);
  assert.deepEqual(region(11, 7, 5), [2777, 1770, 0, 224, 230]);
  assert.deepEqual(region(10, 1, 1), [1506, 1007, 1, 256, 256]);
  assert.deepEqual(region(8, 0, 0), [1000, 501, 2, 501, 375]);
});

test('bounds outside level 0 or empty are ignored: the whole level 0 is the image', () => {
  for (const bounds of [{ x: 0, y: 0, width: 0, height: 10 }, { x: 3000, y: 0, width: 2000, height: 10 }, null]) {
    const g = createDeepZoomGeometry(threeLevels, bestLevel(threeLevels), { bounds });
    assert.deepEqual([g.width, g.height, g.originX, g.originY], [4000, 3000, 0, 0]);
  }
});
