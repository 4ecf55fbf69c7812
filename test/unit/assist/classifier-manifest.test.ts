// The bring-your-own classifier manifest: the repository's test manifest is
// valid; broken ones are refused naming the file and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readClassifierManifest } from '../../../src-main/assist/classifier-manifest.ts';
import { classifierCropBox } from '../../../src-main/assist/onnx-classifier.ts';
import { MODELS_DIR } from '../../../src-main/files/app-layout.ts';

test('the test classifier manifest reads; broken ones name the field', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'smearlab-classifier-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const good = join(MODELS_DIR, 'classifiers', 'smear-test-classifier.json');
  const manifest = await readClassifierManifest(good);
  assert.deepEqual(manifest.output.classes, ['healthy', 'unhealthy', 'rubbish', 'bothcells', null]);
  assert.equal(manifest.input.centreOn, 'cell', 'crops centre on the cell unless the manifest says otherwise');
  const crop = await readClassifierManifest(join(MODELS_DIR, 'classifiers', 'cric-crop-cnn.json'));
  assert.deepEqual([crop.input.centreOn, crop.output.classes], ['nucleus', ['unhealthy', 'healthy', 'rubbish']]);
  const base = JSON.parse(await readFile(good, 'utf8'));
  const cases: Array<[string, (m: typeof base) => void, RegExp]> = [
    ['no-class', (m) => { m.output.classes = [null, null]; }, /output\.classes map at least one output/],
    ['bad-crop', (m) => { m.input.cropUm = -3; }, /input\.cropUm/],
    ['bad-class', (m) => { m.output.classes = ['healthy', 'HSIL']; }, /output\.classes\.1/],
    ['segmenter', (m) => { m.task = 'segmentation'; }, /task is not "classification"/],
    ['bad-centre', (m) => { m.input.centreOn = 'slide'; }, /input\.centreOn/],
  ];
  for (const [name, breakIt, message] of cases) {
    const copy = structuredClone(base);
    breakIt(copy);
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(copy));
    await assert.rejects(readClassifierManifest(path), (err: Error) => message.test(err.message) && err.message.startsWith(path), name);
  }
  await writeFile(join(dir, 'text.json'), 'not json');
  await assert.rejects(readClassifierManifest(join(dir, 'text.json')), /is not JSON/);
  await assert.rejects(readClassifierManifest(dir), /is not a manifest file/);
});

test('the crop box is cropUm square on the cell centre, or on its nucleus where the manifest asks and the cell has one', () => {
  const cell = { centre: { x: 1000, y: 2000 }, nucleus: { x: 1010, y: 1990 } };
  assert.deepEqual(classifierCropBox(cell, 0.25, { cropUm: 32, centreOn: 'cell' }), { x: 936, y: 1936, width: 128, height: 128 });
  assert.deepEqual(classifierCropBox(cell, 0.25, { cropUm: 32, centreOn: 'nucleus' }), { x: 946, y: 1926, width: 128, height: 128 });
  assert.deepEqual(classifierCropBox({ ...cell, nucleus: null }, 0.5, { cropUm: 32, centreOn: 'nucleus' }), { x: 968, y: 1968, width: 64, height: 64 });
});
