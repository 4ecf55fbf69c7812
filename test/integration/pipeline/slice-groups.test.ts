// A group of neighbouring slices read and segmented as one region (real
// OpenSlide, real ONNX model) gives each slice the cells it gets alone: the
// same candidates, owned by the same slice, numbered within it, with crop
// names relative to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../../src-main/domain/geometry.ts';
import { findFieldOfView } from '../../../src-main/pipeline/fov.ts';
import { processSliceGroup } from '../../../src-main/pipeline/ingest/process-slice.ts';
import type { SliceWork } from '../../../src-main/pipeline/ingest/process-slice.ts';
import { planSliceGroups } from '../../../src-main/pipeline/ingest/slice-groups.ts';
import { DEFAULT_CELL_INSTANCE_CONFIG, instanceMarginUm } from '../../../src-main/pipeline/instances/index.ts';
import { loadSegmenter } from '../../../src-main/pipeline/segment/load-segmenter.ts';
import { planSliceGrid } from '../../../src-main/pipeline/slice-grid.ts';
import { openSlide } from '../../../src-main/slide/openslide-reader.ts';
import { ensureFixtureSlide } from '../../fixtures/fixture-slides.ts';

function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

test('grouped slices get the cells they get one by one, owned, numbered and named per slice', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const reader = await openSlide(fixture.mrxsPath);
  const segmenter = await loadSegmenter({ segmenter: 'onnx', intraOpNumThreads: 1, log: () => undefined });
  try {
    const mpp = reader.info.mppX ?? 0.25;
    const work: SliceWork = { reader, segmenter, mode: 'whole-cell', margin: Math.ceil(instanceMarginUm(DEFAULT_CELL_INSTANCE_CONFIG) / mpp), mpp };
    const level0 = reader.info.levels[0]!;
    const slices = planSliceGrid(await findFieldOfView(reader), level0.width, level0.height, { sliceSize: 512, minTissueFraction: 0.01 });
    const groups = planSliceGroups(slices);
    assert.ok(groups.some((g) => g.length === 4), 'the tiny slide has full 2 x 2 blocks');
    let alone = 0;
    let matched = 0;
    for (const group of groups) {
      const together = await processSliceGroup(work, group);
      assert.equal(together.length, group.length);
      for (const [k, slice] of group.entries()) {
        const [single] = await processSliceGroup(work, [slice]);
        const mine = together[k]!;
        mine.candidates.forEach((c, i) => {
          const { centre, box, number } = c.cell;
          assert.equal(number, i + 1, 'numbered within its slice');
          assert.ok(centre.x >= slice.x && centre.x < slice.x + slice.width && centre.y >= slice.y && centre.y < slice.y + slice.height, 'owned by its slice');
          assert.deepEqual(c.cropCentreInSlice, { x: Math.floor(box.x + box.width / 2) - slice.x, y: Math.floor(box.y + box.height / 2) - slice.y });
        });
        alone += single!.cells.length;
        // Context past the old slice edge may move a box a little, never lose or invent a cell.
        matched += single!.cells.filter((a) => mine.cells.some((b) => b.kind === a.kind && iou(a.box, b.box) >= 0.8)).length;
        assert.ok(Math.abs(mine.cells.length - single!.cells.length) <= 1, `slice ${slice.x}_${slice.y}: ${mine.cells.length} grouped vs ${single!.cells.length} alone`);
      }
    }
    assert.ok(alone > 20, `${alone} cells`);
    assert.ok(matched >= 0.97 * alone, `${matched} of ${alone} cells found alone are found grouped`);
  } finally {
    reader.close();
    await segmenter.dispose();
  }
});

test('slices that do not cover their region exactly are refused', async () => {
  const fixture = await ensureFixtureSlide('tiny');
  const reader = await openSlide(fixture.mrxsPath);
  const segmenter = await loadSegmenter({ segmenter: 'classical' });
  try {
    const work: SliceWork = { reader, segmenter, mode: 'whole-cell', margin: 0, mpp: 0.25 };
    await assert.rejects(processSliceGroup(work, [{ x: 0, y: 0, width: 512, height: 512 }, { x: 1024, y: 0, width: 512, height: 512 }]),
      /do not cover their region exactly/);
  } finally {
    reader.close();
    await segmenter.dispose();
  }
});
