// loadSegmenter with the real onnxruntime-node and tiny fixture models:
// tiled = whole-image inference, layouts and output kinds agree, ensembles
// average and fuse, execution providers fall back with a reason, and every
// wrong model is refused before a job with the file and the mismatch named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { loadSegmenter, type LoadSegmenterOptions } from '../../../../src-main/pipeline/segment/load-segmenter.ts';
import { ModelSegmenter } from '../../../../src-main/pipeline/segment/model-segmenter.ts';
import { SegmentError } from '../../../../src-main/pipeline/segment/segment-error.ts';
import { ModelDir, baseManifest, patternImage } from './model-dir.ts';

const dir = new ModelDir();
test.after(() => dir.remove());
const quiet = { log: () => undefined, executionProviders: ['cpu'], intraOpNumThreads: 1 };
const image = patternImage(150, 97);

async function probabilities(opts: Partial<LoadSegmenterOptions>): Promise<Float32Array> {
  const seg = await loadSegmenter({ segmenter: 'onnx', modelsDir: dir.path, ...quiet, ...opts });
  try {
    assert.ok(seg instanceof ModelSegmenter);
    return await seg.probabilities(image);
  } finally {
    await seg.dispose();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function refused(opts: Partial<LoadSegmenterOptions>, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(loadSegmenter({ segmenter: 'onnx', modelsDir: dir.path, ...quiet, ...opts }), (err: unknown) => {
    assert.ok(err instanceof SegmentError, `SegmentError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

dir.add('whole', 'fcn-small')
  .add('tiled', 'fcn-small', baseManifest('tiled', { input: { ...(baseManifest('x').input as object), size: { type: 'dynamic', multipleOf: 8, maxTile: 40 } }, tiling: { overlap: 16, maxBatch: 3 } }))
  .add('tiled-b1', 'fcn-small', baseManifest('tiled-b1', { input: { ...(baseManifest('x').input as object), size: { type: 'dynamic', multipleOf: 1, maxTile: 33 } }, tiling: { overlap: 16, maxBatch: 1 } }))
  .add('fixed', 'fcn-small-fixed', baseManifest('fixed', { input: { ...(baseManifest('x').input as object), size: { type: 'fixed', width: 40, height: 48 } } }))
  .add('nhwc', 'fcn-small-nhwc', baseManifest('nhwc', { input: { ...(baseManifest('x').input as object), layout: 'NHWC' }, output: { kind: 'cell-probability', layout: 'NHWC' } }))
  .add('logit', 'fcn-small-logit', baseManifest('logit', { output: { kind: 'cell-logit' } }))
  .add('classes', 'fcn-small-classes', baseManifest('classes', { output: { kind: 'class-scores', channels: 2, cellClass: 1, scores: 'logits' } }))
  .add('brightness', 'brightness', baseManifest('brightness', { input: { ...(baseManifest('x').input as object), mean: [0, 0, 0], std: [1, 1, 1] } }))
  .add('fusion', 'fusion-mean2', baseManifest('fusion', { input: { ...(baseManifest('x').input as object), channels: 5 }, threshold: 0.4 }))
  .add('ds2', 'fcn-small', baseManifest('ds2', { downsample: 2 }));

test('a single model: name, id with sha256 prefix, provider, mask of the image size', async () => {
  const seg = await loadSegmenter({ segmenter: 'onnx', model: 'whole', modelsDir: dir.path, ...quiet });
  try {
    assert.equal(seg.name, 'whole');
    assert.equal(seg.provider, 'cpu');
    assert.match(seg.modelId ?? '', /^whole@[0-9a-f]{12}$/);
    assert.equal(seg.downsample, 4);
    const mask = await seg.segment(image);
    assert.equal(mask.width, 150);
    assert.equal(mask.height, 97);
    assert.equal(mask.downsample, 4);
    const ones = mask.data.reduce((a, b) => a + b, 0);
    assert.ok(ones > 0 && ones < mask.data.length, `mask is neither empty nor full (${ones})`);
  } finally {
    await seg.dispose();
  }
});

test('tiled inference (dynamic tiles, batches of 3 and of 1, fixed tiles) equals whole-image inference', async () => {
  const whole = await probabilities({ model: 'whole' });
  assert.ok(maxDiff(whole, await probabilities({ model: 'tiled' })) < 1e-5);
  assert.ok(maxDiff(whole, await probabilities({ model: 'tiled-b1' })) < 1e-5);
  assert.ok(maxDiff(whole, await probabilities({ model: 'fixed' })) < 1e-5);
});

test('NHWC layout, logit output and softmax class scores give the same probabilities', async () => {
  const whole = await probabilities({ model: 'whole' });
  assert.ok(maxDiff(whole, await probabilities({ model: 'nhwc' })) < 1e-5);
  assert.ok(maxDiff(whole, await probabilities({ model: 'logit' })) < 1e-5);
  assert.ok(maxDiff(whole, await probabilities({ model: 'classes' })) < 1e-5);
});

test('a model can be named by path to its .onnx', async () => {
  const whole = await probabilities({ model: 'whole' });
  assert.ok(maxDiff(whole, await probabilities({ model: dir.file('whole.onnx') })) < 1e-6);
});

test('ensemble: the same model twice equals the model; weights give a weighted mean', async () => {
  const a = await probabilities({ model: 'whole' });
  const b = await probabilities({ model: 'brightness' });
  const twice = dir.ensemble('twice', { schemaVersion: 1, name: 'twice', members: [{ model: 'whole' }, { model: 'whole' }] });
  assert.ok(maxDiff(a, await probabilities({ ensemble: twice })) < 1e-6);
  dir.ensemble('weighted', { schemaVersion: 1, name: 'weighted', members: [{ model: 'whole', weight: 1 }, { model: 'brightness', weight: 3 }] });
  const weighted = await probabilities({ ensemble: 'weighted' });
  const expected = a.map((v, i) => 0.25 * v + 0.75 * b[i]!);
  assert.ok(maxDiff(expected, weighted) < 1e-6);
  assert.ok(maxDiff(a, weighted) > 0.01, 'the second member changes the result');
});

test('ensemble with a fusion model fed image + member outputs; id lists every file', async () => {
  const a = await probabilities({ model: 'whole' });
  const b = await probabilities({ model: 'brightness' });
  const path = dir.ensemble('fused', { schemaVersion: 1, name: 'fused', members: [{ model: 'whole' }, { model: 'brightness' }], fusion: { model: 'fusion' } });
  const seg = await loadSegmenter({ segmenter: 'onnx', ensemble: path, modelsDir: dir.path, ...quiet });
  try {
    assert.ok(seg instanceof ModelSegmenter);
    assert.equal(seg.name, 'fused');
    assert.match(seg.modelId ?? '', /^fused\[whole@[0-9a-f]{12}\+brightness@[0-9a-f]{12};fusion=fusion@[0-9a-f]{12}\]$/);
    assert.equal(seg.threshold, 0.4, 'threshold from the fusion model when the ensemble sets none');
    const fused = await seg.probabilities(image);
    assert.ok(maxDiff(a.map((v, i) => (v + b[i]!) / 2), fused) < 1e-5);
  } finally {
    await seg.dispose();
  }
});

test('execution providers: cuda,cpu falls back to cpu with the reason reported and logged', async () => {
  const logged: string[] = [];
  const seg = await loadSegmenter({
    segmenter: 'onnx', model: 'whole', modelsDir: dir.path, executionProviders: 'cuda,dml,cpu', log: (m) => logged.push(m),
  });
  try {
    assert.equal(seg.provider, 'cpu');
    const skipped = Object.fromEntries(seg.providersSkipped.map((s) => [s.provider, s.reason]));
    assert.deepEqual(Object.keys(skipped), ['cuda', 'dml']);
    // No CUDA provider library here (.npmrc skips it); on a CUDA machine this test would run on cuda instead.
    assert.match(skipped.cuda!, /not installed|shared library|CUDA/i);
    assert.match(skipped.dml!, /not part of onnxruntime-node/);
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /cuda skipped/);
  } finally {
    await seg.dispose();
  }
});

test('execution providers: nothing usable, or an unknown name, fails before the job', async () => {
  await refused({ model: 'whole', executionProviders: ['coreml'] }, 'no-provider', /coreml: not part of/);
  await refused({ model: 'whole', executionProviders: 'cuda,opencl' }, 'bad-option', /opencl/);
});

test('missing files and bad manifests name the file', async () => {
  dir.add('no-json', 'fcn-small', null).add('no-onnx', null).add('bad-json', 'fcn-small', '{ "schemaVersion": 1, ');
  await refused({ model: 'nothing-here' }, 'not-found', /model file not found/, /nothing-here\.onnx/);
  await refused({ model: 'no-json' }, 'not-found', /model manifest not found/, /no-json\.json/);
  await refused({ model: 'no-onnx' }, 'not-found', /no-onnx\.onnx/);
  await refused({ model: 'bad-json' }, 'bad-manifest', /not valid JSON/, /bad-json\.json/);
  dir.add('task', 'fcn-small', baseManifest('task', { task: 'classification' }));
  await refused({ model: 'task' }, 'bad-manifest', /task is 'classification'/, /task\.json/);
});

test('a file that is not ONNX is refused by ONNX Runtime with its path', async () => {
  writeFileSync(dir.file('garbage.onnx'), 'not a protobuf at all');
  dir.add('garbage', null);
  await refused({ model: 'garbage' }, 'onnx-load', /cannot load the model/, /garbage\.onnx/);
});

test('model/manifest mismatches: channels, rank, output shape, names, sizes', async () => {
  const input = baseManifest('x').input as Record<string, unknown>;
  dir.add('bad-channels', 'bad-channels')
    .add('bad-rank', 'bad-rank')
    .add('bad-half-res', 'bad-half-res')
    .add('bad-two-inputs', 'bad-two-inputs')
    .add('out-channels', 'fcn-small-classes')
    .add('in-name', 'fcn-small', baseManifest('in-name', { input: { ...input, name: 'pixels' } }))
    .add('out-name', 'fcn-small', baseManifest('out-name', { output: { kind: 'cell-probability', name: 'mask' } }))
    .add('fixed-vs-dyn', 'fcn-small', baseManifest('fixed-vs-dyn', { input: { ...input, size: { type: 'fixed', width: 64, height: 64 } } }))
    .add('dyn-vs-fixed', 'fcn-small-fixed')
    .add('wrong-fixed', 'fcn-small-fixed', baseManifest('wrong-fixed', { input: { ...input, size: { type: 'fixed', width: 48, height: 48 } } }))
    .add('layout', 'fcn-small', baseManifest('layout', { input: { ...input, layout: 'NHWC' } }));
  await refused({ model: 'bad-channels' }, 'model-mismatch', /4 channels at dim 1/, /bad-channels\.onnx/, /bad-channels\.json/);
  await refused({ model: 'bad-rank' }, 'model-mismatch', /rank 3/, /bad-rank\.onnx/);
  await refused({ model: 'bad-half-res' }, 'model-mismatch', /shape \[1, 1, 32, 32\] for input \[1, 3, 64, 64\]/, /bad-half-res\.onnx/);
  await refused({ model: 'bad-two-inputs' }, 'model-mismatch', /2 inputs/);
  await refused({ model: 'out-channels' }, 'model-mismatch', /2 channels/, /output\.channels is 1/);
  await refused({ model: 'in-name' }, 'model-mismatch', /input\.name is 'pixels' but the model's input is 'image'/);
  await refused({ model: 'out-name' }, 'model-mismatch', /output\.name 'mask'/);
  // The reverse is fine: a manifest may fix the tile size of a dynamic model.
  await (await loadSegmenter({ segmenter: 'onnx', model: 'fixed-vs-dyn', modelsDir: dir.path, ...quiet })).dispose();
  await refused({ model: 'dyn-vs-fixed' }, 'model-mismatch', /fixed height\/width but the manifest says input\.size\.type 'dynamic'/);
  await refused({ model: 'wrong-fixed' }, 'model-mismatch', /not the manifest's fixed 48x48/);
  await refused({ model: 'layout' }, 'model-mismatch', /\[N, 3, H, W\] looks NCHW but the manifest says input\.layout NHWC/, /layout\.onnx/);
});

test('ensemble problems name the ensemble manifest and the member', async () => {
  const ens = (name: string, m: Record<string, unknown>) => dir.ensemble(name, { schemaVersion: 1, name, ...m });
  await refused({ ensemble: ens('e-missing', { members: [{ model: 'whole' }, { model: 'ghost' }] }) }, 'not-found', /e-missing\.json/, /'ghost'/, /ghost\.onnx/);
  await refused({ ensemble: ens('e-ds', { members: [{ model: 'whole' }, { model: 'ds2' }] }) }, 'bad-manifest', /mixes working scales whole=1 um\/px, ds2=0.5 um\/px/);
  await refused({ ensemble: ens('e-fusion', { members: [{ model: 'whole' }], fusion: { model: 'fusion' } }) }, 'bad-manifest', /input\.channels is 5 but this use needs 4/);
  await refused({ ensemble: ens('e-schema', { members: [{ model: 'whole', weight: 0 }] }) }, 'bad-manifest', /members\.0\.weight/, /e-schema\.json/);
  await refused({ ensemble: dir.file('ensembles/none.json') }, 'not-found', /ensemble manifest not found/);
  await refused({ ensemble: 'whole', model: 'whole' }, 'bad-option', /either a model or an ensemble/);
});

test('segment() refuses a malformed image and use after dispose', async () => {
  const seg = await loadSegmenter({ segmenter: 'onnx', model: 'whole', modelsDir: dir.path, ...quiet });
  await assert.rejects(seg.segment({ width: 10, height: 10, data: Buffer.alloc(12) }), /400/);
  await seg.dispose();
  await assert.rejects(seg.segment(image), (err: unknown) => err instanceof SegmentError && err.code === 'disposed');
});
