// ONNX Runtime sessions work inside a worker thread (where the pipeline runs
// segmenters) and give the same mask as on the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { loadSegmenter } from '../../../../src-main/pipeline/segment/load-segmenter.ts';
import { ModelDir, patternImage } from './model-dir.ts';

test('a segmenter loaded in a worker thread matches the main thread', async () => {
  const dir = new ModelDir().add('fcn', 'fcn-small');
  try {
    const seg = await loadSegmenter({ segmenter: 'onnx', model: 'fcn', modelsDir: dir.path, executionProviders: ['cpu'], intraOpNumThreads: 1, log: () => undefined });
    const expected = (await seg.segment(patternImage(150, 97))).data;
    await seg.dispose();
    const worker = new Worker(new URL('./segment-in-worker-boot.mjs', import.meta.url), {
      workerData: { modelsDir: dir.path, model: 'fcn' },
    });
    const result = await new Promise<{ provider: string; modelId: string; data: Uint8Array }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.equal(result.provider, 'cpu');
    assert.match(result.modelId, /^fcn@/);
    assert.deepEqual(Buffer.from(result.data), Buffer.from(expected));
  } finally {
    dir.remove();
  }
});
