// Worker-thread side of an assist run: features, training and prediction
// never run on the thread that serves the UI.
import { runJobInWorker } from '../jobs/job-worker.ts';
import { runAssist, type AssistOptions } from './run-assist.ts';

runJobInWorker((options: AssistOptions, hooks) => runAssist(options, hooks));
