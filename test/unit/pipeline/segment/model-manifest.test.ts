// Model and ensemble manifests: a good one parses with defaults filled in;
// every bad one is rejected with the file name and the offending field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelManifest } from '../../../../src-main/pipeline/segment/model-manifest.ts';
import { readEnsembleManifest, resolveModelRef } from '../../../../src-main/pipeline/segment/ensemble-manifest.ts';
import { SegmentError } from '../../../../src-main/pipeline/segment/segment-error.ts';

const good = {
  schemaVersion: 1,
  name: 'unet-a',
  task: 'segmentation',
  downsample: 4,
  input: { name: 'image', layout: 'NCHW', size: { type: 'dynamic', multipleOf: 8 }, colorOrder: 'RGB', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
  output: { kind: 'cell-probability' },
  threshold: 0.5,
  card: { summary: 'test model', trainingData: 'synthetic', metrics: { iou: 0.9 }, limits: ['none'] },
};

const dir = mkdtempSync(join(tmpdir(), 'smearlab-manifest-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function rejects(path: string, pattern: RegExp, code = 'bad-manifest'): Promise<void> {
  await assert.rejects(readModelManifest(path), (err: unknown) => {
    assert.ok(err instanceof SegmentError);
    assert.equal(err.code, code);
    assert.ok(err.message.includes(path), `message names the file: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('a good manifest parses and gets defaults', async () => {
  const m = await readModelManifest(write('good.json', good));
  assert.equal(m.input.divideBy, 255);
  assert.equal(m.input.channels, 3);
  assert.equal(m.output.layout, 'NCHW');
  assert.equal(m.tiling.overlap, 32);
  assert.deepEqual(m.input.size, { type: 'dynamic', multipleOf: 8, maxTile: 1024 });
});

test('missing file, bad JSON', async () => {
  await rejects(join(dir, 'nope.json'), /not found/, 'not-found');
  await rejects(write('syntax.json', '{"schemaVersion": 1,'), /not valid JSON/);
});

test('schema violations name the field', async () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no-input-name', { ...good, input: { ...good.input, name: undefined } }, /input\.name/],
    ['bad-layout', { ...good, input: { ...good.input, layout: 'CHW' } }, /input\.layout/],
    ['bad-colour', { ...good, input: { ...good.input, colorOrder: 'RGBA' } }, /input\.colorOrder/],
    ['bad-std', { ...good, input: { ...good.input, std: [1, 0, 1] } }, /input\.std\.1/],
    ['bad-size', { ...good, input: { ...good.input, size: { type: 'fixed', width: 256 } } }, /input\.size\.height/],
    ['bad-threshold', { ...good, threshold: 1.5 }, /threshold/],
    ['bad-downsample', { ...good, downsample: 0 }, /downsample/],
    ['bad-kind', { ...good, output: { kind: 'mask' } }, /output\.kind/],
    ['prob-2ch', { ...good, output: { kind: 'cell-probability', channels: 2 } }, /output\.channels/],
    ['class-out-of-range', { ...good, output: { kind: 'class-scores', channels: 2, cellClass: 2 } }, /output\.cellClass/],
    ['no-card', { ...good, card: undefined }, /card/],
    ['extra-key', { ...good, colour: 'x' }, /colour/],
    ['version', { ...good, schemaVersion: 2 }, /schemaVersion/],
  ];
  for (const [name, json, pattern] of cases) await rejects(write(`${name}.json`, json), pattern);
});

test('ensemble manifests: good, empty members, bad weight', async () => {
  const ens = await readEnsembleManifest(write('ens.json', { schemaVersion: 1, name: 'e', members: [{ model: 'a' }, { model: 'b', weight: 2 }], fusion: { model: 'f' } }));
  assert.deepEqual(ens.members.map((m) => m.weight), [1, 2]);
  for (const [name, json, pattern] of [
    ['ens-empty', { schemaVersion: 1, name: 'e', members: [] }, /members/],
    ['ens-weight', { schemaVersion: 1, name: 'e', members: [{ model: 'a', weight: -1 }] }, /members\.0\.weight/],
  ] as const) {
    const path = write(`${name}.json`, json);
    await assert.rejects(readEnsembleManifest(path), (err: unknown) => {
      assert.ok(err instanceof SegmentError && err.message.includes(path));
      assert.match((err as Error).message, pattern);
      return true;
    });
  }
});

test('model references: names live in the models folder, paths are relative to the manifest', () => {
  assert.deepEqual(resolveModelRef('unet', '/m', '/e'), { onnxPath: '/m/unet.onnx', manifestPath: '/m/unet.json' });
  assert.deepEqual(resolveModelRef('../x/unet.onnx', '/m', '/e/ens'), { onnxPath: '/e/x/unet.onnx', manifestPath: '/e/x/unet.json' });
  assert.deepEqual(resolveModelRef('/abs/u.json', '/m', '/e'), { onnxPath: '/abs/u.onnx', manifestPath: '/abs/u.json' });
});
