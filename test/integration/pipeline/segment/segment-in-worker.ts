// Worker-thread side of segment-in-worker.test.ts: loads a segmenter and
// segments one image there, as the pipeline's workers do.
import { parentPort, workerData } from 'node:worker_threads';
import { loadSegmenter } from '../../../../src-main/pipeline/segment/load-segmenter.ts';
import { patternImage } from './model-dir.ts';

const { modelsDir, model } = workerData as { modelsDir: string; model: string };
const seg = await loadSegmenter({ segmenter: 'onnx', model, modelsDir, executionProviders: ['cpu'], intraOpNumThreads: 1, log: () => undefined });
const mask = await seg.segment(patternImage(150, 97));
parentPort?.postMessage({ provider: seg.provider, modelId: seg.modelId, data: mask.data });
await seg.dispose();
