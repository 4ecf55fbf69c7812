// Slidedat.ini values OpenSlide would trust blindly: counts it allocates
// arrays for (a huge one aborts the process inside GLib) and file names that
// leave the slide's data folder. Both are refused before OpenSlide opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miraxFileNames, slidedatProblem } from '../../../src-main/slide/scan-file.ts';

const SOUND = [
  '[GENERAL]', 'IMAGENUMBER_X = 32', 'IMAGENUMBER_Y = 24', 'CameraImageDivisionsPerSide = 1',
  '[HIERARCHICAL]', 'HIER_COUNT = 4', 'HIER_0_COUNT = 10', 'NONHIER_COUNT = 1', 'NONHIER_0_COUNT = 3', 'INDEXFILE = Index.dat',
  '[DATAFILE]', 'FILE_COUNT = 2', 'FILE_0 = Data0000.dat', 'FILE_1 = Data0001.dat',
].join('\r\n');

function withValue(key: string, value: string): string {
  return SOUND.replace(new RegExp(`${key} = [^\\r\\n]*`), `${key} = ${value}`);
}

test('a sound Slidedat.ini passes and lists its index and data files', () => {
  assert.equal(slidedatProblem(SOUND), null);
  assert.deepEqual(miraxFileNames(SOUND), ['Index.dat', 'Data0000.dat', 'Data0001.dat']);
});

test('counts out of bounds, negative or not numbers are refused, naming the key', () => {
  for (const [key, value] of [
    ['HIER_0_COUNT', '2147483647'], ['FILE_COUNT', '2147483647'], ['IMAGENUMBER_X', '-16'],
    ['IMAGENUMBER_Y', '99999999999999999999'], ['HIER_COUNT', 'many'], ['NONHIER_0_COUNT', '1e9'],
    ['CameraImageDivisionsPerSide', '2147483647'],
  ] as const) {
    const problem = slidedatProblem(withValue(key, value));
    assert.ok(problem, `${key} = ${value}`);
    assert.match(problem, new RegExp(`^${key} = "`));
  }
});

test('file names with a path, or naming a folder, are refused', () => {
  for (const [key, value] of [
    ['FILE_0', '../../etc/passwd'], ['INDEXFILE', '../../../dev/zero'], ['FILE_1', '/etc/shadow'],
    ['FILE_0', '..'], ['INDEXFILE', 'sub\\\\Index.dat'],
  ] as const) {
    const problem = slidedatProblem(withValue(key, value));
    assert.ok(problem, `${key} = ${value}`);
    assert.match(problem, /outside the slide's data folder/);
  }
});
