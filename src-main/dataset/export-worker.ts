// Worker-thread side of an export job: the store reads, checksums and the
// JavaScript side of every image run here, never on the thread that serves
// the UI.
import { runJobInWorker } from '../jobs/job-worker.ts';
import type { ExportOptions } from './export-options.ts';
import { runExport } from './run-export.ts';

runJobInWorker((options: ExportOptions, hooks) => runExport(options, hooks));
