import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apaccCellFileName, cellBoxFromName, fileIdForSmear, fileIdsForSmears, FILE_ID_MAX_BYTES, parseCellFileName, parseSliceStem, sliceStem,
} from '../../../src-main/dataset/apacc-names.ts';
import { cropCentreInSlice } from '../../../src-main/pipeline/cell-crop.ts';
import { mulberry32 } from '../../../src-main/domain/random.ts';

test("the paper's example cell name parses", () => {
  assert.deepEqual(parseCellFileName('669-15_36000-74000_10_850-1300_2021-07-07.png'), {
    smear: '669-15', sliceX: 36000, sliceY: 74000, number: 10, cx: 850, cy: 1300, date: '2021-07-07',
  });
});

test('smear ids with _ and - are split from the right, in cell and slice names', () => {
  for (const smear of ['10030_18', '669-15', 'a_1-2_3_4-5', 'x_0-0_1_2-3_2021-01-01', 'ünï cödé', '12']) {
    const name = apaccCellFileName(smear, { x: 2000, y: 4000 }, 7, { x: 15, y: 1999 }, new Date('2024-02-29T23:59:59Z'));
    assert.deepEqual(parseCellFileName(name), { smear, sliceX: 2000, sliceY: 4000, number: 7, cx: 15, cy: 1999, date: '2024-02-29' }, name);
    assert.deepEqual(parseSliceStem(sliceStem(smear, { x: 18000, y: 136000 })), { smear, x: 18000, y: 136000 });
  }
});

test('a crop centre left of or above its slice (negative) survives the name', () => {
  const name = apaccCellFileName('s-1', { x: 2000, y: 0 }, 3, { x: -5, y: 12 }, new Date(0));
  assert.equal(name, 's-1_2000-0_3_-5-12_1970-01-01.png');
  assert.deepEqual(parseCellFileName(name), { smear: 's-1', sliceX: 2000, sliceY: 0, number: 3, cx: -5, cy: 12, date: '1970-01-01' });
});

test('names that do not follow the convention are refused', () => {
  for (const bad of ['cell.png', '669-15_36000-74000_10_850-1300.png', '669-15_36000-74000_0_850-1300_2021-07-07.png',
    '669-15_36000-74000_10_850-1300_2021-13-45.png', '669-15_36000_74000_10_850-1300_2021-07-07.png', '_1-2_3_4-5_2021-01-01.png']) {
    assert.equal(parseCellFileName(bad), null, bad);
  }
  for (const bad of ['10030_18', '10030_18_x_2000', '_2000_4000', '10030_18_2000_-4000']) assert.equal(parseSliceStem(bad), null, bad);
});

test('cell box from name + image size inverts cropCentreInSlice exactly (odd and even sizes, boxes across the slice border)', () => {
  const random = mulberry32(5);
  for (let i = 0; i < 2000; i++) {
    const slice = { x: 2000 * Math.floor(random() * 10), y: 2000 * Math.floor(random() * 10) };
    const box = { x: slice.x - 300 + Math.floor(random() * 2300), y: slice.y - 300 + Math.floor(random() * 2300), width: 1 + Math.floor(random() * 600), height: 1 + Math.floor(random() * 600) };
    const centre = cropCentreInSlice(box, slice);
    const parsed = parseCellFileName(apaccCellFileName('s', slice, 1, centre, new Date(0)));
    assert.ok(parsed);
    assert.deepEqual(cellBoxFromName(parsed, box.width, box.height), box);
  }
});

test('file ids: safe ids are kept; unsafe, reserved, dotted and long ones are changed and made unique', () => {
  assert.equal(fileIdForSmear('10030_18'), '10030_18');
  assert.equal(fileIdForSmear('669-15'), '669-15');
  assert.equal(fileIdForSmear('Ünïcode smear'), 'Ünïcode smear');
  const changed = ['a:b', 'a?b', 'CON', 'nul', 'com1', 'trailing.', '.hidden', ' x', 'a\u0001b', '疒'.repeat(128)];
  const ids = changed.map(fileIdForSmear);
  for (const [i, id] of ids.entries()) {
    assert.match(id, /~[0-9a-f]{8}$/, `${changed[i]} -> ${id}`);
    assert.ok(![...id].some((ch) => ch.charCodeAt(0) < 32 || ':*?"<>|\\/'.includes(ch)), id);
    assert.doesNotMatch(id, /^[ .]/);
    assert.ok(Buffer.byteLength(id) <= FILE_ID_MAX_BYTES, `${id} is ${Buffer.byteLength(id)} bytes`);
  }
  assert.equal(new Set(ids).size, ids.length);
  assert.notEqual(fileIdForSmear('a:b'), fileIdForSmear('a?b'), 'two ids that sanitise alike stay apart');
  assert.equal(fileIdForSmear('a:b'), fileIdForSmear('a:b'), 'stable');
});

test('file ids stay unique on case-insensitive file systems', () => {
  const ids = fileIdsForSmears(['A1', 'a1', 'B2']);
  assert.equal(ids.get('B2'), 'B2');
  const a = ids.get('A1') as string;
  const b = ids.get('a1') as string;
  assert.notEqual(a.toLowerCase(), b.toLowerCase());
});
