// Slices processed side by side so every core works: a lane takes one group of
// slices (slice-groups.ts) at a time through read -> segment -> instances, and
// an ingest runs one lane per core. The first lane is the ingest's own thread
// (its reader and segmenter); the others are slice workers (slice-worker.ts),
// each with its own OpenSlide handle and inference session, since both the
// model run and the instance step hold a JavaScript thread while they work. Stages inside a lane run one after
// the other, so each lane's stage times are what that stage cost, never a wait
// for another slice's work.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Box } from '../../domain/geometry.ts';
import { startWorkerThread } from '../../jobs/worker-job.ts';
import type { SerializedJobError } from '../../jobs/worker-messages.ts';
import { processSliceGroup } from './process-slice.ts';
import type { SliceOutcome, SliceWork } from './process-slice.ts';
import type { IngestOptions } from './ingest-options.ts';

/** Lanes when the options name none: one per core, at most this many (each holds a few 100 MB at peak). */
export const MAX_AUTO_LANES = 4;
/** A slice worker is started only for at least this many pending slice groups per worker (its start costs ~1 s, about three groups' work). */
export const MIN_GROUPS_PER_WORKER_LANE = 3;

export interface LanePlan {
  /** Lanes wanted (the job may start fewer for few slices). */
  lanes: number;
  /** ONNX Runtime threads per session: the cores shared out between the lanes. */
  intraOpThreads: number;
}

export function planLanes(concurrency: number | undefined, cores = availableParallelism()): LanePlan {
  const lanes = Math.max(1, concurrency ?? Math.min(cores, MAX_AUTO_LANES));
  return { lanes, intraOpThreads: Math.max(1, Math.floor(cores / lanes)) };
}

/** Slice workers worth starting for `pending` slice groups when `lanes` are planned (the ingest thread is one lane). */
export function workerLanesFor(plan: LanePlan, pending: number): number {
  return Math.max(0, Math.min(plan.lanes - 1, Math.floor(pending / MIN_GROUPS_PER_WORKER_LANE)));
}

export interface SliceLane {
  readonly name: string;
  /** One outcome per slice, in order (processSliceGroup). */
  process(slices: readonly Box[]): Promise<SliceOutcome[]>;
  close(): Promise<void>;
}

/** The lane gave out (its thread died): the slices in hand were not processed and go back to the queue. */
export class LaneLostError extends Error {
  constructor(lane: string, reason: string) {
    super(`${lane} stopped: ${reason}`);
    this.name = 'LaneLostError';
  }
}

export function localLane(work: SliceWork): SliceLane {
  return { name: 'lane 1', process: (slices) => processSliceGroup(work, slices), close: async () => undefined };
}

/** What a slice worker opens: the same slide and segmenter as the ingest, at the same scale. */
export interface SliceWorkerInit {
  slidePath: string;
  segmenter: Pick<IngestOptions, 'segmenter' | 'model' | 'ensemble'> & { executionProviders?: string[]; intraOpNumThreads: number };
  /** The ingest's model id: a worker that loaded other weights is not used. */
  modelId: string | null;
  mode: SliceWork['mode'];
  margin: number;
  mpp: number;
}

export type SliceWorkerRequest = { type: 'slices'; id: number; slices: Box[] } | { type: 'close' };
export type SliceWorkerReply =
  | { type: 'ready'; modelId: string | null }
  | { type: 'done'; id: number; outcomes: SliceOutcome[] }
  | { type: 'failed'; id: number; error: SerializedJobError }
  | { type: 'error'; error: SerializedJobError };

/** Starts a slice worker; resolves once it has opened the slide and the segmenter, rejects if it cannot. */
export function startWorkerLane(init: SliceWorkerInit, name: string): Promise<SliceLane> {
  const worker: Worker = startWorkerThread({ bundle: 'slice-worker', source: new URL('./slice-worker.ts', import.meta.url), options: init });
  const pending = new Map<number, { resolve: (o: SliceOutcome[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let lost: string | null = null;
  let closed = false;
  const loseAll = (reason: string) => {
    lost ??= reason;
    for (const p of pending.values()) p.reject(new LaneLostError(name, lost));
    pending.clear();
  };
  return new Promise<SliceLane>((resolveLane, rejectLane) => {
    const lane: SliceLane = {
      name,
      process(slices) {
        if (lost !== null) return Promise.reject(new LaneLostError(name, lost));
        const id = nextId++;
        return new Promise<SliceOutcome[]>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ type: 'slices', id, slices: [...slices] } satisfies SliceWorkerRequest);
        });
      },
      async close() {
        if (closed) return;
        closed = true;
        const exited = new Promise<void>((res) => worker.once('exit', () => res()));
        if (lost === null) worker.postMessage({ type: 'close' } satisfies SliceWorkerRequest);
        else await worker.terminate();
        await exited;
      },
    };
    worker.on('message', (m: SliceWorkerReply) => {
      if (m.type === 'ready') {
        if (m.modelId !== init.modelId) {
          loseAll(`it loaded model ${m.modelId ?? 'none'}, the ingest runs ${init.modelId ?? 'none'}`);
          void lane.close();
          rejectLane(new LaneLostError(name, lost!));
        } else {
          resolveLane(lane);
        }
      } else if (m.type === 'done') {
        pending.get(m.id)?.resolve(m.outcomes);
        pending.delete(m.id);
      } else if (m.type === 'failed') {
        const err = new Error(m.error.message);
        err.name = m.error.name;
        pending.get(m.id)?.reject(err);
        pending.delete(m.id);
      } else {
        loseAll(m.error.message);
        rejectLane(new LaneLostError(name, m.error.message));
      }
    });
    worker.on('error', (err) => { loseAll(err.message); rejectLane(new LaneLostError(name, err.message)); });
    worker.on('exit', (code) => {
      if (!closed || pending.size > 0) loseAll(`exit ${code}`);
      rejectLane(new LaneLostError(name, `exit ${code}`));
    });
  });
}
