import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExportOptions } from '../../../src-main/dataset/export-options.ts';
import { startExportJob } from '../../../src-main/dataset/export-job.ts';
import { DatasetError } from '../../../src-main/dataset/dataset-error.ts';

const PNG_MESSAGE = /^invalid export options: pngCompression: PNG compression must be a whole number from 0 \(fastest, largest files\) to 9 \(smallest, slowest\); leave it out to choose from the target's speed$/;

test('PNG compression: 0-9 kept as given, absent means chosen from the target speed', () => {
  for (let level = 0; level <= 9; level++) assert.equal(parseExportOptions({ targetDir: '/x', pngCompression: level }).pngCompression, level);
  assert.equal(parseExportOptions({ targetDir: '/x' }).pngCompression, undefined);
});

test('PNG compression out of range, fractional or not a number: one clear message naming the field and the range', () => {
  for (const bad of [-1, 10, 99, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, true]) {
    assert.throws(() => parseExportOptions({ targetDir: '/x', pngCompression: bad }), (err: unknown) => err instanceof RangeError && PNG_MESSAGE.test(err.message), String(bad));
  }
  assert.throws(() => startExportJob({ targetDir: '/x', pngCompression: 12 }),
    (err: unknown) => err instanceof DatasetError && err.code === 'bad-options' && PNG_MESSAGE.test(err.message), 'refused before a worker starts');
});
