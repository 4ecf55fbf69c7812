// What the CLI prints from a file is text, never terminal commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, printableLines } from '../../../src-main/cli/terminal-text.ts';
import { describeSlide } from '../../../src-main/cli/slide-summary.ts';
import type { SlideInfo } from '../../../src-main/slide/slide-reader.ts';

test('control, invisible and unassigned characters become escapes; ordinary text stays', () => {
  assert.equal(printable('\u001b[2J\u001b]0;pwned\u0007'), '\\x1b[2J\\x1b]0;pwned\\x07');
  assert.equal(printable('a\u0000b\tc\r\nd\u007f\u009b'), 'a\\x00b\\x09c\\x0d\\x0ad\\x7f\\x9b');
  assert.equal(printable('abc\u202eevil\u200b\u2028\ud800'), 'abc\\u{202e}evil\\u{200b}\\u{2028}\\u{d800}');
  for (const text of ['0.25 µm/px', 'Präparat Nr. 7 – Zervix', '\ufffd replaced byte', 'C:\\scans\\a.mrxs', '東京 😀']) {
    assert.equal(printable(text), text);
  }
  assert.equal(printableLines('first\u001b\nsecond'), 'first\\x1b\nsecond');
});

test('describeSlide prints a slide with a binary INI as escaped text', () => {
  const info: SlideInfo = {
    path: '/scans/\u001b[31mred.mrxs',
    format: 'mirax',
    levels: [{ width: 100, height: 80, downsample: 1 }],
    mppX: 0.25,
    mppY: 0.25,
    objectivePower: 20,
    backgroundColor: [255, 255, 255],
    bounds: null,
    quickhash: null,
    associatedImages: ['label\u0007'],
    properties: { 'mirax.GENERAL.SLIDE_NAME': '\u001b]0;title\u0007x\u0000y', 'key\u001b': 'v' },
  };
  const lines = describeSlide(info, true);
  for (const line of lines) assert.doesNotMatch(line, /\p{Cc}/u, line);
  assert.equal(lines[0], '/scans/\\x1b[31mred.mrxs');
  assert.ok(lines.includes('    mirax.GENERAL.SLIDE_NAME = \\x1b]0;title\\x07x\\x00y'), lines.join('\n'));
  assert.ok(lines.includes('    key\\x1b = v'), lines.join('\n'));
  assert.ok(lines.some((l) => l.endsWith('label\\x07')));
});
