// Messages between the ingest worker and the thread that started it.
import type { IngestProgress, IngestResult } from './ingest-options.ts';

export type IngestWorkerMessage =
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'log'; message: string }
  | { type: 'result'; result: IngestResult }
  | { type: 'error'; message: string; code: string | null; name: string };

export type IngestControlMessage = { type: 'cancel' };
