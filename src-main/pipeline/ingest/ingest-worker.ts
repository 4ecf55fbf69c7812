// Worker-thread side of an ingest job: all pixel work (OpenSlide reads,
// segmentation, extraction, encoding) happens here, never on the thread that
// serves the UI.
import { runJobInWorker } from '../../jobs/job-worker.ts';
import type { IngestOptions } from './ingest-options.ts';
import { runIngest } from './run-ingest.ts';

runJobInWorker((options: IngestOptions, hooks) => runIngest(options, hooks));
