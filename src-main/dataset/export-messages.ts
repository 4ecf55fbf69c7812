// Messages between the export worker and the thread that started it.
import type { ExportProgress, ExportResult } from './export-options.ts';

export type ExportWorkerMessage =
  | { type: 'started'; jobId: number }
  | { type: 'progress'; progress: ExportProgress }
  | { type: 'log'; message: string }
  | { type: 'result'; result: ExportResult }
  | { type: 'error'; message: string; code: string | null; path: string | null; name: string };

export type ExportControlMessage = { type: 'cancel' };
