// The APACC label-file format against the 80 real files: every one parses,
// and writing the boxes back (from whole pixels, through our formatter)
// gives the same bytes: the strongest check of the number format and order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSliceLabels, parseSliceLabels, LINE_CLASS_ORDER } from '../../../src-main/dataset/slice-labels.ts';
import { parseSliceStem } from '../../../src-main/dataset/apacc-names.ts';
import { APACC_LABELS, sharedDataPath, skipWithoutSharedData } from '../../fixtures/shared-data.ts';

const LABELS = sharedDataPath(APACC_LABELS);
const REAL = { skip: skipWithoutSharedData(APACC_LABELS) };

function realFiles(): Array<{ name: string; text: string }> {
  return readdirSync(LABELS).filter((n) => n.endsWith('.txt')).sort().map((name) => ({ name, text: readFileSync(join(LABELS, name), 'utf8') }));
}

test('the 80 real APACC label files are what their SHA256SUMS say (we test against the real bytes)', REAL, () => {
  const sums = new Map(readFileSync(join(LABELS, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => {
    const [hash, name] = l.split(/\s+/);
    return [name as string, hash as string];
  }));
  const files = realFiles();
  assert.equal(files.length, 80);
  for (const f of files) assert.equal(createHash('sha256').update(f.text).digest('hex'), sums.get(f.name), f.name);
});

test('every real label file parses with no problem; 252 boxes, class counts as documented', REAL, () => {
  const counts = { healthy: 0, rubbish: 0, unhealthy: 0, bothcells: 0 };
  let boxes = 0;
  for (const { name, text } of realFiles()) {
    const stem = parseSliceStem(name.slice(0, -4));
    assert.ok(stem, name);
    assert.equal(stem.smear, '10030_18', 'the smear id keeps its underscore (split from the right)');
    assert.equal(stem.x % 2000, 0);
    const parsed = parseSliceLabels(text, 2000, 2000);
    assert.deepEqual(parsed.problems, [], name);
    boxes += parsed.lines.length;
    for (const l of parsed.lines) counts[l.label]++;
  }
  assert.equal(boxes, 252);
  assert.deepEqual(counts, { healthy: 120, rubbish: 108, unhealthy: 15, bothcells: 9 });
});

test('writing the real boxes back from whole pixels gives byte-identical files', REAL, () => {
  for (const { name, text } of realFiles()) {
    const parsed = parseSliceLabels(text, 2000, 2000);
    const written = formatSliceLabels(parsed.lines.map((l) => ({ label: l.label, box: l.box })), 2000, 2000);
    assert.equal(written, text, name);
  }
});

test('lines are grouped by class name alphabetically (ids 3, 0, 1, 2), order kept within a class, LF and one final newline', () => {
  assert.deepEqual(LINE_CLASS_ORDER.map((c) => c.apaccId), [3, 0, 1, 2]);
  const text = formatSliceLabels([
    { label: 'unhealthy', box: { x: 0, y: 0, width: 10, height: 10 } },
    { label: 'healthy', box: { x: 100, y: 0, width: 287, height: 421 } },
    { label: 'bothcells', box: { x: 1713, y: 1579, width: 287, height: 421 } },
    { label: 'healthy', box: { x: 5, y: 5, width: 20, height: 20 } },
  ], 2000, 2000);
  assert.equal(text, [
    '3 0.92825 0.89475 0.1435 0.2105',
    '0 0.12175 0.10525 0.1435 0.2105',
    '0 0.0075 0.0075 0.01 0.01',
    '2 0.0025 0.0025 0.005 0.005',
    '',
  ].join('\n'));
  assert.equal(formatSliceLabels([], 2000, 2000), '', 'no boxes: an empty file');
});

test('clipped edge slices normalise by their own width and height and read back to the same pixels', () => {
  const box = { x: 3, y: 17, width: 93, height: 1000 };
  const text = formatSliceLabels([{ label: 'rubbish', box }], 96, 1480);
  const parsed = parseSliceLabels(text, 96, 1480);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.lines[0]?.box, box);
  assert.doesNotMatch(text, /e/, 'never exponent notation');
});

test('malformed lines are reported with their line number; good lines still parse', () => {
  const text = [
    '0 0.5 0.5 0.1 0.1',
    '7 0.5 0.5 0.1 0.1',
    '1 0.5 0.5 0.1',
    '1 1.5 0.5 0.1 0.1',
    '2 0.5 abc 0.1 0.1',
    '',
    '3 0.5 0.5 0 0.1',
    '1 -0.5 0.5 0.1 0.1',
    '1 0.99 0.5 0.1 0.1',
    '2 0.25 0.25 0.5 0.5',
  ].join('\n');
  const parsed = parseSliceLabels(`${text}\n`, 2000, 2000);
  assert.deepEqual(parsed.lines.map((l) => l.line), [1, 10]);
  assert.deepEqual(parsed.problems.map((p) => p.line), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.match(parsed.problems[0]?.message ?? '', /unknown class id "7"/);
  assert.match(parsed.problems[1]?.message ?? '', /expected 5 fields/);
  assert.match(parsed.problems[2]?.message ?? '', /cx 1.5 is outside 0..1/);
  assert.match(parsed.problems[3]?.message ?? '', /cy "abc" is not a decimal number/);
  assert.match(parsed.problems[4]?.message ?? '', /empty line/);
  assert.match(parsed.problems[7]?.message ?? '', /does not lie inside/);
});

test('CRLF files (edited on Windows) still parse', () => {
  const parsed = parseSliceLabels('0 0.5 0.5 0.1 0.1\r\n1 0.25 0.25 0.1 0.1\r\n', 2000, 2000);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.lines.length, 2);
});
