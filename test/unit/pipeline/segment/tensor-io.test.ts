// Pre/post-processing: layout, colour order, normalisation, mirroring at the
// edges, alpha compositing, and every output kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelManifestSchema, type ModelManifest } from '../../../../src-main/pipeline/segment/model-manifest.ts';
import {
  mirrorIndex, normalisationTables, readProbabilities, thresholdProbabilities, writeTile,
} from '../../../../src-main/pipeline/segment/tensor-io.ts';

function manifest(input: Record<string, unknown> = {}, output: Record<string, unknown> = {}): ModelManifest {
  return modelManifestSchema.parse({
    schemaVersion: 1, name: 't', task: 'segmentation', downsample: 4,
    input: { name: 'image', layout: 'NCHW', size: { type: 'dynamic' }, colorOrder: 'RGB', ...input },
    output: { kind: 'cell-probability', ...output },
    card: { summary: 's', trainingData: 'none', metrics: {}, limits: [] },
  });
}

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

test('mirrorIndex reflects without repeating the edge pixel', () => {
  assert.deepEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5].map((i) => mirrorIndex(i, 4)), [3, 2, 1, 0, 1, 2, 3, 2, 1]);
  assert.equal(mirrorIndex(7, 1), 0);
});

test('NCHW RGB with /255, mean and std', () => {
  const m = manifest({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 1] });
  const img = image(2, 1, (x) => (x === 0 ? [255, 0, 51, 255] : [0, 255, 102, 255]));
  const out = new Float32Array(6);
  writeTile(img, { x: 0, y: 0, width: 2, height: 1 }, m.input, normalisationTables(m.input), out, 0);
  const expect = [1, -1, -2, 2, -0.3, -0.1];
  out.forEach((v, i) => assert.ok(Math.abs(v - expect[i]!) < 1e-6, `${i}: ${v} vs ${expect[i]}`));
});

test('NHWC BGR order, second batch slot, extra channels', () => {
  const m = manifest({ layout: 'NHWC', colorOrder: 'BGR', divideBy: 1, channels: 4 });
  const img = image(1, 1, () => [10, 20, 30, 255]);
  const out = new Float32Array(8);
  writeTile(img, { x: 0, y: 0, width: 1, height: 1 }, m.input, normalisationTables(m.input), out, 1, [new Float32Array([0.75])]);
  assert.deepEqual([...out], [0, 0, 0, 0, 30, 20, 10, 0.75]);
});

test('tiles past the image are mirrored; transparent pixels become glass white', () => {
  const m = manifest({ divideBy: 1 });
  const img = image(3, 1, (x) => (x === 2 ? [0, 0, 0, 0] : [x * 10, 0, 0, 255]));
  const out = new Float32Array(3 * 5);
  writeTile(img, { x: 1, y: 0, width: 5, height: 1 }, m.input, normalisationTables(m.input), out, 0);
  // columns 1, 2, 3->1, 4->0, 5->1; column 2 is transparent -> 255
  assert.deepEqual([...out.slice(0, 5)], [10, 255, 10, 0, 10]);
});

test('output kinds: probability, logit, softmax class scores, NHWC and rank 3', () => {
  const prob = readProbabilities(new Float32Array([0.1, 0.9]), [1, 1, 1, 2], manifest().output, 0);
  assert.deepEqual([...prob].map((v) => +v.toFixed(5)), [0.1, 0.9]);
  const logit = readProbabilities(new Float32Array([0, 100]), [1, 1, 1, 2], manifest({}, { kind: 'cell-logit' }).output, 0);
  assert.deepEqual([...logit].map((v) => +v.toFixed(5)), [0.5, 1]);
  const classes = manifest({}, { kind: 'class-scores', channels: 3, cellClass: 2 }).output;
  // NCHW, 1 pixel: scores [0, 0, ln 2] -> softmax of class 2 = 2/4
  const soft = readProbabilities(new Float32Array([0, 0, Math.log(2)]), [1, 3, 1, 1], classes, 0);
  assert.ok(Math.abs(soft[0]! - 0.5) < 1e-6);
  const nhwc = manifest({}, { kind: 'class-scores', channels: 2, cellClass: 0, scores: 'probabilities', layout: 'NHWC' }).output;
  const p = readProbabilities(new Float32Array([0.3, 0.7, 0.6, 0.4]), [1, 1, 2, 2], nhwc, 0);
  assert.deepEqual([...p].map((v) => +v.toFixed(5)), [0.3, 0.6]);
  const r3 = readProbabilities(new Float32Array([0.2, 0.4, 0.6, 0.8]), [2, 1, 2], manifest().output, 1);
  assert.deepEqual([...r3].map((v) => +v.toFixed(5)), [0.6, 0.8]);
});

test('threshold is inclusive', () => {
  assert.deepEqual([...thresholdProbabilities(new Float32Array([0.49, 0.5, 0.51]), 0.5)], [0, 1, 1]);
});
