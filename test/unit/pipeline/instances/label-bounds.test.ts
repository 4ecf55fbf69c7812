// Label bounds from runs against the same from the label image, pixel by pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelBounds, runBounds } from '../../../../src-main/pipeline/instances/label-bounds.ts';
import { labelComponents } from '../../../../src-main/pipeline/segment/mask-morphology.ts';

test('runBounds equals labelBounds on random masks (areas, centroid sums, boxes)', () => {
  let seed = 9;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };
  for (const [width, height, density] of [[1, 1, 1], [13, 1, 0.5], [1, 13, 0.5], [40, 30, 0.45], [64, 64, 0.2]] as const) {
    const mask = new Uint8Array(width * height).map(() => (random() < density ? 1 : 0));
    const { labels, areas, runs } = labelComponents(mask, width, height, 1);
    const count = areas.length - 1;
    const fromImage = labelBounds(labels, width, count);
    const fromRuns = runBounds(runs, count);
    assert.deepEqual(fromRuns, fromImage, `${width}x${height}`);
    assert.ok(count > 0, `${width}x${height}: no components to compare`);
  }
});
