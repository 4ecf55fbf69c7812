// A slice worker: one more lane of an ingest (slice-lanes.ts). Opens the
// slide and the segmenter named in workerData, then takes groups of slices
// one at a time and answers with their candidates; pure computation, it never
// touches the database.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeJobError } from '../../jobs/worker-messages.ts';
import { openSlide } from '../../slide/openslide-reader.ts';
import { loadSegmenter } from '../segment/load-segmenter.ts';
import { processSliceGroup } from './process-slice.ts';
import type { SliceWorkerInit, SliceWorkerReply, SliceWorkerRequest } from './slice-lanes.ts';
import { ScratchArrays } from '../scratch-arrays.ts';

const port = parentPort;
if (!port) throw new Error('a slice worker must run in a worker thread');
const post = (reply: SliceWorkerReply) => port.postMessage(reply);
const init = (workerData as { options: SliceWorkerInit }).options;
try {
  const segmenter = await loadSegmenter({
    segmenter: init.segmenter.segmenter,
    ...(init.segmenter.model !== undefined ? { model: init.segmenter.model } : {}),
    ...(init.segmenter.ensemble !== undefined ? { ensemble: init.segmenter.ensemble } : {}),
    ...(init.segmenter.executionProviders ? { executionProviders: init.segmenter.executionProviders } : {}),
    intraOpNumThreads: init.segmenter.intraOpNumThreads,
    // The ingest thread already logged which providers were passed over.
    log: () => undefined,
  });
  const reader = await openSlide(init.slidePath);
  const work = { reader, segmenter, mode: init.mode, margin: init.margin, mpp: init.mpp, scratch: new ScratchArrays() };
  // One group at a time: the ingest sends the next only after this one's answer.
  port.on('message', (message: SliceWorkerRequest) => {
    if (message.type === 'close') {
      reader.close();
      void segmenter.dispose().finally(() => port.close());
      return;
    }
    processSliceGroup(work, message.slices).then(
      (outcomes) => post({ type: 'done', id: message.id, outcomes }),
      (err: unknown) => post({ type: 'failed', id: message.id, error: serializeJobError(err) }),
    );
  });
  post({ type: 'ready', modelId: segmenter.modelId });
} catch (err) {
  post({ type: 'error', error: serializeJobError(err) });
  port.close();
}
