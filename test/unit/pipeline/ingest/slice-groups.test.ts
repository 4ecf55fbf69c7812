// Slice groups: aligned blocks of up to 2 x 2 grid slices that cover their
// region exactly, in the order of their first slice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupSideFor, MAX_GROUP_DETAIL_SIDE, planSliceGroups, tilesRegion } from '../../../../src-main/pipeline/ingest/slice-groups.ts';
import { unionBox } from '../../../../src-main/domain/edit-geometry.ts';

const S = 2000;
const slice = (col: number, row: number, width = S, height = S) => ({ x: col * S, y: row * S, width, height, id: `${col},${row}` });
const ids = (groups: Array<Array<{ id: string }>>) => groups.map((g) => g.map((s) => s.id));

test('a full aligned 2 x 2 block is one group, in reading order; blocks are anchored at the slide origin', () => {
  const slices = [slice(3, 1), slice(2, 1), slice(2, 0), slice(3, 0), slice(4, 0), slice(5, 0)];
  assert.deepEqual(ids(planSliceGroups(slices)), [['2,0', '3,0', '2,1', '3,1'], ['4,0', '5,0']]);
  // Columns 1 and 2 touch but sit in different blocks (0-1, 2-3): not grouped.
  assert.deepEqual(ids(planSliceGroups([slice(1, 0), slice(2, 0)])), [['1,0'], ['2,0']]);
});

test('a partial block gives a row pair, else a column pair, else single slices; never a group with a hole', () => {
  assert.deepEqual(ids(planSliceGroups([slice(0, 0), slice(1, 0), slice(0, 1)])), [['0,0', '1,0'], ['0,1']]);
  assert.deepEqual(ids(planSliceGroups([slice(0, 0), slice(0, 1), slice(1, 1)])), [['0,0', '0,1'], ['1,1']]);
  assert.deepEqual(ids(planSliceGroups([slice(0, 0), slice(1, 1)])), [['0,0'], ['1,1']], 'diagonal');
  for (const group of planSliceGroups([slice(0, 0), slice(1, 0), slice(0, 1), slice(3, 3), slice(2, 3), slice(4, 4)])) {
    assert.ok(tilesRegion(group), JSON.stringify(group));
  }
});

test('slices clipped at the slide edge group with their neighbours when they still tile the region', () => {
  const edge = [slice(0, 0), slice(1, 0, 700), slice(0, 1, S, 300), slice(1, 1, 700, 300)];
  const groups = planSliceGroups(edge);
  assert.equal(groups.length, 1);
  assert.deepEqual(unionBox(groups[0]!), { x: 0, y: 0, width: S + 700, height: S + 300 });
});

test('groups keep the order of their first slice; side 1 is one slice per group; other sides are refused', () => {
  const slices = [slice(4, 0), slice(0, 0), slice(1, 0), slice(5, 0)];
  assert.deepEqual(ids(planSliceGroups(slices)), [['4,0', '5,0'], ['0,0', '1,0']]);
  assert.deepEqual(ids(planSliceGroups(slices, 1)), [['4,0'], ['0,0'], ['1,0'], ['5,0']]);
  assert.deepEqual(planSliceGroups([]), []);
  assert.throws(() => planSliceGroups(slices, 3), /1 or 2 slices a side/);
});

test('tilesRegion: exact covers only', () => {
  assert.equal(tilesRegion([slice(0, 0), slice(1, 0)]), true);
  assert.equal(tilesRegion([slice(0, 0), slice(2, 0)]), false, 'a gap');
  assert.equal(tilesRegion([]), false);
});

test('groups only where their image stays bounded: 2,000 px slices at 0.25 um/px, not at 0.5 um/px or 4,000 px', () => {
  // The ingest's margin is 60 um: 240 px at 0.25 um/px, 120 px at 0.5; nuclei are found at 0.5 um/px.
  assert.equal(groupSideFor(2000, 240, 0.25, 0.5), 2, '2,240 px');
  assert.equal(groupSideFor(2000, 220, 0.2738, 0.5), 2, 'a 0.27 um/px scanner');
  assert.equal(groupSideFor(2000, 120, 0.5, 0.5), 1, '4,240 px');
  assert.equal(groupSideFor(4000, 240, 0.25, 0.5), 1, '4,240 px');
  assert.ok((2 * 2000 + 2 * 240) * 0.25 / 0.5 <= MAX_GROUP_DETAIL_SIDE);
});
